import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { DomainError, ErrorDetail } from "../../../domain/errors";
import { invalid } from "../../../domain/errors";
import type { Run, RunStatus } from "../../../domain/run";
import { dueOnce } from "../../../domain/schedule";
import type { Schedule } from "../../../domain/schedule";
import type { Task, TaskInput, TaskPatch } from "../../../domain/task";
import { STATUS_OF, toDomainError } from "../../errors";
import { iso, isoOrNull } from "../../../domain/time";
import type { TaskView } from "../../../services/tasks/read";

export const SCHEDULE_TYPES = ["once", "delayed", "cron"] as const;
export type ScheduleType = (typeof SCHEDULE_TYPES)[number];
export type ScheduleStatus = "active" | "paused" | "completed";

/** What a client sends on create (PUT sends any subset). */
export type ScheduleBody = {
  name?: string;
  type?: ScheduleType;
  cron_expression?: string | null;
  next_run?: string | null;
  delay_seconds?: number | null;
  timezone?: string;
  callback_type?: "workflow";
  callback_id?: string;
  status?: ScheduleStatus;
};

/** Display names need not be unique; the core's do, so each gets ` #` and 8 hex digits. */
const SUFFIX = /^(.*) #([0-9a-f]{8})$/s;
export const MAX_NAME = 190;
export const displayName = (coreName: string) => SUFFIX.exec(coreName)?.[1] ?? coreName;
const coreName = (name: string, current?: string) => {
  const keep = current === undefined ? undefined : SUFFIX.exec(current)?.[2];
  return `${name} #${keep ?? crypto.randomUUID().replace(/-/g, "").slice(0, 8)}`;
};

/** A schedule of agent `agentId` as 004 can show it (a workflow task with a once, delayed or cron schedule), else 404. */
/** What this face shows under `/api/agents/{id}`: that agent's workflow tasks on a once, delayed or cron schedule. */
export const agentView = (agentId: string): TaskView => ({
  types: ["workflow"],
  schedule_kinds: SCHEDULE_TYPES,
  agent_id: agentId,
  what: "schedule",
});

/** A canceled task (canceled through another face) never runs again: 004 calls that completed. */
export const statusOf = (t: Task): ScheduleStatus => (t.status === "canceled" ? "completed" : t.status);

export function toSchedule(t: Task) {
  const s = t.schedule;
  const p = t.parameters as { callback_type?: string; callback_id?: string };
  // A paused or finished one-time schedule still shows when it was set to run.
  const fallback = s.kind === "once" ? Date.parse(s.at) : s.kind === "delayed" ? t.schedule_anchor_at + s.delay_seconds * 1000 : null;
  return {
    id: t.id,
    name: displayName(t.name),
    type: s.kind as ScheduleType,
    cron_expression: s.kind === "cron" ? s.expression : null,
    next_run: isoOrNull(t.next_run_at ?? fallback),
    last_run: isoOrNull(t.last_run_at),
    callback_type: p.callback_type ?? "workflow",
    callback_id: p.callback_id ?? "",
    status: statusOf(t),
    delay_seconds: s.kind === "delayed" ? s.delay_seconds : null,
    timezone: s.kind === "cron" ? s.timezone : "UTC",
    created_at: iso(t.created_at),
    updated_at: iso(t.updated_at),
  };
}

const EXEC_STATUS: Record<RunStatus, string> = {
  queued: "pending",
  running: "running",
  succeeded: "success",
  failed: "failed",
  timed_out: "timeout",
  canceled: "canceled",
  skipped: "skipped",
};
export const toExecution = (r: Run) => ({
  id: r.id,
  executed_at: iso(r.started_at ?? r.scheduled_for),
  status: EXEC_STATUS[r.status],
});

const fieldError = (path: string, message: string) => invalid("validation_failed", message, [{ path, message }]);

