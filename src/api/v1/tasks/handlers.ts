import { instantField } from "../../../domain/schedule";
import { createTask } from "../../../services/tasks/create";
import { cancelTask, deleteTask, pauseTask, resumeTask, skipNext, snoozeTask, toggleTask } from "../../../services/tasks/lifecycle";
import { getTaskWithRuns, listTasks } from "../../../services/tasks/read";
import { patchTask, replaceTask } from "../../../services/tasks/update";
import { backfill, runNow } from "../../../services/runs/trigger";
import { listTaskRuns, recentStatuses } from "../../../services/runs/read";
import { serviceContext } from "../../context";
import type { AppRouteHandler } from "../../router";
import { etagOf, parseIfMatch, runJson, taskJson } from "../serialize";
import type * as routes from "./routes";

export const createTaskHandler: AppRouteHandler<typeof routes.createTaskRoute> = async (c) => {
  const task = await createTask(await serviceContext(c), c.req.valid("json"));
  c.header("ETag", etagOf(task));
  c.header("Location", `/v1/tasks/${task.id}`);
  return c.json(taskJson(task), 201);
};

export const listTasksHandler: AppRouteHandler<typeof routes.listTasksRoute> = async (c) => {
  const q = c.req.valid("query");
  const ctx = await serviceContext(c);
  const { tasks, total } = await listTasks(ctx, q);
  const ids = tasks.map((t) => t.id);
  const recent = q.recent_runs ? await recentStatuses(ctx, ids, q.recent_runs) : undefined;
  const items = tasks.map((t) => ({ ...taskJson(t), ...(recent && { recent_statuses: recent.get(t.id) ?? [] }) }));
  return c.json({ tasks: items, total, limit: q.limit, offset: q.offset }, 200);
};

export const getTaskHandler: AppRouteHandler<typeof routes.getTaskRoute> = async (c) => {
  const task = await getTaskWithRuns(await serviceContext(c), c.req.valid("param").id);
  c.header("ETag", etagOf(task));
  return c.json(taskJson(task), 200);
};

export const replaceTaskHandler: AppRouteHandler<typeof routes.replaceTaskRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const task = await replaceTask(await serviceContext(c), id, c.req.valid("json"), parseIfMatch(c.req.header("if-match"), id));
  c.header("ETag", etagOf(task));
  return c.json(taskJson(task), 200);
};

export const patchTaskHandler: AppRouteHandler<typeof routes.patchTaskRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const task = await patchTask(await serviceContext(c), id, c.req.valid("json"), parseIfMatch(c.req.header("if-match"), id));
  c.header("ETag", etagOf(task));
  return c.json(taskJson(task), 200);
};

export const deleteTaskHandler: AppRouteHandler<typeof routes.deleteTaskRoute> = async (c) => {
  const { id } = c.req.valid("param");
  await deleteTask(await serviceContext(c), id, parseIfMatch(c.req.header("if-match"), id));
  return c.body(null, 204);
};

export const toggleTaskHandler: AppRouteHandler<typeof routes.toggleTaskRoute> = async (c) => {
  // The body is optional: an absent one leaves valid("json") undefined.
  const enabled = (c.req.valid("json") as { enabled?: boolean } | undefined)?.enabled;
  return c.json(taskJson(await toggleTask(await serviceContext(c), c.req.valid("param").id, enabled)), 200);
};
export const pauseTaskHandler: AppRouteHandler<typeof routes.pauseTaskRoute> = async (c) =>
  c.json(taskJson(await pauseTask(await serviceContext(c), c.req.valid("param").id)), 200);
export const resumeTaskHandler: AppRouteHandler<typeof routes.resumeTaskRoute> = async (c) =>
  c.json(taskJson(await resumeTask(await serviceContext(c), c.req.valid("param").id)), 200);
export const cancelTaskHandler: AppRouteHandler<typeof routes.cancelTaskRoute> = async (c) =>
  c.json(taskJson(await cancelTask(await serviceContext(c), c.req.valid("param").id)), 200);
export const snoozeTaskHandler: AppRouteHandler<typeof routes.snoozeTaskRoute> = async (c) =>
  c.json(taskJson(await snoozeTask(await serviceContext(c), c.req.valid("param").id, c.req.valid("json"))), 200);
export const skipTaskHandler: AppRouteHandler<typeof routes.skipTaskRoute> = async (c) =>
  c.json(taskJson(await skipNext(await serviceContext(c), c.req.valid("param").id, c.req.valid("json").count)), 200);

export const runTaskHandler: AppRouteHandler<typeof routes.runTaskRoute> = async (c) => {
  const input = (c.req.valid("json") as { input?: unknown } | undefined)?.input;
  const run = await runNow(await serviceContext(c), c.req.valid("param").id, input);
  c.header("Location", `/v1/runs/${run.id}`);
  return c.json(runJson(run), 202);
};

export const backfillTaskHandler: AppRouteHandler<typeof routes.backfillTaskRoute> = async (c) => {
  const b = c.req.valid("json");
  const window = { start: instantField(b.start, "start"), end: instantField(b.end, "end"), overlap_policy: b.overlap_policy };
  const { runs, occurrences } = await backfill(await serviceContext(c), c.req.valid("param").id, window);
  return c.json({ occurrences, created: runs.length, runs: runs.map(runJson) }, 202);
};

export const listTaskRunsHandler: AppRouteHandler<typeof routes.listTaskRunsRoute> = async (c) => {
  const q = c.req.valid("query");
  const { runs, total } = await listTaskRuns(await serviceContext(c), c.req.valid("param").id, q);
  return c.json({ runs: runs.map(runJson), total, limit: q.limit, offset: q.offset }, 200);
};
