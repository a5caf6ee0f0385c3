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
import { metered, newCost } from "./cost";
import { rowToRun } from "../db/mappers/runs";
import { rowToTask } from "../db/mappers/tasks";
import { MAX_QUEUE_DELAY_SECONDS, runMessage, sendRunMessages } from "./messages";

export type FinalOutcome = Omit<Outcome, "status"> & { status: Outcome["status"] | "canceled"; reason?: string };

/** One run's outcome to record; `now` is when its executor finished. */
export type OutcomeItem = { task: Task; run: Run; outcome: FinalOutcome; now: number };
/** A recorded run, and the retry its failure earned (a run already finished elsewhere is left out). */
export type Recorded = { item: OutcomeItem; run: Run; retry: { id: string; delaySeconds: number } | null };

const CANCELED_TASK = "EXISTS (SELECT 1 FROM tasks WHERE id = v.task AND (status = 'canceled' OR deleted_at IS NOT NULL))";
/** The rows a batch binds, as one JSON value per statement (any number of runs, one statement). */
const rowsOf = (items: OutcomeItem[], retryIds: string[]) =>
  JSON.stringify(
    items.map(({ task, run, outcome, now }, i) => {
      const failed = outcome.status === "failed" || outcome.status === "timed_out";
      const started = run.started_at ?? now;
      return {
        id: run.id,
        task: task.id,
        org: task.org_id,
        status: outcome.status,
        reason: outcome.reason ?? null,
        result: outcome.result === undefined ? null : JSON.stringify(outcome.result),
        error: outcome.error ?? null,
        targets: outcome.targets === undefined ? null : JSON.stringify(outcome.targets),
        finished: now,
        duration: now - started,
        started,
        // Final until a retry is actually recorded (flipped back by the last statement).
        final: failed ? 1 : 0,
        completes: outcome.status === "succeeded" && (task.schedule.kind === "once" || task.schedule.kind === "delayed") ? 1 : 0,
        retry: failed && outcome.permanent !== true && run.attempt <= task.retry.max_retries ? 1 : 0,
        retry_id: retryIds[i],
        attempt: run.attempt + 1,
        scheduled_for: run.scheduled_for,
        input: run.input === null ? null : JSON.stringify(run.input),
        not_before: now + delayOf(task, run, outcome) * 1000,
      };
    }),
  );

const delayOf = (task: Task, run: Run, outcome: FinalOutcome) => outcome.retryAfterSeconds ?? retryDelaySeconds(task.retry, run.attempt);

/**
 * Writes the outcomes of many runs in one D1 batch of four statements, whatever their
 * number (each binds its rows as one JSON value):
 * - each run's outcome, only over a run still `running`, so a late writer never overwrites
 *   a result; a run whose task was canceled or deleted while it ran is recorded as canceled;
 * - each task's last run, and the completion of a `once`/`delayed` task by its success,
 *   only while it has no occurrence pending (`next_run_at` is null): a run claimed under an
 *   older schedule, or a manual run, does not complete a one-time schedule given since;
 * - the retry a failure earns (attempt + 1 after the backoff delay or the target's
 *   Retry-After), only while the task is active and the failure is not `permanent`;
 * - `final` back to 0 for the runs whose retry was recorded.
 * Items must be of distinct tasks (the consumer's lanes see to it). Returns the runs this
 * call recorded, each with its retry; the caller sends the retries (see `sendRetries`).
 */
