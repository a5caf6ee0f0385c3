import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../env";
import { instantField } from "../../../domain/schedule";
import { createTask } from "../../../services/tasks/create";
import { cancelTask, deleteTask, pauseTask, resumeTask, skipNext, snoozeTask, toggleTask } from "../../../services/tasks/lifecycle";
import { getTaskWithRuns, listTasks } from "../../../services/tasks/read";
import { patchTask, replaceTask } from "../../../services/tasks/update";
import { backfill, runNow } from "../../../services/runs/trigger";
import { listTaskRuns } from "../../../services/runs/read";
import { serviceContext } from "../../context";
import { validationHook } from "../../validation";
import { etagOf, parseIfMatch, runJson, taskJson } from "../serialize";
import * as r from "./routes";

export const tasksRouter = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

tasksRouter.openapi(r.createTaskRoute, async (c) => {
  const task = await createTask(await serviceContext(c), c.req.valid("json"));
  c.header("ETag", etagOf(task));
  c.header("Location", `/v1/tasks/${task.id}`);
  return c.json(taskJson(task), 201);
});

tasksRouter.openapi(r.listTasksRoute, async (c) => {
  const q = c.req.valid("query");
  const { tasks, total } = await listTasks(await serviceContext(c), q);
  return c.json({ tasks: tasks.map(taskJson), total, limit: q.limit, offset: q.offset }, 200);
});

tasksRouter.openapi(r.getTaskRoute, async (c) => {
  const task = await getTaskWithRuns(await serviceContext(c), c.req.valid("param").id);
  c.header("ETag", etagOf(task));
  return c.json(taskJson(task), 200);
});

tasksRouter.openapi(r.replaceTaskRoute, async (c) => {
  const { id } = c.req.valid("param");
  const task = await replaceTask(await serviceContext(c), id, c.req.valid("json"), parseIfMatch(c.req.header("if-match"), id));
  c.header("ETag", etagOf(task));
  return c.json(taskJson(task), 200);
});

tasksRouter.openapi(r.patchTaskRoute, async (c) => {
  const { id } = c.req.valid("param");
  const task = await patchTask(await serviceContext(c), id, c.req.valid("json"), parseIfMatch(c.req.header("if-match"), id));
  c.header("ETag", etagOf(task));
  return c.json(taskJson(task), 200);
});

tasksRouter.openapi(r.deleteTaskRoute, async (c) => {
  const { id } = c.req.valid("param");
  await deleteTask(await serviceContext(c), id, parseIfMatch(c.req.header("if-match"), id));
  return c.body(null, 204);
});

tasksRouter.openapi(r.toggleRoute, async (c) => {
  const enabled = (c.req.valid("json") as { enabled?: boolean } | undefined)?.enabled;
  return c.json(taskJson(await toggleTask(await serviceContext(c), c.req.valid("param").id, enabled)), 200);
});
tasksRouter.openapi(r.pauseRoute, async (c) => c.json(taskJson(await pauseTask(await serviceContext(c), c.req.valid("param").id)), 200));
tasksRouter.openapi(r.resumeRoute, async (c) => c.json(taskJson(await resumeTask(await serviceContext(c), c.req.valid("param").id)), 200));
tasksRouter.openapi(r.cancelRoute, async (c) => c.json(taskJson(await cancelTask(await serviceContext(c), c.req.valid("param").id)), 200));
tasksRouter.openapi(r.snoozeRoute, async (c) =>
  c.json(taskJson(await snoozeTask(await serviceContext(c), c.req.valid("param").id, c.req.valid("json"))), 200),
);
tasksRouter.openapi(r.skipRoute, async (c) =>
  c.json(taskJson(await skipNext(await serviceContext(c), c.req.valid("param").id, c.req.valid("json").count)), 200),
);

tasksRouter.openapi(r.runRoute, async (c) => {
  const input = (c.req.valid("json") as { input?: unknown } | undefined)?.input;
  const run = await runNow(await serviceContext(c), c.req.valid("param").id, input);
  c.header("Location", `/v1/runs/${run.id}`);
  return c.json(runJson(run), 202);
});

tasksRouter.openapi(r.backfillRoute, async (c) => {
  const b = c.req.valid("json");
  const window = { start: instantField(b.start, "start"), end: instantField(b.end, "end"), overlap_policy: b.overlap_policy };
  const { runs, occurrences } = await backfill(await serviceContext(c), c.req.valid("param").id, window);
  return c.json({ occurrences, created: runs.length, runs: runs.map(runJson) }, 202);
});

tasksRouter.openapi(r.taskRunsRoute, async (c) => {
  const q = c.req.valid("query");
  const { runs, total } = await listTaskRuns(await serviceContext(c), c.req.valid("param").id, q);
  return c.json({ runs: runs.map(runJson), total, limit: q.limit, offset: q.offset }, 200);
});
