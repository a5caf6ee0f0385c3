import type { TaskRow } from "../schema";
import type { Schedule } from "../../domain/schedule";
import type { Backoff, CatchupPolicy, OverlapPolicy, Task, TaskSpec, TaskStatus, TaskType } from "../../domain/task";

/** Database row → domain task. */
export function rowToTask(r: TaskRow): Task {
  return {
    id: r.id,
    org_id: r.orgId,
    name: r.name,
    description: r.description,
    project_id: r.projectId,
    agent_id: r.agentId,
    type: r.type as TaskType,
    parameters: r.parameters as Record<string, unknown>,
    schedule: r.schedule as Schedule,
    status: r.status as TaskStatus,
    enabled: r.status === "active",
    retry: {
      max_retries: r.maxRetries,
      delay_seconds: r.retryDelaySeconds,
      backoff: r.backoff as Backoff,
      max_delay_seconds: r.maxDelaySeconds,
    },
    timeout_seconds: r.timeoutSeconds,
    priority: r.priority,
    dedupe_key: r.dedupeKey,
    dedupe_window_seconds: r.dedupeWindowSeconds,
    concurrency_key: r.concurrencyKey,
    concurrency_limit: r.concurrencyLimit,
    overlap_policy: r.overlapPolicy as OverlapPolicy,
    catchup: r.catchup as CatchupPolicy,
    catchup_window_seconds: r.catchupWindowSeconds,
    on_success_url: r.onSuccessUrl,
    on_failure_url: r.onFailureUrl,
    snoozed_until: r.snoozedUntil,
    snooze_reason: r.snoozeReason,
    skip_next: r.skipNext,
    next_run_at: r.nextRunAt,
    skip_due_at: r.skipDueAt,
    last_run_at: r.lastRunAt,
    last_status: r.lastStatus,
    schedule_anchor_at: r.scheduleAnchorAt,
    created_by: r.createdBy,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
    version: r.version,
    claim_seq: r.claimSeq,
  };
}

/** Domain spec → the columns it owns (state columns are set by the verbs). */
export function specColumns(s: TaskSpec) {
  return {
    name: s.name,
    description: s.description,
    projectId: s.project_id,
    agentId: s.agent_id,
    type: s.type,
    parameters: s.parameters,
    schedule: s.schedule,
    scheduleKind: s.schedule.kind,
    eventName: s.schedule.kind === "event" ? s.schedule.event : null,
    maxRetries: s.retry.max_retries,
    retryDelaySeconds: s.retry.delay_seconds,
    backoff: s.retry.backoff,
    maxDelaySeconds: s.retry.max_delay_seconds,
    timeoutSeconds: s.timeout_seconds,
    priority: s.priority,
    dedupeKey: s.dedupe_key,
    dedupeWindowSeconds: s.dedupe_window_seconds,
    concurrencyKey: s.concurrency_key,
    concurrencyLimit: s.concurrency_limit,
    overlapPolicy: s.overlap_policy,
    catchup: s.catchup,
    catchupWindowSeconds: s.catchup_window_seconds,
    onSuccessUrl: s.on_success_url,
    onFailureUrl: s.on_failure_url,
  };
}

/** The spec part of a stored task (for PATCH merges and PUT comparisons). */
export function taskToSpec(t: Task): TaskSpec {
  const {
    id,
    org_id,
    status,
    snoozed_until,
    snooze_reason,
    skip_next,
    next_run_at,
    skip_due_at,
    last_run_at,
    last_status,
    schedule_anchor_at,
    created_by,
    created_at,
    updated_at,
    version,
    claim_seq,
    ...spec
  } = t;
  return { ...spec, enabled: status === "active" };
}
