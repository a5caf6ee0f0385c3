import { and, eq, isNull, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { isUniqueViolation } from "../../db/client";
import { tasks } from "../../db/schema";
import { DomainError } from "../../domain/errors";
import type { Task } from "../../domain/task";
import type { ServiceContext } from "../context";
import { nameTaken } from "./create";
import { rowToTask } from "../../db/mappers/tasks";
import { getTask } from "./read";
import { claimIfDueSoon } from "./claim-soon";

type TaskColumns = Partial<typeof tasks.$inferInsert>;

/** What a verb wants to change: columns of the task and statements that must commit with it. */
export type Change = { set: TaskColumns; also?: (task: Task) => BatchItem<"sqlite">[] } | null;

export const preconditionFailed = () =>
  new DomainError(
    "precondition_failed",
    "precondition_failed",
    "the task changed since you read it (If-Match does not match its ETag); read it again and retry",
  );

/**
 * Read–decide–write with optimistic concurrency: the update only applies if the
 * task still has the version and claim sequence that were read. `If-Match` pins the
 * version only: a tick's claim in between is retried on fresh data, never a 412. A
 * lost race without If-Match is retried too, so no update is ever lost.
 * `decide` returns null when nothing needs to change (idempotent verbs).
 */
export async function mutateTask(
  ctx: ServiceContext,
  id: string,
  decide: (current: Task) => Change | Promise<Change>,
  ifMatch?: number,
): Promise<Task> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await getTask(ctx, id);
    if (ifMatch !== undefined && current.version !== ifMatch) throw preconditionFailed();
    const change = await decide(current);
    if (change === null) return current;
    const update = ctx.db
      .update(tasks)
      .set({ ...change.set, updatedAt: ctx.now, version: sql`${tasks.version} + 1` })
      .where(
        and(
          eq(tasks.id, id),
          eq(tasks.orgId, ctx.orgId),
          eq(tasks.version, current.version),
          eq(tasks.claimSeq, current.claim_seq),
          isNull(tasks.deletedAt),
        ),
      )
      .returning();
    let rows: (typeof tasks.$inferSelect)[];
    try {
      const extra = change.also?.(current) ?? [];
      // Extra statements guard themselves on the task's new state (a batch is one transaction).
      const results = await ctx.db.batch([update, ...extra] as [typeof update, ...BatchItem<"sqlite">[]]);
      rows = results[0];
    } catch (e) {
      if (isUniqueViolation(e) && typeof change.set.name === "string") throw nameTaken(change.set.name);
      throw e;
    }
    const row = rows[0];
    if (row) {
      const task = rowToTask(row);
      await claimIfDueSoon(ctx, task);
      return task;
    }
    // Only a user's change moves the version: a claim (claim_seq) is retried, not refused.
  }
  throw new DomainError("conflict", "concurrent_update", "the task is being changed by another request; retry");
}
