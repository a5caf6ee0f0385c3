import type { Schedule } from "./schedule";
import type { TaskInput } from "./task-schema";

export const TASK_TYPES = ["http", "health_check", "backup", "custom_script", "container_update", "agent_task", "workflow"] as const;
export type TaskType = (typeof TASK_TYPES)[number];
export const TASK_STATUSES = ["active", "paused", "canceled", "completed"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const BACKOFFS = ["exponential_jitter", "linear", "fixed"] as const;
export type Backoff = (typeof BACKOFFS)[number];
export const OVERLAP_POLICIES = ["skip", "buffer_one", "buffer_all", "cancel_other", "allow_all"] as const;
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];
export const CATCHUP_POLICIES = ["latest", "all", "none"] as const;
export type CatchupPolicy = (typeof CATCHUP_POLICIES)[number];
export const SCHEDULE_KINDS = ["cron", "rrule", "once", "delayed", "event"] as const;
export type ScheduleKind = (typeof SCHEDULE_KINDS)[number];

export type RetryPolicy = {
  max_retries: number;
  delay_seconds: number;
  backoff: Backoff;
  max_delay_seconds: number;
};

/** Everything a caller decides about a task, with every default resolved. */
export type TaskSpec = {
  name: string;
  description: string | null;
  project_id: string | null;
  agent_id: string | null;
  type: TaskType;
  parameters: Record<string, unknown>;
  schedule: Schedule;
  enabled: boolean;
  retry: RetryPolicy;
  timeout_seconds: number;
  priority: number;
  dedupe_key: string | null;
  dedupe_window_seconds: number | null;
  concurrency_key: string | null;
  concurrency_limit: number;
  overlap_policy: OverlapPolicy;
  catchup: CatchupPolicy;
  catchup_window_seconds: number;
  on_success_url: string | null;
  on_failure_url: string | null;
};

/** A stored task: the spec plus the state the service maintains. Instants are epoch ms. */
export type Task = Omit<TaskSpec, "enabled"> & {
  id: string;
  org_id: string;
  status: TaskStatus;
  enabled: boolean;
  snoozed_until: number | null;
  snooze_reason: string | null;
  skip_next: number;
  next_run_at: number | null;
  /** The first occurrence before next_run_at that will not run (recorded as skipped when due); never shown. */
  skip_due_at: number | null;
  last_run_at: number | null;
  last_status: string | null;
  schedule_anchor_at: number;
  created_by: string;
  created_at: number;
  updated_at: number;
  /** Moves with the user's changes only (the ETag). */
  version: number;
  /** Moves with every claim of the tick (the engine's guard; never shown). */
  claim_seq: number;
};

export const DEFAULT_RETRY: RetryPolicy = {
  max_retries: 3,
  delay_seconds: 60,
  backoff: "exponential_jitter",
  max_delay_seconds: 3600,
};

/** Default run timeout: agent tasks think for a long time, everything else gets five minutes. */
export const defaultTimeoutSeconds = (type: TaskType): number => (type === "agent_task" ? 3600 : 300);

/** The optional fields of a task and their defaults (used by create and by PUT, which replaces). */
export function withDefaults(input: TaskInput): TaskSpec {
  return {
    name: input.name,
    description: input.description ?? null,
    project_id: input.project_id ?? null,
    agent_id: input.agent_id ?? null,
    type: input.type,
    parameters: input.parameters ?? {},
    schedule: input.schedule,
    enabled: input.enabled ?? true,
    retry: { ...DEFAULT_RETRY, ...input.retry },
    timeout_seconds: input.timeout_seconds ?? defaultTimeoutSeconds(input.type),
    priority: input.priority ?? 5,
    dedupe_key: input.dedupe_key ?? null,
    dedupe_window_seconds: input.dedupe_window_seconds ?? (input.dedupe_key ? 3600 : null),
    concurrency_key: input.concurrency_key ?? null,
    concurrency_limit: input.concurrency_limit ?? 1,
    overlap_policy: input.overlap_policy ?? "skip",
    catchup: input.catchup ?? "latest",
    catchup_window_seconds: input.catchup_window_seconds ?? 3600,
    on_success_url: input.on_success_url ?? null,
    on_failure_url: input.on_failure_url ?? null,
  };
}

/** Inferred from TaskInputSchema (task-schema.ts): the shape that validates /v1 bodies is the type the core accepts. */
export type { TaskInput, TaskPatch } from "./task-schema";
