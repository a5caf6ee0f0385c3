import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ErrorDetail } from "../../../domain/errors";
import { type DomainError, invalid } from "../../../domain/errors";
import type { Run } from "../../../domain/run";
import type { Schedule } from "../../../domain/schedule";
import { fromRfc5545, onceAtLocal, toRfc5545, validateTimezone } from "../../../domain/schedule";
import { scheduleMaths } from "../../../services/tasks/spec";
import type { Backoff, Task, TaskInput, TaskPatch } from "../../../domain/task";
import { STATUS_OF, toDomainError } from "../../errors";
import { iso, isoOrNull } from "../../../domain/time";
import type { TaskView } from "../../../services/tasks/read";

/** The callback id every 002 pipeline is delivered under: `WORKFLOW_ENDPOINT_URL/pipeline`. */
export const PIPELINE_CALLBACK_ID = "pipeline";

export type AgentflowKind = "cron" | "rrule" | "once" | "event";

/** A 002 task as the vendor's clients read it (snake_case; instants ISO-8601 UTC). */
export type AgentflowTask = {
  id: string;
  title: string;
  description: string;
  schedule_kind: AgentflowKind;
  schedule_expr: string;
  timezone: string;
  payload: unknown;
  created_by: string | null;
  priority: number;
  max_retries: number;
  backoff_strategy: Backoff;
  dedupe_key: string | null;
  dedupe_window_seconds: number | null;
  concurrency_key: string | null;
  status: Task["status"];
  next_run_at: string | null;
  last_run_at: string | null;
  last_status: string | null;
  snoozed_until: string | null;
  snooze_reason: string | null;
  created_at: string;
  updated_at: string;
};

/** The fields of POST /tasks (PUT sends any subset). */
export type AgentflowBody = {
  title?: string;
  description?: string;
  schedule_kind?: AgentflowKind;
  schedule_expr?: string | null;
  timezone?: string;
  payload?: Record<string, unknown>;
  created_by?: string;
  priority?: number;
  max_retries?: number;
  backoff_strategy?: Backoff;
  dedupe_key?: string | null;
  dedupe_window_seconds?: number | null;
  concurrency_key?: string | null;
};

/** 002 speaks for workflow tasks only: their `parameters.input` is the pipeline definition. */
export const AGENTFLOW_VIEW: TaskView = { types: ["workflow"] };

/** A schedule as 002 writes it: a delayed schedule (from /v1 or 004) reads as `once` at its instant. */
export function scheduleOf(t: Task): { kind: AgentflowKind; expr: string; timezone: string } {
  const s = t.schedule;
  switch (s.kind) {
    case "cron":
      return { kind: "cron", expr: s.expression, timezone: s.timezone };
    case "rrule":
      return { kind: "rrule", expr: toRfc5545(s), timezone: s.timezone };
    case "once":
      return { kind: "once", expr: s.at, timezone: "UTC" };
    case "delayed":
      return { kind: "once", expr: iso(t.schedule_anchor_at + s.delay_seconds * 1000), timezone: "UTC" };
    case "event":
      return { kind: "event", expr: s.event, timezone: "UTC" };
  }
}

export function toAgentflow(t: Task): AgentflowTask {
  const s = scheduleOf(t);
  return {
    id: t.id,
    title: t.name,
    description: t.description ?? "",
    schedule_kind: s.kind,
    schedule_expr: s.expr,
    timezone: s.timezone,
    payload: t.parameters.input ?? {},
    created_by: t.agent_id,
    priority: t.priority,
    max_retries: t.retry.max_retries,
    backoff_strategy: t.retry.backoff,
    dedupe_key: t.dedupe_key,
    dedupe_window_seconds: t.dedupe_window_seconds,
    concurrency_key: t.concurrency_key,
    status: t.status,
    next_run_at: isoOrNull(t.next_run_at),
    last_run_at: isoOrNull(t.last_run_at),
    last_status: t.last_status,
    snoozed_until: isoOrNull(t.snoozed_until),
    snooze_reason: t.snooze_reason,
    created_at: iso(t.created_at),
    updated_at: iso(t.updated_at),
  };
}

/** The run that run_now queued. */
export const runView = (r: Run) => ({
  id: r.id,
  task_id: r.task_id,
  status: r.status,
  trigger: r.trigger,
  attempt: r.attempt,
  scheduled_for: iso(r.scheduled_for),
  created_at: iso(r.created_at),
});

