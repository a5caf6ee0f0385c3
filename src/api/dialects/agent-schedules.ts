/**
 * Dialect 004: an agent platform's Schedules API, at `/api/agents/{id}/schedules`,
 * over the same core as /v1. Auth: `Authorization: Bearer <token>` (API key or
 * JWT; `X-API-Key`/`UserKey` work too); reads need `tasks:read`, writes `tasks:write`.
 *
 * Mapping (where the seed is silent, these choices):
 * - A schedule is a core `workflow` task with `agent_id = {id}` and
 *   `parameters = {callback_type: "workflow", callback_id}`: each run POSTs to
 *   `WORKFLOW_ENDPOINT_URL/{callback_id}`. Schedules belong to the agent in the
 *   path: another agent's schedule (or another organization's) is 404 and lists
 *   show only the agent's own. Workflow tasks of the agent made elsewhere (/v1,
 *   002 with `created_by` = the agent) show here when their schedule is once,
 *   delayed or cron; rrule and event tasks, and other types, do not.
 * - `type`: `once` → `{kind: "once", at: next_run}` (an ISO instant with Z or an
 *   offset, in the future: a past `next_run` is 400); `delayed` →
 *   `{kind: "delayed", delay_seconds}` (from creation); `cron` → 5-field cron in
 *   UTC, or in `timezone` (an extension). A field of another type is 400.
 * - Names need not be unique here but are in the core: the core name is
 *   `<name> #<8 hex>` (the suffix is kept on rename) and answers show `name`
 *   without it; `name` is at most 190 characters.
 * - `status`: `active` | `paused` on create (default active) and through PUT
 *   (`{"status": "paused"}` pauses, `"active"` resumes); `completed` is a
 *   once/delayed schedule that ran successfully, and also a task canceled through
 *   another face (it never runs again; changing it is 409).
 * - Answers: a schedule is `{id, name, type, cron_expression, next_run, last_run,
 *   callback_type, callback_id, status, delay_seconds, timezone, created_at,
 *   updated_at}` (the seed's fields, `null` where they do not apply, plus the
 *   last four); create answers 201 with it; `next_run` of a paused or finished
 *   one-time schedule is the instant it was set for. `GET` one adds `executions`
 *   (the 20 latest runs, newest first: `{id, executed_at, status}` with status
 *   `success`, `failed`, `timeout`, `running`, `pending`, `canceled` or
 *   `skipped`; `executed_at` is when it started, or was due). The list is
 *   `{schedules: [...]}`, complete (no paging), newest first, filtered by `status`
 *   and `type`. PUT changes only the fields sent (a new `type` needs its field)
 *   and answers 200 with the schedule; DELETE answers 200 `{id, deleted: true}`.
 * - Errors: `{"error": "<message>", "code": "<core code>", "details"?: [{path,
 *   message}]}`: 400 "Invalid schedule data: …" (also malformed JSON), 401, 403,
 *   404 "Schedule not found", 409, 413 (over 256 KiB), 415 (not JSON).
 * - A `once` schedule whose `next_run` has already passed is due now: it is stored at the
 *   next second and runs on the next tick (the seed's own 2024 example is such a case).
 */
import type { TaskStatus } from "../../domain/task";
import { createTask } from "../../services/tasks/create";
import { deleteTask } from "../../services/tasks/lifecycle";
import { getTask, getTaskWithRuns, listTasks } from "../../services/tasks/read";
import { patchTaskWith } from "../../services/tasks/update";
import { serviceContext } from "../context";
import { agentView, createInput, patchInput, renderScheduleError, toExecution, toSchedule } from "./agent-schedules/map";
import type { ScheduleStatus } from "./agent-schedules/map";
import * as r from "./agent-schedules/routes";
import { createFace } from "../face";

export const agentSchedulesFace = createFace({ bases: ["/api/agents"], render: renderScheduleError });
const agentSchedulesRouter = agentSchedulesFace.router;

/** The seed's list has no paging: it answers the newest this many. */
const MAX_LISTED = 1000;
const EXECUTIONS = 20;

/** 004's statuses in the core's terms (a canceled task reads as completed). */
const STATUSES_OF: Record<ScheduleStatus, readonly TaskStatus[]> = {
  active: ["active"],
  paused: ["paused"],
  completed: ["completed", "canceled"],
};

agentSchedulesRouter.openapi(r.listSchedulesRoute, async (c) => {
  const { id } = c.req.valid("param");
  const q = c.req.valid("query");
  // The seed's list has no paging: the newest MAX_LISTED of the agent's schedules, filtered in SQL.
  const { tasks } = await listTasks(await serviceContext(c), {
    ...agentView(id),
    ...(q.type && { schedule_kinds: [q.type] }),
    statuses: q.status ? STATUSES_OF[q.status] : undefined,
    limit: MAX_LISTED,
    offset: 0,
  });
  return c.json({ schedules: tasks.map(toSchedule) }, 200);
});

agentSchedulesRouter.openapi(r.createScheduleRoute, async (c) => {
  const { id } = c.req.valid("param");
  const ctx = await serviceContext(c);
  const task = await createTask(ctx, createInput(id, c.req.valid("json"), ctx.now));
  c.header("Location", `/api/agents/${encodeURIComponent(id)}/schedules/${task.id}`);
  return c.json(toSchedule(task), 201);
});

agentSchedulesRouter.openapi(r.getScheduleRoute, async (c) => {
  const { id, scheduleId } = c.req.valid("param");
  const task = await getTaskWithRuns(await serviceContext(c), scheduleId, EXECUTIONS, agentView(id));
  return c.json({ ...toSchedule(task), executions: task.latest_runs.map(toExecution) }, 200);
});

agentSchedulesRouter.openapi(r.updateScheduleRoute, async (c) => {
  const ctx = await serviceContext(c);
  const { id, scheduleId } = c.req.valid("param");
  const b = c.req.valid("json");
  // The patch is built from the task as it is (name suffix, callback, schedule), so it is built from the version it applies to.
  return c.json(
    toSchedule(await patchTaskWith(ctx, scheduleId, (current) => patchInput(current, b, ctx.now), { view: agentView(id) })),
    200,
  );
});

agentSchedulesRouter.openapi(r.deleteScheduleRoute, async (c) => {
  const ctx = await serviceContext(c);
  const { id, scheduleId } = c.req.valid("param");
  await getTask(ctx, scheduleId, agentView(id));
  await deleteTask(ctx, scheduleId);
  return c.json({ id: scheduleId, deleted: true as const }, 200);
});
