import { z } from "@hono/zod-openapi";
import type { Run, RunStatus } from "../../../domain/run";
import type { Schedule } from "../../../domain/schedule";
import type { RetryPolicy, Task, TaskInput, TaskPatch } from "../../../domain/task";
import { isoSeconds } from "../../../domain/time";
import type { TaskView } from "../../../services/tasks/read";

// NetStacks request and response shapes, and the translation to and from the core.

export const NETSTACKS_TYPES = ["backup", "health_check", "custom_script", "agent_task"] as const;
export type NetstacksType = (typeof NETSTACKS_TYPES)[number];

const instant = z.string().openapi({ format: "date-time", example: "2026-03-11T07:00:00Z" });
const retryFields = {
  max_retries: z.number().int().min(0).max(100).optional().openapi({ description: "Retries after a failed run (default 3)" }),
  retry_delay_seconds: z.number().int().min(0).max(86_400).optional().openapi({ description: "Delay between attempts (default 60)" }),
  timeout_seconds: z.number().int().min(1).max(86_400).optional().openapi({ description: "Run timeout (default 300; agent tasks 3600)" }),
};
const common = {
  name: z.string().min(1).max(200).openapi({ example: "Nightly DC1 Core Backup" }),
  description: z.string().max(2000).nullable().optional(),
  cron_expression: z.string().min(1).max(200).openapi({ example: "0 2 * * *", description: "Standard 5-field cron" }),
  timezone: z.string().min(1).max(64).optional().openapi({ example: "America/New_York", description: "IANA time zone (default UTC)" }),
  enabled: z.boolean().optional().openapi({ description: "Default true" }),
  ...retryFields,
};
// Fields a client read with GET and sends back on PUT; they are not writable and are ignored.
const readOnly = {
  id: z.unknown().optional(),
  created_at: z.unknown().optional(),
  updated_at: z.unknown().optional(),
  next_run_at: z.unknown().optional(),
  last_run_at: z.unknown().optional(),
  executions: z.unknown().optional(),
};

export const ScheduleCreateBody = z
  .strictObject({
    ...common,
    task_type: z.enum(NETSTACKS_TYPES),
    parameters: z
      .record(z.string(), z.unknown())
      .optional()
      .openapi({ description: "Type-specific parameters (max_retries/retry_delay_seconds are also read from here)" }),
  })
  .openapi("NetstacksScheduleInput");
export const ScheduleUpdateBody = ScheduleCreateBody.partial().extend(readOnly).openapi("NetstacksScheduleUpdate");

export const AgentCreateBody = z
  .strictObject({ ...common, prompt: z.string().min(1).max(20_000).openapi({ description: "What the AI agent does on each run" }) })
  .openapi("NetstacksAgentScheduleInput");
export const AgentUpdateBody = AgentCreateBody.partial()
  .extend({ ...readOnly, task_type: z.unknown().optional() })
  .openapi("NetstacksAgentScheduleUpdate");

export const ToggleBody = z.strictObject({ enabled: z.boolean().optional() }).openapi("NetstacksToggle");

export const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ description: "Page size (default 50, at most 200)" }),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  task_type: z.enum(NETSTACKS_TYPES).optional(),
  enabled: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional(),
});

export const ExecutionSchema = z
  .object({
    id: z.string(),
    task_id: z.string(),
    status: z.enum(["running", "completed", "failed", "cancelled", "skipped"]),
    trigger: z.string(),
    attempt: z.number().int(),
    started_at: instant.nullable(),
    completed_at: instant.nullable(),
    duration_ms: z.number().int().nullable(),
    error: z.string().nullable(),
    result: z.unknown(),
    targets: z.unknown().openapi({ description: "Per-device / per-target results" }),
  })
  .openapi("NetstacksExecution");

export const TaskSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    task_type: z.enum(NETSTACKS_TYPES),
    cron_expression: z.string(),
    timezone: z.string(),
    enabled: z.boolean(),
    parameters: z.record(z.string(), z.unknown()),
    max_retries: z.number().int(),
    retry_delay_seconds: z.number().int(),
    timeout_seconds: z.number().int(),
    last_run_at: instant.nullable(),
    next_run_at: instant.nullable(),
    created_at: instant,
    updated_at: instant,
    prompt: z.string().optional().openapi({ description: "Agent schedules only" }),
    executions: z.array(ExecutionSchema).optional().openapi({ description: "GET one: the latest runs, newest first" }),
  })
  .openapi("NetstacksTask");
export const TaskListSchema = z
  .object({ tasks: z.array(TaskSchema), total: z.number().int(), limit: z.number().int(), offset: z.number().int() })
  .openapi("NetstacksTaskList");
export const RunAcceptedSchema = z
  .object({ id: z.string(), task_id: z.string(), status: z.literal("running"), trigger: z.literal("manual"), started_at: instant })
  .openapi("NetstacksRunAccepted");

export type NsTask = z.infer<typeof TaskSchema>;
export type NsExecution = z.infer<typeof ExecutionSchema>;

/** Second precision with a bare Z, as in NetStacks' examples. */
export const nsTime = isoSeconds;
const nsTimeOrNull = (ms: number | null) => (ms === null ? null : nsTime(ms));

/** What this face shows: one of its four types on a cron schedule (the agent face: agent tasks only). */
export const netstacksView = (agentOnly: boolean): TaskView => ({
  types: agentOnly ? ["agent_task"] : NETSTACKS_TYPES,
  schedule_kinds: ["cron"],
});