export async function recordOutcomes(d1: D1Database, items: OutcomeItem[]): Promise<Recorded[]> {
  if (items.length === 0) return [];
  const retryIds = items.map(() => crypto.randomUUID());
  const rows = rowsOf(items, retryIds);
  const v = `SELECT value ->> 'id' AS id, value ->> 'task' AS task, value ->> 'org' AS org, value ->> 'status' AS status,
      value ->> 'reason' AS reason, value ->> 'result' AS result, value ->> 'error' AS error, value ->> 'targets' AS targets,
      value ->> 'finished' AS finished, value ->> 'duration' AS duration, value ->> 'started' AS started, value ->> 'final' AS final,
      value ->> 'completes' AS completes, value ->> 'retry' AS retry, value ->> 'retry_id' AS retry_id, value ->> 'attempt' AS attempt,
      value ->> 'scheduled_for' AS scheduled_for, value ->> 'input' AS input, value ->> 'not_before' AS not_before FROM json_each(?1)`;
  const [updated, , inserted] = await d1.batch<{ id: string; status: string; reason: string | null }>([
    d1
      .prepare(
        `UPDATE runs SET
           status = CASE WHEN ${CANCELED_TASK} THEN 'canceled' ELSE v.status END,
           reason = CASE WHEN ${CANCELED_TASK} THEN 'task_canceled' ELSE v.reason END,
           result = v.result, error = v.error, targets = v.targets, finished_at = v.finished, duration_ms = v.duration, final = v.final
         FROM (${v}) AS v
         WHERE runs.id = v.id AND runs.org_id = v.org AND runs.status = 'running'
         RETURNING runs.id, runs.status, runs.reason`,
      )
      .bind(rows),
    d1
      .prepare(
        `UPDATE tasks SET last_run_at = v.started, last_status = v.status,
           status = CASE WHEN v.completes = 1 AND tasks.status = 'active' AND tasks.next_run_at IS NULL THEN 'completed' ELSE tasks.status END
         FROM (${v}) AS v
         WHERE tasks.id = v.task AND tasks.org_id = v.org
           AND EXISTS (SELECT 1 FROM runs r WHERE r.id = v.id AND r.finished_at = v.finished AND r.duration_ms = v.duration)`,
      )
      .bind(rows),
    // A retry only for a task that is still active (paused, canceled or deleted tasks get none).
    d1
      .prepare(
        `INSERT INTO runs (id, org_id, task_id, "trigger", attempt, status, scheduled_for, retry_of, input, created_at, not_before, final)
         SELECT v.retry_id, v.org, v.task, 'retry', v.attempt, 'queued', v.scheduled_for, v.id, v.input, v.finished, v.not_before, 0
         FROM (${v}) AS v
         WHERE v.retry = 1 AND EXISTS (SELECT 1 FROM tasks WHERE id = v.task AND status = 'active' AND deleted_at IS NULL)
           AND EXISTS (SELECT 1 FROM runs WHERE id = v.id AND status = v.status AND finished_at = v.finished)
         ON CONFLICT DO NOTHING
         RETURNING id`,
      )
      .bind(rows),
    d1
      .prepare(
        `UPDATE runs SET final = 0 WHERE id IN (SELECT r.retry_of FROM runs r WHERE r.id IN (SELECT value ->> 'retry_id' FROM json_each(?1)))`,
      )
      .bind(rows),
  ]);
  const written = new Map((updated?.results ?? []).map((r) => [r.id, r]));
  const retried = new Set((inserted?.results ?? []).map((r) => r.id));
  return items.flatMap((item, i): Recorded[] => {
    const row = written.get(item.run.id);
    if (!row) return [];
    const { run, outcome, now } = item;
    const retryId = retryIds[i] ?? "";
    const retry = retried.has(retryId) ? { id: retryId, delaySeconds: delayOf(item.task, run, outcome) } : null;
    const failed = outcome.status === "failed" || outcome.status === "timed_out";
    const started = run.started_at ?? now;
    const recorded: Run = {
      ...run,
      status: row.status as Run["status"],
      reason: row.reason,
      result: outcome.result ?? null,
      error: outcome.error ?? null,
      targets: outcome.targets ?? null,
      finished_at: now,
      duration_ms: now - started,
      final: failed && retry === null,
    };
    return [{ item, run: recorded, retry }];
  });
}

/** Sends the retries that recorded outcomes earned; delays beyond the queue's 12 h limit wait in `not_before` for the tick. */
export async function sendRetries(queue: Queue<unknown>, db: Db, recorded: Recorded[], now: number): Promise<number> {
  const due = recorded.filter((r) => r.retry !== null && r.retry.delaySeconds <= MAX_QUEUE_DELAY_SECONDS);
  if (due.length === 0) return 0;
  await sendRunMessages(
    queue,
    due.map((r) => ({
      body: runMessage({ id: r.retry?.id ?? "", task_id: r.item.task.id }, r.item.task.org_id),
      delaySeconds: r.retry?.delaySeconds,
    })),
  );
  await markDispatched(
    db,
    due.map((r) => r.retry?.id ?? ""),
    now,
  );
  return due.length;
}

/** The fields of `run.finished` (and of the retry it queued) for a recorded run. */
export function finishedFields(r: Recorded): Record<string, unknown> {
  const { task, outcome } = r.item;
  return {
    task_id: task.id,
    run_id: r.run.id,
    status: r.run.status,
    duration_ms: r.run.duration_ms,
    attempt: r.run.attempt,
    final: r.run.final,
    ...(outcome.permanent && { permanent: true }),
    ...(r.retry && { retry_run_id: r.retry.id, retry_delay_seconds: r.retry.delaySeconds }),
  };
}

/**
 * Records one run's outcome (see `recordOutcomes`), sends its retry, and logs `run.finished`
 * with what the write cost. Returns the recorded run, or null when it was already finished
 * elsewhere. The runners service, the lock's alarm and held outcomes come through here.
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
  const cost = newCost();
  const [recorded] = await recordOutcomes(metered(env.DB, cost), [{ task, run, outcome, now }]);
  if (!recorded) return null;
  cost.queue_messages += await sendRetries(env.RUNS, db, [recorded], now);
  log("info", "run.finished", { ...finishedFields(recorded), cost });
  return recorded.run;
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
