import { and, eq, sql } from "drizzle-orm";
import { runs } from "../../db/schema";
import { conflict, invalid } from "../../domain/errors";
import type { Task } from "../../domain/task";
import type { ServiceContext } from "../context";
import { instantField } from "../../domain/schedule";
import { computeNext } from "./spec";
import { mutateTask } from "./write";

/** Longest snooze: one week. */
export const MAX_SNOOZE_SECONDS = 604_800;

function assertChangeable(t: Task, verb: string) {
  if (t.status === "canceled") throw conflict("task_canceled", `a canceled task cannot be ${verb}; canceling is final`);
  if (t.status === "completed")
    throw conflict("task_completed", `a completed task cannot be ${verb}; give it a new schedule with PATCH to reactivate it`);
}

const activeNext = (ctx: ServiceContext, t: Task, snoozedUntil: number | null) =>
  computeNext({ schedule: t.schedule, status: "active", snoozedUntil, anchor: t.schedule_anchor_at }, ctx.now);

/** Stops future scheduled runs. Idempotent. */
export function pauseTask(ctx: ServiceContext, id: string): Promise<Task> {
  return mutateTask(ctx, id, (t) => {
    assertChangeable(t, "paused");
    if (t.status === "paused") return null;
    return { set: { status: "paused", nextRunAt: null, skipDueAt: null, snoozedUntil: null, snoozeReason: null } };
  });
}

/** Restarts the schedule from now (a snooze in progress ends too). Idempotent for an active, unsnoozed task. */
export function resumeTask(ctx: ServiceContext, id: string): Promise<Task> {
  return mutateTask(ctx, id, (t) => {
    assertChangeable(t, "resumed");
    if (t.status === "active" && t.snoozed_until === null) return null;
    return { set: { status: "active", snoozedUntil: null, snoozeReason: null, ...activeNext(ctx, t, null) } };
  });
}

/** Sets enabled (active) or disabled (paused); without a value, flips it. */
export async function toggleTask(ctx: ServiceContext, id: string, enabled?: boolean): Promise<Task> {
  if (enabled === undefined) {
    return mutateTask(ctx, id, (t) => {
      assertChangeable(t, "toggled");
      const next = t.status !== "active";
      return next
        ? { set: { status: "active", snoozedUntil: null, snoozeReason: null, ...activeNext(ctx, t, null) } }
        : { set: { status: "paused", nextRunAt: null, skipDueAt: null, snoozedUntil: null, snoozeReason: null } };
    });
  }
  return enabled ? resumeTask(ctx, id) : pauseTask(ctx, id);
}

/**
 * Holds the task until `until` (at most a week ahead), then it resumes by itself:
 * the task stays active and its next run is the first occurrence at or after `until`.
 */
export function snoozeTask(
  ctx: ServiceContext,
  id: string,
  p: { delay_seconds?: number; until?: string; reason?: string | null },
): Promise<Task> {
  if ((p.delay_seconds === undefined) === (p.until === undefined)) {
    throw invalid("validation_failed", "send exactly one of delay_seconds or until", [
      { path: "delay_seconds", message: "send exactly one of delay_seconds or until" },
    ]);
  }
  let until: number;
  if (p.until !== undefined) {
    until = instantField(p.until, "until");
    if (until <= ctx.now)
      throw invalid("validation_failed", "until must be in the future", [{ path: "until", message: "must be in the future" }]);
    if (until - ctx.now > MAX_SNOOZE_SECONDS * 1000) {
      throw invalid("validation_failed", "a snooze lasts at most one week (604800 seconds)", [
        { path: "until", message: "more than one week ahead" },
      ]);
    }
  } else {
    until = ctx.now + (p.delay_seconds ?? 0) * 1000;
  }
  return mutateTask(ctx, id, (t) => {
    assertChangeable(t, "snoozed");
    return { set: { status: "active", snoozedUntil: until, snoozeReason: p.reason ?? null, ...activeNext(ctx, t, until) } };
  });
}

/** The next `count` occurrences will be recorded as skipped (reason `skip_next`) instead of run; 0 clears. */
export function skipNext(ctx: ServiceContext, id: string, count: number): Promise<Task> {
  return mutateTask(ctx, id, (t) => {
    assertChangeable(t, "skipped");
    if (t.schedule.kind === "event") throw invalid("not_scheduled", "an event task has no occurrences to skip");
    return { set: { skipNext: count } };
  });
}

/** Queued runs of a task that is no longer active are canceled with it (guarded on the task's new state). */
const cancelQueuedRuns = (ctx: ServiceContext, t: Task, reason: string) =>
  ctx.db
    .update(runs)
    .set({ status: "canceled", reason, finishedAt: ctx.now })
    .where(
      and(
        eq(runs.taskId, t.id),
        eq(runs.orgId, ctx.orgId),
        eq(runs.status, "queued"),
        sql`EXISTS (SELECT 1 FROM tasks WHERE id = ${t.id} AND (status = 'canceled' OR deleted_at IS NOT NULL))`,
      ),
    );

/** Final: no further runs; queued runs are canceled. A second cancel is a no-op. */
export function cancelTask(ctx: ServiceContext, id: string): Promise<Task> {
  return mutateTask(ctx, id, (t) => {
    if (t.status === "canceled") return null;
    return {
      set: { status: "canceled", nextRunAt: null, skipDueAt: null, snoozedUntil: null, snoozeReason: null },
      also: (cur) => [cancelQueuedRuns(ctx, cur, "task_canceled")],
    };
  });
}

/** Deletes the task (its name becomes free; its runs stay readable by id). Queued runs are canceled. */
export async function deleteTask(ctx: ServiceContext, id: string, ifMatch?: number): Promise<void> {
  await mutateTask(
    ctx,
    id,
    () => ({ set: { deletedAt: ctx.now, nextRunAt: null, skipDueAt: null }, also: (cur) => [cancelQueuedRuns(ctx, cur, "task_deleted")] }),
    ifMatch,
  );
}