const STATUS: Record<RunStatus, NsExecution["status"]> = {
  queued: "running",
  running: "running",
  succeeded: "completed",
  failed: "failed",
  timed_out: "failed",
  canceled: "cancelled",
  skipped: "skipped",
};

export function executionJson(r: Run): NsExecution {
  return {
    id: r.id,
    task_id: r.task_id,
    status: STATUS[r.status],
    trigger: r.trigger,
    attempt: r.attempt,
    started_at: nsTimeOrNull(r.started_at ?? (r.status === "queued" ? r.created_at : null)),
    completed_at: nsTimeOrNull(r.finished_at),
    duration_ms: r.duration_ms,
    error: r.error ?? (r.status === "timed_out" ? "timed out" : r.reason),
    result: r.result,
    targets: r.targets,
  };
}

export function taskJson(t: Task & { latest_runs?: Run[] }, agentFace = false): NsTask {
  const s = t.schedule as Extract<Schedule, { kind: "cron" }>;
  const out: NsTask = {
    id: t.id,
    name: t.name,
    description: t.description,
    task_type: t.type as NetstacksType,
    cron_expression: s.expression,
    timezone: s.timezone,
    enabled: t.enabled,
    parameters: t.parameters,
    max_retries: t.retry.max_retries,
    retry_delay_seconds: t.retry.delay_seconds,
    timeout_seconds: t.timeout_seconds,
    last_run_at: nsTimeOrNull(t.last_run_at),
    next_run_at: nsTimeOrNull(t.next_run_at),
    created_at: nsTime(t.created_at),
    updated_at: nsTime(t.updated_at),
  };
  if (agentFace && typeof t.parameters.prompt === "string") out.prompt = t.parameters.prompt;
  if (t.latest_runs) out.executions = t.latest_runs.map(executionJson);
  return out;
}

type RetryIn = { max_retries?: number; retry_delay_seconds?: number };

/**
 * The seed's Q&A says retries are set "in the task parameters": numbers found there
 * are lifted out (the core's per-type parameters do not take them); top-level wins.
 */
export function liftRetry(
  parameters: Record<string, unknown> | undefined,
  top: RetryIn,
): { parameters?: Record<string, unknown>; retry?: Partial<RetryPolicy> } {
  const found: RetryIn = {};
  let params = parameters;
  if (params) {
    const copy = { ...params };
    if (typeof copy.max_retries === "number") {
      found.max_retries = copy.max_retries;
      delete copy.max_retries;
    }
    if (typeof copy.retry_delay_seconds === "number") {
      found.retry_delay_seconds = copy.retry_delay_seconds;
      delete copy.retry_delay_seconds;
    }
    params = copy;
  }
  const maxRetries = top.max_retries ?? found.max_retries;
  const delay = top.retry_delay_seconds ?? found.retry_delay_seconds;
  const retry: Partial<RetryPolicy> = {};
  if (maxRetries !== undefined) retry.max_retries = maxRetries;
  if (delay !== undefined) retry.delay_seconds = delay;
  return { parameters: params, retry: Object.keys(retry).length > 0 ? retry : undefined };
}

type CreateIn = z.infer<typeof ScheduleCreateBody>;

/** A NetStacks create → the core's input. A fixed delay between attempts, as NetStacks describes its retries. */
export function toTaskInput(b: CreateIn): TaskInput {
  const { parameters, retry } = liftRetry(b.parameters, b);
  return {
    name: b.name,
    description: b.description ?? null,
    type: b.task_type,
    parameters: parameters ?? {},
    schedule: { kind: "cron", expression: b.cron_expression, timezone: b.timezone ?? "UTC" },
    enabled: b.enabled,
    retry: { backoff: "fixed", ...retry },
    ...(b.timeout_seconds !== undefined && { timeout_seconds: b.timeout_seconds }),
  };
}

type UpdateIn = Partial<Omit<CreateIn, "task_type">> & { task_type?: unknown; prompt?: string };

/** A NetStacks PUT (partial: omitted fields keep their values) → the core's patch. */
export function toTaskPatch(b: UpdateIn, current: Task, agentFace: boolean): TaskPatch {
  const patch: TaskPatch = {};
  if (b.name !== undefined) patch.name = b.name;
  if (b.description !== undefined) patch.description = b.description;
  if (!agentFace && typeof b.task_type === "string") patch.type = b.task_type as NetstacksType;
  const { parameters, retry } = liftRetry(agentFace ? undefined : b.parameters, b);
  if (parameters !== undefined) patch.parameters = parameters;
  if (agentFace && b.prompt !== undefined) patch.parameters = { ...current.parameters, prompt: b.prompt };
  if (retry) patch.retry = retry;
  if (b.cron_expression !== undefined || b.timezone !== undefined) {
    const cur = current.schedule as Extract<Schedule, { kind: "cron" }>;
    patch.schedule = {
      kind: "cron",
      expression: b.cron_expression ?? cur.expression,
      timezone: b.timezone ?? cur.timezone,
      ...(cur.dst && { dst: cur.dst }),
    };
  }
  if (b.enabled !== undefined) patch.enabled = b.enabled;
  if (b.timeout_seconds !== undefined) patch.timeout_seconds = b.timeout_seconds;
  return patch;
}
