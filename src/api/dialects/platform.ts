/**
 * Dialect 001: a container-hosting platform's Tasks API at `/api/v1/tasks`
 * (camelCase, `{success, ...}` envelopes, `tasks:read` / `tasks:write`), over the same
 * core as /v1. A task here is a core task of type health_check, backup,
 * container_update or custom_script on a cron schedule; other core tasks are not
 * visible through this face (404 "Task not found").
 *
 * Mapping (vendor → core):
 * - `type` health-check|backup|container-update|custom → health_check|backup|container_update|custom_script;
 *   `projectId` → project_id (must be a project of the caller's organization, else 400
 *   "Project not found"); `cronExpression` + `timezone` (default UTC) → a cron schedule;
 *   `enabled` (default true) → active/paused. Retries, timeout and the rest take the core's defaults.
 * - healthCheckConfig: `checkConnectivity` probes the project's `url` from the edge
 *   (targets `[{name: projectName, url}]`); for a project without a url (its containers
 *   live on its hosts, behind no public URL) the project's runner checks connectivity
 *   instead (core `runner_connectivity: true`). The execution's `result` says which in
 *   `connectivityCheckedBy` ("edge" or "runner");
 *   `checkContainers` is done by a runner labelled `project=<projectId>` (claim type
 *   `health_check`): the edge probes first, the run then waits for the runner, and the
 *   execution's `result` holds the edge's target results plus the runner's report under
 *   `containers`; it fails if either part does. One of the two must be true. Until a
 *   runner of the project claims it, the run waits (and times out after the task's
 *   timeout). `alertOnFailure` is recorded; a failed check shows as `lastStatus: "failed"`
 *   and alert delivery to a URL is configured through /v1 (`parameters.alert` or
 *   `on_failure_url`), since the vendor sends no destination. The flags are stored in the
 *   core's health-check parameters (`check_containers`, `alert_on_failure`; connectivity
 *   is the presence of targets), so they round-trip through /v1 too. All three default to true.
 * - backupConfig: done by a runner labelled `project=<projectId>` (claim type `backup`;
 *   core parameters `{run_on: "runner", type: "full", destination: "s3", encrypt}`): the
 *   runner knows the project's data and where its S3 bucket is; the execution's `result`
 *   is the runner's report. `type` accepts only "full" and `destination` only "s3": both
 *   default to those values and are read back as them.
 * - containerUpdateConfig `{pullImages, restartAfterUpdate}` → `{pull, restart}` (default
 *   true); customConfig `{command}` → `{command}` (required). Both run on runners labelled
 *   `project=<projectId>` (POST /v1/runners/claim).
 *
 * Answers:
 * - Instants are ISO-8601 UTC to the second (`2026-01-20T07:00:00Z`), as the reference writes them.
 * - `lastStatus` and history `status`: succeeded → "success"; failed, timed_out → "failed".
 *   `history` lists the finished executions among the task's 20 latest runs, newest first
 *   (skipped or canceled occurrences never executed); a failed one adds `error`. `result`
 *   is the run's result with top-level keys in camelCase (a backup's `backup_id` → `backupId`).
 * - Create answers 201 with the reference's short task; PUT changes only the fields sent
 *   (read-only fields such as `id` or `history` are accepted and ignored, so a read task can
 *   be sent back) and answers the reference's short task; DELETE answers 200.
 * - `GET /api/v1/tasks` lists the tasks of the face (no pagination in the reference: the
 *   newest 1000), newest first, filtered by `projectId`, `type`, `enabled` in one query.
 * - `POST /:id/run` queues a manual run and waits for it, up to the task's timeout and at
 *   most 60 s: 200 `{success, execution:{id, status, duration, result}}` where `success` is
 *   whether the execution succeeded (a failed one adds `error`), or 202
 *   `{success:true, execution:{id, status:"running"}}` at the deadline (follow it with GET /v1/runs/{id}).
 * - The request's own fields are checked before stored state: a bad cron or timezone is
 *   answered before an unknown project.
 * - Errors are `{success:false, error}`: 400 "Invalid cron expression" for any cron problem,
 *   400 "Project not found", 404 "Task not found", 401/403/409/413/415 with a clear message.
 */
