import { and, eq, isNull } from "drizzle-orm";
import { runs, tasks } from "../../db/schema";
import { conflict, invalid } from "../../domain/errors";
import type { Run, RunTrigger } from "../../domain/run";
import type { OverlapPolicy } from "../../domain/task";
import { nextOccurrences } from "../../domain/schedule";
import { markDispatched } from "../../engine/dispatch";
import { runMessage, sendRunMessages } from "../../engine/messages";
import type { ServiceContext } from "../context";
import { getTask } from "../tasks/read";
import { rowToRun } from "../../db/mappers/runs";

/** Most runs one backfill may create. */
export const MAX_BACKFILL = 1000;
const CHUNK = 50;

export type NewRun = { taskId: string; trigger: RunTrigger; scheduledFor: number; input?: unknown; attempt?: number; retryOf?: string };

const runValues = (ctx: ServiceContext, r: NewRun) => ({
  id: crypto.randomUUID(),
  orgId: ctx.orgId,
  taskId: r.taskId,
  trigger: r.trigger,
  attempt: r.attempt ?? 1,
  retryOf: r.retryOf ?? null,
  status: "queued",
  scheduledFor: r.scheduledFor,
  input: r.input ?? null,
  createdAt: ctx.now,
});

/**
 * Records runs as queued and hands them to the queue. An occurrence that already
 * has a run is not duplicated (unique index on task, occurrence and attempt).
 * Returns only the runs this call created.
 */
export async function enqueueRuns(ctx: ServiceContext, items: NewRun[]): Promise<Run[]> {
  const created: Run[] = [];
  for (let i = 0; i < items.length; i += CHUNK) {
    const stmts = items.slice(i, i + CHUNK).map((r) => ctx.db.insert(runs).values(runValues(ctx, r)).onConflictDoNothing().returning());
    if (stmts.length === 0) continue;
    const results = await ctx.db.batch(stmts as [(typeof stmts)[number], ...(typeof stmts)[number][]]);
    for (const rows of results) for (const row of rows) created.push(rowToRun(row));
  }
  await sendRunMessages(
    ctx.queue,
    created.map((r) => ({ body: runMessage(r, ctx.orgId) })),
  );
  await markDispatched(
    ctx.db,
    created.map((r) => r.id),
    ctx.now,
  );
  return created.map((r) => ({ ...r, dispatched_at: ctx.now }));
}

/** Runs the task now, outside its schedule (paused tasks too; canceled ones not). */
export async function runNow(ctx: ServiceContext, taskId: string, input?: unknown): Promise<Run> {
  const task = await getTask(ctx, taskId);
  if (task.status === "canceled") throw conflict("task_canceled", "a canceled task cannot be run");
  // Two manual runs in the same millisecond are two runs: step past an occupied instant.
  for (let bump = 0; bump < 10; bump++) {
    const [run] = await enqueueRuns(ctx, [{ taskId, trigger: "manual", scheduledFor: ctx.now + bump, input }]);
    if (run) return run;
  }
  throw conflict("busy", "too many manual runs at once; retry");
}

/** Queues a run of every active task in the organization that waits for this event. */
export async function publishEvent(ctx: ServiceContext, name: string, payload: unknown): Promise<Run[]> {
  const waiting = await ctx.db
    .select({ id: tasks.id })
    .from(tasks)
    .where(and(eq(tasks.orgId, ctx.orgId), eq(tasks.eventName, name), eq(tasks.status, "active"), isNull(tasks.deletedAt)))
    .all();
  return enqueueRuns(
    ctx,
    waiting.map((t) => ({
      taskId: t.id,
      trigger: "event" as const,
      scheduledFor: ctx.now,
      input: { event: name, payload: payload ?? null },
    })),
  );
}

/**
 * One run for every occurrence in [start, end) (a past window, at most 1000).
 * Occurrences that already have a run are left alone.
 */
export async function backfill(
  ctx: ServiceContext,
  taskId: string,
  p: { start: number; end: number; overlap_policy?: OverlapPolicy },
): Promise<{ runs: Run[]; occurrences: number }> {
  const task = await getTask(ctx, taskId);
  if (task.status === "canceled") throw conflict("task_canceled", "a canceled task cannot be backfilled");
  if (task.schedule.kind !== "cron" && task.schedule.kind !== "rrule") {
    throw invalid("not_recurring", `backfill needs a cron or rrule schedule; this task's schedule is ${task.schedule.kind}`);
  }
  if (!(p.start < p.end))
    throw invalid("validation_failed", "start must be before end", [{ path: "start", message: "must be before end" }]);
  if (p.end > ctx.now)
    throw invalid("validation_failed", "end must not be in the future: backfill covers past occurrences", [
      { path: "end", message: "is in the future" },
    ]);
  const found = nextOccurrences(task.schedule, p.start - 1, MAX_BACKFILL + 1, task.schedule_anchor_at).filter(
    (o) => !o.skipped && o.at < p.end,
  );
  if (found.length > MAX_BACKFILL) {
    throw invalid("too_many_occurrences", `the window holds more than ${MAX_BACKFILL} occurrences; backfill a shorter window`);
  }
  const input = p.overlap_policy ? { overlap_policy: p.overlap_policy } : undefined;
  const created = await enqueueRuns(
    ctx,
    found.map((o) => ({ taskId, trigger: "backfill" as const, scheduledFor: o.at, input })),
  );
  return { runs: created, occurrences: found.length };
}
