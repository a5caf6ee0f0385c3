import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { createDb } from "../db/client";
import { runs, tasks } from "../db/schema";
import type { Env } from "../env";
import { log as writeLog } from "../log";
import type { Logger } from "../log";
import { retryDelaySeconds } from "../domain/retry";
import type { Run } from "../domain/run";
import type { Task } from "../domain/task";
import type { Outcome } from "../executors/types";
import { markDispatched } from "./dispatch";
import { rowToRun } from "../db/mappers/runs";
import { rowToTask } from "../db/mappers/tasks";
import { MAX_QUEUE_DELAY_SECONDS, runMessage } from "./messages";

export type FinalOutcome = Omit<Outcome, "status"> & { status: Outcome["status"] | "canceled"; reason?: string };

/**
 * Writes a run's outcome (only over a run still `running`, so a late writer never
 * overwrites a result), updates the task, and queues the retry a failure earns:
 * attempt + 1 after the backoff delay (or the target's Retry-After), only while the
 * task is active and the failure is not `permanent` (then this run is final). Delays
 * beyond the queue's 12 h limit wait in `not_before` for the tick.
 * A success completes a `once`/`delayed` task only while it has no occurrence pending
 * (`next_run_at` is null): a run claimed under an older schedule, or a manual run, does
 * not complete a one-time schedule the task was given since.
 * Returns the recorded run, or null when the run was already finished elsewhere.
 */
export async function recordOutcome(
  env: Env,
  db: Db,
  task: Task,
  run: Run,
  outcome: FinalOutcome,
  now = Date.now(),
  log: Logger = writeLog,
): Promise<Run | null> {
  const failed = outcome.status === "failed" || outcome.status === "timed_out";
  const canRetry = failed && outcome.permanent !== true && run.attempt <= task.retry.max_retries;
  const delay = outcome.retryAfterSeconds ?? retryDelaySeconds(task.retry, run.attempt);
  const retryId = crypto.randomUUID();
  const completes = outcome.status === "succeeded" && (task.schedule.kind === "once" || task.schedule.kind === "delayed");
  const started = run.started_at ?? now;
  const [updated, , retryInsert] = await env.DB.batch([
    // A run whose task was canceled or deleted while it ran is recorded as canceled when it reports.
    env.DB.prepare(
      `UPDATE runs SET
         status = CASE WHEN EXISTS (SELECT 1 FROM tasks WHERE id = ?10 AND (status = 'canceled' OR deleted_at IS NOT NULL)) THEN 'canceled' ELSE ?1 END,
         reason = CASE WHEN EXISTS (SELECT 1 FROM tasks WHERE id = ?10 AND (status = 'canceled' OR deleted_at IS NOT NULL)) THEN 'task_canceled' ELSE ?2 END,
         result = ?3, error = ?4, targets = ?5, finished_at = ?6, duration_ms = ?7,
         final = CASE WHEN ?8 THEN 1 ELSE 0 END
       WHERE id = ?9 AND status = 'running'`,
    ).bind(
      outcome.status,
      outcome.reason ?? null,
      outcome.result === undefined ? null : JSON.stringify(outcome.result),
      outcome.error ?? null,
      outcome.targets === undefined ? null : JSON.stringify(outcome.targets),
      now,
      now - started,
      // Final until a retry is actually recorded (flipped back below).
      failed ? 1 : 0,
      run.id,
      task.id,
    ),
    env.DB.prepare(
      `UPDATE tasks SET last_run_at = ?1, last_status = ?2,
         status = CASE WHEN ?3 AND status = 'active' AND next_run_at IS NULL THEN 'completed' ELSE status END
       WHERE id = ?4 AND changes() > 0`,
    ).bind(started, outcome.status, completes ? 1 : 0, task.id),
    // A retry only for a task that is still active (paused, canceled or deleted tasks get none).
    env.DB.prepare(
      `INSERT INTO runs (id, org_id, task_id, "trigger", attempt, status, scheduled_for, retry_of, input, created_at, not_before, final)
       SELECT ?1, ?2, ?3, 'retry', ?4, 'queued', ?5, ?6, ?7, ?8, ?9, 0
       WHERE ?10 AND EXISTS (SELECT 1 FROM tasks WHERE id = ?3 AND status = 'active' AND deleted_at IS NULL)
         AND EXISTS (SELECT 1 FROM runs WHERE id = ?6 AND status = ?11 AND finished_at = ?12)
       ON CONFLICT DO NOTHING`,
    ).bind(
      retryId,
      task.org_id,
      task.id,
      run.attempt + 1,
      run.scheduled_for,
      run.id,
      run.input === null ? null : JSON.stringify(run.input),
      now,
      now + delay * 1000,
      canRetry ? 1 : 0,
      outcome.status,
      now,
    ),
    env.DB.prepare("UPDATE runs SET final = 0 WHERE id = ?1 AND changes() > 0").bind(run.id),
  ]);
  if ((updated?.meta.changes ?? 0) === 0) return null;
  const retried = (retryInsert?.meta.changes ?? 0) > 0;
  log("info", "run.finished", {
    task_id: task.id,
    run_id: run.id,
    status: outcome.status,
    duration_ms: now - started,
    attempt: run.attempt,
    final: failed && !retried,
    ...(outcome.permanent && { permanent: true }),
  });
  if (retried && delay <= MAX_QUEUE_DELAY_SECONDS) {
    await env.RUNS.send(runMessage({ id: retryId, task_id: task.id }, task.org_id), { delaySeconds: delay });
    await markDispatched(db, [retryId], now);
    log("info", "run.retry_queued", {
      task_id: task.id,
      run_id: retryId,
      retry_of: run.id,
      attempt: run.attempt + 1,
      delay_seconds: delay,
    });
  }
  const row = await db.select().from(runs).where(eq(runs.id, run.id)).get();
  return row ? rowToRun(row) : null;
}

