import type { Task } from "../../domain/task";
import { claimTasks } from "../../engine/claim-tasks";
import { claimEnd } from "../../engine/plan";
import type { ServiceContext } from "../context";

/**
 * A write that makes a task due before the next tick's claim reaches it (its next run, or an
 * occurrence to record as skipped, falls inside the window the last tick already handed out:
 * up to the next minute boundary plus the margin) claims it at once, exactly as the tick
 * would: a `once` task due in 20 s, or a minutely cron created mid-minute, starts on its
 * second instead of at the next tick. The claim is the tick's own conditional claim, so a
 * tick racing it claims nothing twice. A failure here loses nothing: the write stands and
 * the next tick claims the task (late).
 */
export async function claimIfDueSoon(ctx: ServiceContext, task: Task): Promise<void> {
  if (!ctx.claimOnWrite || task.status !== "active") return;
  const end = claimEnd(ctx.now);
  const due = (at: number | null) => at !== null && at < end;
  if (!due(task.next_run_at) && !due(task.skip_due_at)) return;
  try {
    const result = await claimTasks(ctx.db.$client, ctx.queue, [task], ctx.now);
    if (result.queued > 0) ctx.log("info", "task.claimed_on_write", { task_id: task.id, queued: result.queued });
  } catch (e) {
    ctx.log("warn", "task.claim_on_write_failed", { task_id: task.id, error: e instanceof Error ? e.message : String(e) });
  }
}