import { DomainError } from "../../domain/errors";
import { isRunFinished } from "../../domain/run";
import type { Task, TaskPatch } from "../../domain/task";
import type { ServiceContext } from "../../services/context";
import { getProject, listProjects } from "../../services/projects";
import type { Project } from "../../services/projects";
import { awaitRun } from "../../services/runs/read";
import { runNow } from "../../services/runs/trigger";
import { createTask } from "../../services/tasks/create";
import { deleteTask } from "../../services/tasks/lifecycle";
import { getTask, getTaskWithRuns, listTasks } from "../../services/tasks/read";
import { checkSchedule } from "../../services/tasks/spec";
import { patchTaskWith } from "../../services/tasks/update";
import { serviceContext } from "../context";
import { platformHook, renderPlatformError } from "./platform/errors";
import { createFace } from "../face";
import type { Config, PlatformTask } from "./platform/map";
import {
  CONFIG_KEY,
  CORE_TYPE,
  configOf,
  createdView,
  PLATFORM_VIEW,
  expressible,
  fullView,
  runError,
  summary,
  toParameters,
  updatedView,
  vendorResult,
  vendorTypeOf,
} from "./platform/map";
import * as r from "./platform/schemas";

export const platformFace = createFace({
  bases: ["/api/v1/tasks"],
  render: renderPlatformError,
  hook: platformHook,
  unknownRoute: (c) => c.json({ success: false as const, error: `No route for ${c.req.method} ${c.req.path}` }, 404),
});
const platformRouter = platformFace.router;

/** The seed's list has no paging: it answers the newest this many. */
const MAX_LISTED = 1000;

const notFound = () => new DomainError("not_found", "not_found", "Task not found");

/** The project a task names, or 400 "Project not found" (the vendor's answer for an unknown project). */
async function projectFor(ctx: ServiceContext, id: string): Promise<Project> {
  try {
    return await getProject(ctx, id);
  } catch (e) {
    if (e instanceof DomainError && e.kind === "not_found") throw new DomainError("invalid", "project_not_found", "Project not found");
    throw e;
  }
}

/** A project's display name; null when the task has none or it was deleted since. */
async function projectName(ctx: ServiceContext, id: string | null): Promise<string | null> {
  if (id === null) return null;
  return getProject(ctx, id).then(
    (p) => p.name,
    (e: unknown) => {
      if (e instanceof DomainError && e.kind === "not_found") return null;
      throw e;
    },
  );
}

/** The task if this face can express it, or 404 (narrowed to what the face's views read). */
function shown<T extends Task>(t: T): T & PlatformTask {
  if (!expressible(t)) throw notFound();
  return t;
}

/** A task of the caller's organization that this face can express, or 404. */
const platformTask = async (ctx: ServiceContext, id: string): Promise<PlatformTask> => shown(await getTask(ctx, id, PLATFORM_VIEW));

/** The configs a body sends (null counts as not sent: forms send every field). */
const given = (b: { [K in keyof Config]?: Config[K] | null }): Config => ({
  ...(b.healthCheckConfig && { healthCheckConfig: b.healthCheckConfig }),
  ...(b.backupConfig && { backupConfig: b.backupConfig }),
  ...(b.containerUpdateConfig && { containerUpdateConfig: b.containerUpdateConfig }),
  ...(b.customConfig && { customConfig: b.customConfig }),
});

/** A config for another type than the task's is a mistake worth naming, not something to drop silently. */
function assertOnlyConfigOf(type: r.VendorType, cfg: Config) {
  const stray = Object.keys(cfg).filter((k) => k !== CONFIG_KEY[type]);
  if (stray.length > 0)
    throw new DomainError("invalid", "validation_failed", `${stray.join(", ")} does not apply to a ${type} task; send ${CONFIG_KEY[type]}`);
}

platformRouter.openapi(r.listTasksRoute, async (c) => {
  const q = c.req.valid("query");
  const ctx = await serviceContext(c);
  const enabled = q.enabled === undefined ? undefined : q.enabled === "true";
  const page = await listTasks(ctx, {
    ...PLATFORM_VIEW,
    ...(q.type && { types: [CORE_TYPE[q.type]] }),
    project_id: q.projectId,
    enabled,
    limit: MAX_LISTED,
    offset: 0,
  });
  const tasks = page.tasks.filter(expressible);
  const names = new Map((tasks.length > 0 ? await listProjects(ctx) : []).map((p) => [p.id, p.name]));
  return c.json({ tasks: tasks.map((t) => summary(t, t.project_id === null ? null : (names.get(t.project_id) ?? null))) }, 200);
});

