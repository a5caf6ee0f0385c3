import { and, eq, max } from "drizzle-orm";
import { runs } from "../../db/schema";
import { conflict } from "../../domain/errors";
import type { Run, RunStatus } from "../../domain/run";
import type { ServiceContext } from "../context";
import { getTask } from "../tasks/read";
import { getRun } from "./read";
import { enqueueRuns } from "./trigger";

/** Finished runs that did not succeed: only these can be re-run by hand. */
const RETRYABLE: readonly RunStatus[] = ["failed", "timed_out", "canceled"];
/** Concurrent re-runs of one occurrence race for the next attempt number; this many tries each. */
const MAX_TRIES = 5;

function notRetryable(run: Run): string {
  switch (run.status) {
    case "queued":
    case "running":
      return `run ${run.id} is still ${run.status}; wait for it to finish, or cancel it`;
    case "succeeded":
      return `run ${run.id} succeeded; there is nothing to re-run (use POST /v1/tasks/{id}/run for a new run)`;
    default:
      return `run ${run.id} was ${run.status}${run.reason ? ` (${run.reason})` : ""}, not executed; only failed, timed_out or canceled runs can be re-run`;
  }
}

async function highestAttempt(ctx: ServiceContext, taskId: string, scheduledFor: number): Promise<number> {
  // Served by the unique index (task_id, scheduled_for, attempt).
  const row = await ctx.db
    .select({ n: max(runs.attempt) })
    .from(runs)
    .where(and(eq(runs.taskId, taskId), eq(runs.scheduledFor, scheduledFor)))
    .get();
  return row?.n ?? 0;
}

/**
 * Re-runs a run that failed, timed out or was canceled: a new run of the same task
 * and occurrence (`trigger: retry`, `retry_of` the original, same input) with the
 * next attempt number for that occurrence, queued now.
 */
export async function retryRun(ctx: ServiceContext, runId: string): Promise<Run> {
  const run = await getRun(ctx, runId);
  if (!RETRYABLE.includes(run.status)) throw conflict("not_retryable", notRetryable(run));
  const task = await getTask(ctx, run.task_id);
  if (task.status === "canceled") throw conflict("task_canceled", "the run's task is canceled; a canceled task cannot be run");
  for (let i = 0; i < MAX_TRIES; i++) {
    const attempt = (await highestAttempt(ctx, run.task_id, run.scheduled_for)) + 1;
    // enqueueRuns skips an occupied (task, occurrence, attempt): empty means a
    // concurrent re-run took this attempt number, so recompute and try the next one.
    const [created] = await enqueueRuns(ctx, [
      { taskId: run.task_id, trigger: "retry", scheduledFor: run.scheduled_for, input: run.input, attempt, retryOf: run.id },
    ]);
    if (created) return created;
  }
  throw conflict("busy", "too many re-runs of this occurrence at once; retry");
}
