import type { Db } from "../db/client";
import { inJson } from "../db/client";
import { runs } from "../db/schema";

/** Records that these runs' messages are on the queue (the sweep re-sends queued runs without this mark): one statement. */
export async function markDispatched(db: Db, ids: string[], now: number): Promise<void> {
  if (ids.length > 0) await db.update(runs).set({ dispatchedAt: now }).where(inJson(runs.id, ids));
}
