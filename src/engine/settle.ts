import type { Run } from "../domain/run";
import { log } from "../log";

/** A queued run that ends without running: its task went away, or its lock said skip. */
export type Settle = { run: Run; status: "skipped" | "canceled"; reason: string };

/** Records runs that end without running, in one statement; only over runs still `queued`. */
export async function settleRuns(d1: D1Database, items: Settle[], now: number): Promise<void> {
  if (items.length === 0) return;
  await d1
    .prepare(
      `UPDATE runs SET status = v.status, reason = v.reason, finished_at = ?2
       FROM (SELECT value ->> 'id' AS id, value ->> 'status' AS status, value ->> 'reason' AS reason FROM json_each(?1)) AS v
       WHERE runs.id = v.id AND runs.status = 'queued'`,
    )
    .bind(JSON.stringify(items.map((i) => ({ id: i.run.id, status: i.status, reason: i.reason }))), now)
    .run();
  for (const i of items) log("info", `run.${i.status}`, { task_id: i.run.task_id, run_id: i.run.id, reason: i.reason });
}