/** An executor's outcome that D1 refused to record, kept by the run's lock until it is written (see `TaskLock.hold`). */
export type HeldOutcome = { outcome: FinalOutcome; finishedAt: number };

/**
 * Writes an outcome the lock held for a run whose first write failed, as of when the
 * executor finished. Nothing runs again; a no-op unless the run is still `running`.
 * Returns the recorded run, or null.
 */
export async function recordHeldOutcome(env: Env, db: Db, task: Task, runId: string, held: HeldOutcome): Promise<Run | null> {
  const runRow = await db
    .select()
    .from(runs)
    .where(and(eq(runs.id, runId), eq(runs.orgId, task.org_id)))
    .get();
  if (runRow?.status !== "running") return null;
  return recordOutcome(env, db, task, rowToRun(runRow), held.outcome, held.finishedAt);
}

/** The lease of a run ran out without a report (its consumer died): the run timed out. */
export async function expireLease(env: Env, runId: string, taskId: string, orgId: string): Promise<void> {
  const db = createDb(env.DB);
  let runRow = await db
    .select()
    .from(runs)
    .where(and(eq(runs.id, runId), eq(runs.orgId, orgId)))
    .get();
  if (!runRow) return;
  // A run handed to runners that no runner claimed in time times out like one that stalled.
  if (runRow.status === "queued" && runRow.runnerReadyAt !== null) {
    runRow = await db
      .update(runs)
      .set({ status: "running", startedAt: runRow.runnerReadyAt })
      .where(and(eq(runs.id, runId), eq(runs.status, "queued")))
      .returning()
      .get();
  }
  if (runRow?.status !== "running") return;
  const taskRow = await db
    .select()
    .from(tasks)
    .where(and(eq(tasks.id, taskId), eq(tasks.orgId, orgId)))
    .get();
  if (!taskRow) return;
  await recordOutcome(env, db, rowToTask(taskRow), rowToRun(runRow), {
    status: "timed_out",
    error: runRow.runnerId
      ? `runner ${runRow.runnerId} stopped sending heartbeats; the lease lapsed`
      : runRow.runnerReadyAt !== null && runRow.startedAt === runRow.runnerReadyAt
        ? "no runner claimed the run before its lease ran out"
        : "the run's lease expired without a result (its worker stopped); timed out",
  });
}
