/**
 * NetStacks (seed 000) — the Tasks API of a network-automation platform, at
 * `/api/tasks/schedules` (all four task types) and `/api/tasks/agent-schedules`
 * (agent tasks with a `prompt`), over the same core as `/v1`.
 *
 * Mapping: `task_type` backup|health_check|custom_script|agent_task → the core's type
 * of the same name; `cron_expression` + `timezone` → schedule `{kind:"cron"}`;
 * `parameters` → the type's parameters as the core validates them (the seed's backup
 * `device_ids`/`capture_running`/`capture_startup` are accepted as is, and make the
 * backup a runner's job: the devices are reachable only from the user's network, so a
 * runner there claims type `backup`, gets the device list and reports the result); agent
 * schedules' `prompt` → `parameters.prompt` of an `agent_task`; `max_retries`,
 * `retry_delay_seconds` → `retry.max_retries`, `retry.delay_seconds`; `enabled` →
 * active/paused. Ids are the core's task ids, so `/v1/tasks/{id}` shows the same task.
 *
 * Choices where the seed is silent:
 * - Errors use NetStacks' documented envelope `{"error": {code, message, status, details}}`
 *   (`details` is `{field, message}` or null). Codes: VALIDATION_ERROR (422, the body's
 *   shape: a missing field, a wrong type, an unknown field or task_type); BAD_REQUEST
 *   (400: invalid cron — 6/7 fields say "Extended expressions with seconds are not
 *   supported" — non-IANA timezone such as EST/GMT, invalid parameters); INVALID_REQUEST
 *   (400 malformed JSON, 415 a body that is not JSON); PAYLOAD_TOO_LARGE (413, over
 *   256 KiB); UNAUTHORIZED / INVALID_TOKEN / TOKEN_EXPIRED (401); FORBIDDEN (403);
 *   TASK_NOT_FOUND (404, also another organization's id); CONFLICT (409, duplicate
 *   name in the organization, or a task canceled through /v1); NOT_FOUND (404, no route).
 * - Auth: `Authorization: Bearer <JWT>` as the seed says; API keys work too (Bearer,
 *   `UserKey`, `X-API-Key`). Reads need `tasks:read`, writes `tasks:write`.
 * - `timezone` defaults to UTC. Retries default to 3 with 60 s and, as NetStacks
 *   describes "a delay between attempts", a `fixed` backoff; agent tasks get the core's
 *   1 h timeout. `max_retries`/`retry_delay_seconds` are also read from inside
 *   `parameters` (the seed's Q&A puts them there); top-level values win.
 * - Answers carry one task shape: the seed's fields (`id, name, task_type,
 *   cron_expression, timezone, enabled, next_run_at, created_at`, list items add
 *   `last_run_at`) plus `description, parameters, max_retries, retry_delay_seconds,
 *   timeout_seconds, updated_at`; agent schedules add `prompt`. Instants are UTC with
 *   second precision (`2026-03-11T07:00:00Z`), as in the seed.
 * - GET one adds `executions`: the 20 latest runs, newest first, `{id, task_id, status,
 *   trigger, attempt, started_at, completed_at, duration_ms, error, result, targets}`
 *   where status is running (queued or running), completed, failed (also timed out),
 *   cancelled or skipped, and `targets` holds the per-device/per-target results.
 * - List: `limit` (default 50, at most 200), `offset`, and filters `task_type`,
 *   `enabled`; newest first. Only tasks this face can express are shown (its types on
 *   a cron schedule; the agent face: agent tasks only); others answer TASK_NOT_FOUND.
 * - PUT is a partial update: fields sent change, the rest stay. Read-only fields a
 *   client echoes from GET (`id`, `created_at`, `next_run_at`, ...) are ignored;
 *   other unknown fields are refused. DELETE answers 204 (NetStacks' code for deletes).
 * - `POST /:id/run` works for disabled tasks too; the 202's `started_at` is when the
 *   execution was accepted. `POST /:id/toggle` answers the task.
 */
