import type { RunRow } from "../schema";
import type { Run, RunStatus, RunTrigger } from "../../domain/run";

export function rowToRun(r: RunRow): Run {
  return {
    id: r.id,
    task_id: r.taskId,
    trigger: r.trigger as RunTrigger,
    attempt: r.attempt,
    status: r.status as RunStatus,
    reason: r.reason,
    scheduled_for: r.scheduledFor,
    retry_of: r.retryOf,
    input: r.input ?? null,
    result: r.result ?? null,
    error: r.error,
    targets: r.targets ?? null,
    final: r.final,
    created_at: r.createdAt,
    dispatched_at: r.dispatchedAt,
    not_before: r.notBefore,
    runner_ready_at: r.runnerReadyAt,
    runner_id: r.runnerId,
    lease_expires_at: r.leaseExpiresAt,
    started_at: r.startedAt,
    finished_at: r.finishedAt,
    duration_ms: r.durationMs,
  };
}
