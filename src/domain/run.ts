export const RUN_TRIGGERS = ["schedule", "manual", "retry", "event", "catchup", "backfill"] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];
export const RUN_STATUSES = ["queued", "running", "succeeded", "failed", "timed_out", "canceled", "skipped"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** Why an occurrence was recorded as skipped instead of run. */
export const SKIP_REASONS = ["overlap", "dedupe", "catchup_window", "skip_next", "dst", "excluded"] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** A run in one of these states is over: it will not change again (a retry is a new run). */
export const FINISHED_STATUSES: readonly RunStatus[] = ["succeeded", "failed", "timed_out", "canceled", "skipped"];
export const isRunFinished = (r: { status: RunStatus }) => FINISHED_STATUSES.includes(r.status);

/** One execution (or recorded non-execution) of a task. Instants are epoch ms. */
export type Run = {
  id: string;
  task_id: string;
  trigger: RunTrigger;
  attempt: number;
  status: RunStatus;
  reason: string | null;
  scheduled_for: number;
  retry_of: string | null;
  input: unknown;
  result: unknown;
  error: string | null;
  targets: unknown;
  final: boolean;
  created_at: number;
  dispatched_at: number | null;
  not_before: number | null;
  runner_ready_at: number | null;
  runner_id: string | null;
  lease_expires_at: number | null;
  started_at: number | null;
  finished_at: number | null;
  duration_ms: number | null;
};
