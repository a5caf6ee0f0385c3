import { createDb } from "../db/client";
import type { Task } from "../domain/task";
import { log } from "../log";
import { claimStatements } from "./claim";
import type { ClaimItem, ClaimedRun } from "./claim";
import { markDispatched } from "./dispatch";
import { leadDelaySeconds, sendRuns } from "./messages";
import { planClaim } from "./plan";

export type ClaimResult = { claimed: number; queued: number; lost: number; messages: number; skipped: ClaimedRun[] };

/**
 * Claims due tasks in one D1 batch and sends the runs it recorded: what a tick does with
 * a page, and what a write does with a task it made due before the next tick (see
 * `claimIfDueSoon`). `now` is the claim's instant (the tick's scheduledTime); `started` is
 * the wall clock when that instant was taken, so each message's delay counts from when it
 * is sent. `lost` counts tasks another writer claimed or changed first.
 */
export async function claimTasks(
  d1: D1Database,
  queue: Queue<unknown>,
  due: Task[],
  now: number,
  started = Date.now(),
): Promise<ClaimResult> {
  const items: ClaimItem[] = [];
  for (const task of due) {
    try {
      items.push({ task, plan: planClaim(task, now) });
    } catch (e) {
      // A schedule that cannot be evaluated must not block every other task.
      log("error", "tick.plan_failed", { task_id: task.id, error: e instanceof Error ? e.message : String(e) });
    }
  }
  if (items.length === 0) return { claimed: 0, queued: 0, lost: 0, messages: 0, skipped: [] };
  const { stmts, runs } = claimStatements(d1, items, now);
  const [claimedRows, ...inserted] = await d1.batch<{ id: string }>(stmts);
  const won = new Set((claimedRows?.results ?? []).map((r) => r.id));
  // Only the runs the inserts wrote: an occurrence that already had a run is not sent again.
  const written = new Set(inserted.flatMap((r) => r.results.map((x) => x.id)));
  const mine = runs.filter((r) => won.has(r.task.id) && written.has(r.id));
  const queued = mine.filter((r) => r.status === "queued");
  const messages = await sendRuns(
    queue,
    queued.map((r) => ({ id: r.id, task_id: r.task.id, org_id: r.task.org_id, at: r.at })),
    (at) => leadDelaySeconds(at, now + (Date.now() - started)),
  );
  await markDispatched(
    createDb(d1),
    queued.map((r) => r.id),
    now,
  );
  return {
    claimed: won.size,
    queued: queued.length,
    lost: items.length - won.size,
    messages,
    skipped: mine.filter((r) => r.status === "skipped"),
  };
}
