/**
 * Kubiya Scheduled Tasks (seed 003) at `/api/v1/scheduled_tasks`: agents run on a
 * schedule. The seed omits bodies; this face follows what Kubiya's clients (its
 * Terraform provider and API users) send and read. Each task is a core `agent_task`.
 *
 * Mapping:
 * - Create with `{task_description, selected_agent, channel_id, schedule_time, cron_string}`
 *   or `{task_type, scheduled_time, channel_id, parameters: {message_text, selected_agent,
 *   selected_agent_name, cron_string, context}}` (top-level wins when both are sent).
 *   `task_description`/`message_text` → `parameters.prompt` (and the core `description`,
 *   cut at 2000 characters); `selected_agent` → the core's `agent_id`.
 * - A non-empty `cron_string` → schedule `{kind:"cron", timezone:"UTC"}` (Kubiya has no time
 *   zone field; named days such as `0 9 * * MON-FRI` work). An empty or absent one →
 *   `{kind:"once", at: schedule_time}`. Times without an offset are UTC; Go's zero time
 *   (`0001-01-01T00:00:00Z`) counts as absent. A six-field cron whose last field (year,
 *   as Kubiya's Terraform provider writes it) is `*` loses that field; seconds are refused.
 * - `channel_id`, `channel_name`, `selected_agent_name`, `task_type`, `user_email` and the
 *   client's `parameters.context` are kept in the core task's `parameters.context.kubiya`
 *   (which the agent also sees as context), so they round-trip.
 * - Core name (names are unique per organization and Kubiya has none): the first 80
 *   characters of the description plus ` (` 8 random hex digits `)`. It never changes.
 *
 * Answers: a task is `{task_id, task_uuid (both the core id), user_email (as sent, else
 * the credential's subject), channel_id, channel_name (as sent, else channel_id),
 * description, task_description (the same text; Kubiya's newer clients read the
 * latter), agent, task_type (default "prompt"), scheduled_time (one-time: its instant;
 * recurring: null, which is how Kubiya's clients tell them apart), next_schedule_time,
 * status (scheduled | paused | completed | canceled), parameters: {selected_agent,
 * selected_agent_name, cron_string ("" for one-time), message_text, context (as sent;
 * otherwise the agent, as Kubiya does), repeat}, created_at}`. Instants are naive UTC
 * with second precision (`2026-12-01T09:00:00`), the layout Kubiya's clients parse.
 *
 * Choices where the seed is silent:
 * - Create answers 200 with the task; GET lists a bare array, newest first (`limit`
 *   default and max 1000, `offset`); PUT changes the fields sent and keeps the rest;
 *   DELETE answers 200 with an empty body.
 * - Unknown request fields are ignored (Kubiya's clients send e.g. `organization_name`);
 *   `null` counts as absent (a `null` cron_string means one-time).
 * - Errors are `{"msg": "..."}` (400s add `details: [{path, message}]`) with the seed's
 *   statuses: 400 bad input (also malformed JSON, a non-JSON body, a body over 256 KiB,
 *   or a past one-time instant), 401, 403 (a key without `tasks:write`/`tasks:read`),
 *   404 (also another organization's task, or one this face cannot express: not an
 *   agent task, or not on a cron/one-time schedule), 500 with no detail.
 * - Auth: `Authorization: UserKey <key>` as Kubiya documents; `Bearer` (API key or JWT)
 *   and `X-API-Key` work too.
 */
import { createTask } from "../../services/tasks/create";
import { deleteTask } from "../../services/tasks/lifecycle";
import { getTask, listTasks } from "../../services/tasks/read";
import { patchTaskWith } from "../../services/tasks/update";
import { serviceContext } from "../context";
import { createFace } from "../face";
import { kubiyaHook, renderKubiyaError } from "./kubiya/errors";
import { KUBIYA_VIEW, kubiyaJson, toTaskInput, toTaskPatch } from "./kubiya/map";
import * as r from "./kubiya/routes";

export const kubiyaFace = createFace({
  bases: ["/api/v1/scheduled_tasks"],
  render: (c, err) => renderKubiyaError(err, c),
  hook: kubiyaHook,
  unknownRoute: (c) => c.json({ msg: `Not Found: no route for ${c.req.method} ${c.req.path}` }, 404),
});
const kubiyaRouter = kubiyaFace.router;

kubiyaRouter.openapi(r.listScheduledTasksRoute, async (c) => {
  const q = c.req.valid("query");
  const page = await listTasks(await serviceContext(c), { ...KUBIYA_VIEW, limit: q.limit, offset: q.offset });
  return c.json(page.tasks.map(kubiyaJson), 200);
});

kubiyaRouter.openapi(r.getScheduledTaskRoute, async (c) =>
  c.json(kubiyaJson(await getTask(await serviceContext(c), c.req.valid("param").taskId, KUBIYA_VIEW)), 200),
);

kubiyaRouter.openapi(r.createScheduledTaskRoute, async (c) => {
  const task = await createTask(await serviceContext(c), toTaskInput(c.req.valid("json")));
  return c.json(kubiyaJson(task), 200);
});

kubiyaRouter.openapi(r.updateScheduledTaskRoute, async (c) => {
  const ctx = await serviceContext(c);
  const { taskId } = c.req.valid("param");
  const b = c.req.valid("json");
  return c.json(kubiyaJson(await patchTaskWith(ctx, taskId, (current) => toTaskPatch(b, current), { view: KUBIYA_VIEW })), 200);
});

kubiyaRouter.openapi(r.deleteScheduledTaskRoute, async (c) => {
  const ctx = await serviceContext(c);
  const { taskId } = c.req.valid("param");
  await getTask(ctx, taskId, KUBIYA_VIEW);
  await deleteTask(ctx, taskId);
  return c.body(null, 200);
});