platformRouter.openapi(r.createTaskRoute, async (c) => {
  const b = c.req.valid("json");
  const ctx = await serviceContext(c);
  const cfg = given(b);
  assertOnlyConfigOf(b.type, cfg);
  // The request's own fields first (a bad cron is "Invalid cron expression" whatever the
  // project), then stored state (the project).
  const schedule = checkSchedule({ kind: "cron", expression: b.cronExpression, timezone: b.timezone ?? "UTC" }, ctx.now);
  const project = await projectFor(ctx, b.projectId);
  const mapped = toParameters(b.type, cfg, undefined, project);
  const task = await createTask(ctx, {
    name: b.name,
    project_id: project.id,
    type: CORE_TYPE[b.type],
    parameters: mapped.parameters,
    schedule,
    enabled: b.enabled ?? true,
  });
  if (!expressible(task)) throw new Error("created task is not a cron task of a platform type");
  return c.json({ success: true as const, task: createdView(task) }, 201);
});

platformRouter.openapi(r.getTaskRoute, async (c) => {
  const ctx = await serviceContext(c);
  const t = shown(await getTaskWithRuns(ctx, c.req.valid("param").id, 20, PLATFORM_VIEW));
  return c.json(fullView(t, await projectName(ctx, t.project_id)), 200);
});

platformRouter.openapi(r.updateTaskRoute, async (c) => {
  const b = c.req.valid("json");
  const ctx = await serviceContext(c);
  // Built from the task as it is, and redone on fresh data if it changes meanwhile: a
  // concurrent /v1 PATCH of another field is never lost.
  const task = await patchTaskWith(ctx, c.req.valid("param").id, async (found) => {
    const current = shown(found);
    const type = b.type ?? vendorTypeOf(current);
    const cfg = given(b);
    assertOnlyConfigOf(type, cfg);
    const typeChanged = type !== vendorTypeOf(current);
    const projectChanged = b.projectId !== undefined && b.projectId !== current.project_id;
    const patch: TaskPatch = {};
    if (b.name !== undefined) patch.name = b.name;
    if (b.enabled !== undefined) patch.enabled = b.enabled;
    if (b.cronExpression !== undefined || b.timezone !== undefined) {
      const s = current.schedule;
      patch.schedule = checkSchedule(
        { kind: "cron", expression: b.cronExpression ?? s.expression, timezone: b.timezone ?? s.timezone, ...(s.dst && { dst: s.dst }) },
        ctx.now,
      );
    }
    // Parameters are rebuilt only when something they derive from changes, so a PUT of a
    // name never overwrites what /v1 set (extra targets, retention, ...).
    if (typeChanged || projectChanged || Object.keys(cfg).length > 0) {
      const projectId = b.projectId ?? current.project_id;
      const project = projectId === null ? null : await projectFor(ctx, projectId);
      const keep = !typeChanged && !projectChanged;
      const mapped = toParameters(type, cfg, keep ? configOf(current) : undefined, project, keep ? current.parameters : undefined);
      patch.type = CORE_TYPE[type];
      patch.parameters = mapped.parameters;
      if (projectChanged) patch.project_id = projectId;
    }
    return patch;
  });
  return c.json({ success: true as const, task: updatedView(shown(task)) }, 200);
});

platformRouter.openapi(r.deleteTaskRoute, async (c) => {
  const ctx = await serviceContext(c);
  const t = await platformTask(ctx, c.req.valid("param").id);
  await deleteTask(ctx, t.id);
  return c.json({ success: true as const, message: "Task deleted" as const }, 200);
});

/** Longest a request waits for its execution. */
const MAX_WAIT_S = 60;

platformRouter.openapi(r.runTaskRoute, async (c) => {
  const ctx = await serviceContext(c);
  const task = await platformTask(ctx, c.req.valid("param").id);
  const queued = await runNow(ctx, task.id);
  const run = await awaitRun(ctx, queued.id, Date.now() + Math.min(task.timeout_seconds, MAX_WAIT_S) * 1000);
  if (!isRunFinished(run)) return c.json({ success: true, execution: { id: run.id, status: "running" as const } }, 202);
  const ok = run.status === "succeeded";
  const execution = {
    id: run.id,
    status: ok ? ("success" as const) : ("failed" as const),
    duration: run.duration_ms,
    result: vendorResult(run.result) ?? null,
  };
  return c.json({ success: ok, ...(!ok && { error: runError(run) }), execution }, 200);
});