/** Event names allow letters, digits and `._:-`; a title used as the name has every other run of characters turned into `-`. */
export const eventNameOf = (title: string) =>
  title
    .trim()
    .replace(/[^A-Za-z0-9._:-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 200) || "event";

/** Builds the core schedule from 002's three fields; `title` names an event that has no expression. */
export function toSchedule(kind: AgentflowKind, expr: string | null | undefined, timezone: string, title: string): Schedule {
  // Refusals name the core field (schedule.timezone, schedule.rule), which FIELD maps to 002's.
  const tz = scheduleMaths(() => validateTimezone(timezone));
  if (kind === "event") return { kind: "event", event: expr ?? eventNameOf(title) };
  if (expr === undefined || expr === null) {
    throw invalid("validation_failed", `schedule_expr is required when schedule_kind is ${kind}`, [
      { path: "schedule_expr", message: `required for schedule_kind ${kind}` },
    ]);
  }
  if (kind === "cron") return { kind: "cron", expression: expr, timezone: tz };
  // The vendor's `timezone` applies to every kind: RFC 5545 text and a once time without an offset are local to it.
  if (kind === "rrule") return scheduleMaths(() => fromRfc5545(expr, tz));
  return { kind: "once", at: scheduleMaths(() => onceAtLocal(expr, tz)) };
}

const retryOf = (b: AgentflowBody) => ({
  ...(b.max_retries !== undefined && { max_retries: b.max_retries }),
  ...(b.backoff_strategy !== undefined && { backoff: b.backoff_strategy }),
});

/** POST /tasks → the core's create input: a workflow task whose input is the payload. */
export function createInput(
  b: Required<Pick<AgentflowBody, "title" | "description" | "schedule_kind" | "payload" | "created_by">> & AgentflowBody,
): TaskInput {
  return {
    name: b.title,
    description: b.description,
    agent_id: b.created_by,
    type: "workflow",
    parameters: { callback_type: "workflow", callback_id: PIPELINE_CALLBACK_ID, input: b.payload },
    schedule: toSchedule(b.schedule_kind, b.schedule_expr, b.timezone ?? "UTC", b.title),
    retry: retryOf(b),
    ...(b.priority !== undefined && { priority: b.priority }),
    ...(b.dedupe_key !== undefined && { dedupe_key: b.dedupe_key }),
    ...(b.dedupe_window_seconds !== undefined && { dedupe_window_seconds: b.dedupe_window_seconds }),
    ...(b.concurrency_key !== undefined && { concurrency_key: b.concurrency_key }),
  };
}

/** PUT /tasks/{id} → a core patch of only the fields sent; schedule fields merge with the current schedule. */
export function patchInput(current: Task, b: AgentflowBody): TaskPatch {
  const patch: TaskPatch = {};
  if (b.title !== undefined) patch.name = b.title;
  if (b.description !== undefined) patch.description = b.description;
  if (b.created_by !== undefined) patch.agent_id = b.created_by;
  if (b.priority !== undefined) patch.priority = b.priority;
  if (b.dedupe_key !== undefined) patch.dedupe_key = b.dedupe_key;
  if (b.dedupe_window_seconds !== undefined) patch.dedupe_window_seconds = b.dedupe_window_seconds;
  if (b.concurrency_key !== undefined) patch.concurrency_key = b.concurrency_key;
  const retry = retryOf(b);
  if (Object.keys(retry).length > 0) patch.retry = retry;
  if (b.payload !== undefined) patch.parameters = { ...current.parameters, input: b.payload };
  if (b.schedule_kind !== undefined || b.schedule_expr !== undefined || b.timezone !== undefined) {
    const now = scheduleOf(current);
    const kind = b.schedule_kind ?? now.kind;
    // A new kind needs its own expression; the same kind keeps the current one.
    const expr = b.schedule_expr !== undefined ? b.schedule_expr : kind === now.kind ? now.expr : undefined;
    patch.schedule = toSchedule(kind, expr, b.timezone ?? now.timezone, b.title ?? current.name);
  }
  return patch;
}

/** Core field paths → the 002 fields a client sent. */
const FIELD: [RegExp, string][] = [
  [/^name$/, "title"],
  [/^agent_id$/, "created_by"],
  [/^retry\.max_retries$/, "max_retries"],
  [/^retry\.backoff$/, "backoff_strategy"],
  [/^parameters(\..*)?$/, "payload"],
  [/^schedule\.timezone$/, "timezone"],
  [/^schedule(\..*)?$/, "schedule_expr"],
];
const vendorPath = (path: string) => FIELD.find(([re]) => re.test(path))?.[1] ?? path;

export type AgentflowError = { error: { code: string; message: string; details?: ErrorDetail[] } };

/** The one place 002 renders errors: `{"error": {"code", "message", "details"?}}` with the core's status. */
export function renderAgentflowError(c: Context, err: unknown): Response {
  const e: DomainError = toDomainError(err, (c.get("requestId") as string | undefined) ?? "");
  if (e.code === "internal_error") {
    return c.json({ error: { code: "internal_error", message: "an unexpected error occurred; it has been logged" } }, 500);
  }
  const details = e.details?.map((d) => ({ path: vendorPath(d.path), message: d.message }));
  // The core's summary of a shape error names its own fields; rebuild it from the vendor's.
  const message =
    e.code === "validation_failed" && details && details.length > 0 && /^invalid task:/.test(e.message)
      ? `invalid task: ${details.map((d) => `${d.path}: ${d.message}`).join("; ")}`
      : e.message;
  const body: AgentflowError = { error: { code: e.code, message, ...(details && { details }) } };
  return c.json(body, STATUS_OF[e.kind] as ContentfulStatusCode);
}