/** The core schedule for a type from the fields sent (or, for the same type, the current ones). */
function scheduleFor(type: ScheduleType, b: ScheduleBody, now: number, current?: Task): Schedule {
  const cur = current?.schedule;
  const same = cur?.kind === type ? cur : undefined;
  const wrong = (["cron_expression", "next_run", "delay_seconds"] as const).find(
    (f) => b[f] !== undefined && b[f] !== null && f !== { cron: "cron_expression", once: "next_run", delayed: "delay_seconds" }[type],
  );
  if (wrong) throw fieldError(wrong, `${wrong} does not apply to a ${type} schedule`);
  if (b.timezone !== undefined && type !== "cron") throw fieldError("timezone", "timezone applies to cron schedules only");
  if (type === "cron") {
    const expression = b.cron_expression ?? (same?.kind === "cron" ? same.expression : undefined);
    if (!expression) throw fieldError("cron_expression", "cron_expression is required for a cron schedule");
    return { kind: "cron", expression, timezone: b.timezone ?? (same?.kind === "cron" ? same.timezone : "UTC") };
  }
  if (type === "once") {
    const at = b.next_run ?? (same?.kind === "once" ? same.at : undefined);
    if (!at) throw fieldError("next_run", "next_run is required for a once schedule");
    // A one-time time sent that has already passed is due: it runs as soon as possible (the
    // answer's next_run shows when), as this API's clients expect.
    return { kind: "once", at: b.next_run ? dueOnce(b.next_run, now) : at };
  }
  const delay = b.delay_seconds ?? (same?.kind === "delayed" ? same.delay_seconds : undefined);
  if (!delay) throw fieldError("delay_seconds", "delay_seconds is required for a delayed schedule");
  return { kind: "delayed", delay_seconds: delay };
}

/** POST → a core workflow task owned by the agent, as of `now` (a past one-time time is due now). */
export function createInput(
  agentId: string,
  b: ScheduleBody & { name: string; type: ScheduleType; callback_id: string },
  now: number,
): TaskInput {
  return {
    name: coreName(b.name),
    agent_id: agentId,
    type: "workflow",
    parameters: { callback_type: b.callback_type ?? "workflow", callback_id: b.callback_id },
    schedule: scheduleFor(b.type, b, now),
    enabled: b.status !== "paused",
  };
}

/** PUT → a patch of only the fields sent. */
export function patchInput(current: Task, b: ScheduleBody, now: number): TaskPatch {
  const patch: TaskPatch = {};
  if (b.name !== undefined) patch.name = coreName(b.name, current.name);
  if (b.callback_type !== undefined || b.callback_id !== undefined) {
    patch.parameters = {
      ...current.parameters,
      ...(b.callback_type && { callback_type: b.callback_type }),
      ...(b.callback_id && { callback_id: b.callback_id }),
    };
  }
  const touchesSchedule = [b.type, b.cron_expression, b.next_run, b.delay_seconds, b.timezone].some((v) => v !== undefined);
  if (touchesSchedule) patch.schedule = scheduleFor(b.type ?? (current.schedule.kind as ScheduleType), b, now, current);
  if (b.status === "completed")
    throw fieldError("status", "status can be set to active or paused; completed is reached by a one-time schedule that ran");
  if (b.status !== undefined) patch.enabled = b.status === "active";
  return patch;
}

/** Core field paths → the 004 fields a client sent. */
const FIELD: [RegExp, string][] = [
  [/^schedule\.expression$/, "cron_expression"],
  [/^schedule\.at$/, "next_run"],
  [/^schedule\.delay_seconds$/, "delay_seconds"],
  [/^schedule\.timezone$/, "timezone"],
  [/^parameters\.callback_type$/, "callback_type"],
  [/^parameters(\..*)?$/, "callback_id"],
];
const vendorPath = (p: string) => FIELD.find(([re]) => re.test(p))?.[1] ?? p;

export type ScheduleError = { error: string; code: string; details?: ErrorDetail[] };

/** The one place 004 renders errors: `{"error": "<message>", "code", "details"?}`; 400 reads "Invalid schedule data: …", 404 "Schedule not found". */
export function renderScheduleError(c: Context, err: unknown): Response {
  const e: DomainError = toDomainError(err, (c.get("requestId") as string | undefined) ?? "");
  if (e.code === "internal_error") return c.json({ error: "Internal server error", code: "internal_error" }, 500);
  const details = e.details?.map((d) => ({ path: vendorPath(d.path), message: d.message }));
  let error = e.message;
  if (e.kind === "invalid") {
    const what =
      e.code === "validation_failed" && details && details.length > 0
        ? details.map((d) => `${d.path}: ${d.message}`).join("; ")
        : e.message;
    error = `Invalid schedule data: ${what}`;
  } else if (e.kind === "not_found") {
    error = e.message === "task not found" || e.message === "schedule not found" ? "Schedule not found" : e.message;
  }
  const body: ScheduleError = { error, code: e.code, ...(details && { details }) };
  return c.json(body, STATUS_OF[e.kind] as ContentfulStatusCode);
}