import { runNow } from "../../services/runs/trigger";
import { createTask } from "../../services/tasks/create";
import { deleteTask, toggleTask } from "../../services/tasks/lifecycle";
import { getTask, getTaskWithRuns, listTasks } from "../../services/tasks/read";
import { patchTaskWith } from "../../services/tasks/update";
import { serviceContext } from "../context";
import { createFace } from "../face";
import { netstacksHook, renderNetstacksError } from "./netstacks/errors";
import { netstacksView, nsTime, taskJson, toTaskInput, toTaskPatch } from "./netstacks/map";
import { faceRoutes } from "./netstacks/routes";

export const netstacksFace = createFace({
  bases: ["/api/tasks"],
  render: (c, err) => renderNetstacksError(err, c),
  hook: netstacksHook,
  unknownRoute: (c) =>
    c.json({ error: { code: "NOT_FOUND", message: `No route for ${c.req.method} ${c.req.path}`, status: 404, details: null } }, 404),
});
const netstacksRouter = netstacksFace.router;

function mountFace(base: "/api/tasks/schedules" | "/api/tasks/agent-schedules") {
  const agent = base === "/api/tasks/agent-schedules";
  const view = netstacksView(agent);
  const r = faceRoutes(base);

  netstacksRouter.openapi(r.createTaskRoute, async (c) => {
    const b = c.req.valid("json");
    const input = "prompt" in b ? toTaskInput({ ...b, task_type: "agent_task", parameters: { prompt: b.prompt } }) : toTaskInput(b);
    const task = await createTask(await serviceContext(c), input);
    c.header("Location", `${base}/${task.id}`);
    return c.json(taskJson(task, agent), 201);
  });

  netstacksRouter.openapi(r.listTasksRoute, async (c) => {
    const q = c.req.valid("query");
    const page = await listTasks(await serviceContext(c), {
      ...view,
      ...(!agent && q.task_type && { types: [q.task_type] }),
      enabled: q.enabled,
      limit: q.limit,
      offset: q.offset,
    });
    return c.json({ tasks: page.tasks.map((t) => taskJson(t, agent)), total: page.total, limit: q.limit, offset: q.offset }, 200);
  });

  netstacksRouter.openapi(r.getTaskRoute, async (c) => {
    const task = await getTaskWithRuns(await serviceContext(c), c.req.valid("param").id, 20, view);
    return c.json(taskJson(task, agent), 200);
  });

  netstacksRouter.openapi(r.updateTaskRoute, async (c) => {
    const ctx = await serviceContext(c);
    const { id } = c.req.valid("param");
    const b = c.req.valid("json");
    const task = await patchTaskWith(ctx, id, (current) => toTaskPatch(b, current, agent), { view });
    return c.json(taskJson(task, agent), 200);
  });

  netstacksRouter.openapi(r.deleteTaskRoute, async (c) => {
    const ctx = await serviceContext(c);
    const { id } = c.req.valid("param");
    await getTask(ctx, id, view);
    await deleteTask(ctx, id);
    return c.body(null, 204);
  });

  netstacksRouter.openapi(r.runTaskRoute, async (c) => {
    const ctx = await serviceContext(c);
    const { id } = c.req.valid("param");
    await getTask(ctx, id, view);
    const run = await runNow(ctx, id);
    return c.json(
      {
        id: run.id,
        task_id: run.task_id,
        status: "running" as const,
        trigger: "manual" as const,
        started_at: nsTime(run.started_at ?? run.created_at),
      },
      202,
    );
  });

  netstacksRouter.openapi(r.toggleTaskRoute, async (c) => {
    const ctx = await serviceContext(c);
    const { id } = c.req.valid("param");
    await getTask(ctx, id, view);
    const enabled = (c.req.valid("json") as { enabled?: boolean } | undefined)?.enabled;
    return c.json(taskJson(await toggleTask(ctx, id, enabled), agent), 200);
  });
}

mountFace("/api/tasks/schedules");
mountFace("/api/tasks/agent-schedules");
