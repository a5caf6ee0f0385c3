/**
 * Dialect 002: an agent workflow platform's Tasks API, at `/tasks`, over the same
 * core as /v1. Auth: `Authorization: Bearer <agent token>` (an API key or JWT of
 * this service; `X-API-Key`/`UserKey` work too); reads need `tasks:read`, writes
 * `tasks:write`.
 *
 * Mapping (the seed documents requests only; where it is silent, these choices):
 * - A 002 task is a core `workflow` task: `parameters = {callback_type: "workflow",
 *   callback_id: "pipeline", input: <payload>}`, so each run POSTs the payload as
 *   `input` to `WORKFLOW_ENDPOINT_URL/pipeline` (signed, with task and run ids).
 *   Tasks of other core types are not visible here (404, not listed).
 * - `title` → `name` (unique per organization: a duplicate is 409 `name_taken`);
 *   `description` → `description`; `created_by` (the agent's UUID) → `agent_id`
 *   (the core's own `created_by` stays the credential that wrote it);
 *   `max_retries`/`backoff_strategy` → `retry.max_retries`/`retry.backoff`;
 *   `priority`, `dedupe_key`, `dedupe_window_seconds`, `concurrency_key` as is.
 *   Defaults are the core's: priority 5, max_retries 3, exponential_jitter,
 *   timezone UTC; a dedupe_key without a window deduplicates over one hour.
 * - Schedules: `cron` → cron in `timezone`; `rrule` → RRULE in `timezone` (an
 *   `RRULE:` prefix and a `DTSTART[;TZID=zone]:YYYYMMDDTHHMMSS` line are accepted;
 *   the answer's `schedule_expr` is the normalised rule without them); `once` →
 *   the instant in `schedule_expr` (without Z or an offset it is read as wall time
 *   in `timezone`); `event` → the event named by `schedule_expr`, or by default the
 *   title with every run of characters other than letters, digits and `._:-`
 *   replaced by `-` ("Nightly ETL" → "Nightly-ETL"); publish it with
 *   `POST /v1/events`. `once` and `event` tasks answer `timezone: "UTC"` (the
 *   core keeps an instant, not a zone). A core `delayed` task reads as `once` at
 *   its instant (but `schedule_kind=once` filters stored `once` tasks only).
 * - Answers: a task is `{id, title, description, schedule_kind, schedule_expr,
 *   timezone, payload, created_by, priority, max_retries, backoff_strategy,
 *   dedupe_key, dedupe_window_seconds, concurrency_key, status, next_run_at,
 *   last_run_at, last_status, snoozed_until, snooze_reason, created_at,
 *   updated_at}`; create is 201 with it, GET/PUT/snooze/pause/resume/cancel 200
 *   with it; `GET /tasks` is `{tasks, total, limit, offset}` (limit default 50,
 *   at most 200; newest first); `run_now` is 202 with the queued run
 *   `{id, task_id, status: "queued", trigger: "manual", attempt, scheduled_for,
 *   created_at}` (it runs paused tasks too). `status` is the core's: `active`,
 *   `paused`, `canceled`, or `completed` (a `once` task after its run succeeded);
 *   a snoozed task stays `active` with `snoozed_until` set.
 * - PUT changes only the fields sent; a new `schedule_kind` needs its
 *   `schedule_expr` (except `event`); `payload` replaces the pipeline whole.
 *   Unknown fields are refused (400). Cancel is final: resume, pause, snooze,
 *   run_now or PUT after it are 409 `task_canceled`; a second cancel is a no-op.
 * - Errors: `{"error": {"code", "message", "details"?: [{path, message}]}}` with
 *   the status (400 invalid input, 401, 403, 404, 409, 413 over 256 KiB, 415 not
 *   JSON); `details[].path` names the 002 field.
 */
import { runNow } from "../../services/runs/trigger";
import { createTask } from "../../services/tasks/create";
import { cancelTask, pauseTask, resumeTask, snoozeTask } from "../../services/tasks/lifecycle";
import { getTask, listTasks } from "../../services/tasks/read";
import { patchTaskWith } from "../../services/tasks/update";
import { serviceContext } from "../context";
import { AGENTFLOW_VIEW, createInput, patchInput, renderAgentflowError, runView, toAgentflow } from "./agentflow/map";
import * as r from "./agentflow/routes";
import { createFace } from "../face";

export const agentflowFace = createFace({ bases: ["/tasks"], render: renderAgentflowError });
const agentflowRouter = agentflowFace.router;

agentflowRouter.openapi(r.createTaskRoute, async (c) => {
  const task = await createTask(await serviceContext(c), createInput(c.req.valid("json")));
  c.header("Location", `/tasks/${task.id}`);
  return c.json(toAgentflow(task), 201);
});

agentflowRouter.openapi(r.listTasksRoute, async (c) => {
  const q = c.req.valid("query");
  const { tasks, total } = await listTasks(await serviceContext(c), {
    ...AGENTFLOW_VIEW,
    status: q.status,
    agent_id: q.created_by,
    schedule_kind: q.schedule_kind,
    limit: q.limit,
    offset: q.offset,
  });
  return c.json({ tasks: tasks.map(toAgentflow), total, limit: q.limit, offset: q.offset }, 200);
});

agentflowRouter.openapi(r.getTaskRoute, async (c) => {
  const task = await getTask(await serviceContext(c), c.req.valid("param").id, AGENTFLOW_VIEW);
  return c.json(toAgentflow(task), 200);
});

agentflowRouter.openapi(r.updateTaskRoute, async (c) => {
  const ctx = await serviceContext(c);
  const { id } = c.req.valid("param");
  const b = c.req.valid("json");
  // The patch merges into the task as it is (schedule and payload), so it is built from the version it applies to.
  return c.json(toAgentflow(await patchTaskWith(ctx, id, (current) => patchInput(current, b), { view: AGENTFLOW_VIEW })), 200);
});

agentflowRouter.openapi(r.runTaskNowRoute, async (c) => {
  const ctx = await serviceContext(c);
  const { id } = c.req.valid("param");
  await getTask(ctx, id, AGENTFLOW_VIEW);
  return c.json(runView(await runNow(ctx, id)), 202);
});

agentflowRouter.openapi(r.snoozeTaskRoute, async (c) => {
  const ctx = await serviceContext(c);
  const { id } = c.req.valid("param");
  await getTask(ctx, id, AGENTFLOW_VIEW);
  const b = c.req.valid("json");
  return c.json(toAgentflow(await snoozeTask(ctx, id, { delay_seconds: b.delay_seconds, reason: b.reason ?? null })), 200);
});

const verbs = [
  [r.pauseTaskRoute, pauseTask],
  [r.resumeTaskRoute, resumeTask],
  [r.cancelTaskRoute, cancelTask],
] as const;
for (const [route, verb] of verbs) {
  agentflowRouter.openapi(route, async (c) => {
    const ctx = await serviceContext(c);
    const { id } = c.req.valid("param");
    await getTask(ctx, id, AGENTFLOW_VIEW);
    return c.json(toAgentflow(await verb(ctx, id)), 200);
  });
}
