import { createRouter } from "../../router";
import * as h from "./handlers";
import * as r from "./routes";

/** /v1/tasks: CRUD, lifecycle actions, manual runs and backfills, and a task's runs. */
export const tasksRouter = createRouter()
  .openapi(r.createTaskRoute, h.createTaskHandler)
  .openapi(r.listTasksRoute, h.listTasksHandler)
  .openapi(r.getTaskRoute, h.getTaskHandler)
  .openapi(r.replaceTaskRoute, h.replaceTaskHandler)
  .openapi(r.patchTaskRoute, h.patchTaskHandler)
  .openapi(r.deleteTaskRoute, h.deleteTaskHandler)
  .openapi(r.toggleTaskRoute, h.toggleTaskHandler)
  .openapi(r.pauseTaskRoute, h.pauseTaskHandler)
  .openapi(r.resumeTaskRoute, h.resumeTaskHandler)
  .openapi(r.cancelTaskRoute, h.cancelTaskHandler)
  .openapi(r.snoozeTaskRoute, h.snoozeTaskHandler)
  .openapi(r.skipTaskRoute, h.skipTaskHandler)
  .openapi(r.runTaskRoute, h.runTaskHandler)
  .openapi(r.backfillTaskRoute, h.backfillTaskHandler)
  .openapi(r.listTaskRunsRoute, h.listTaskRunsHandler);
