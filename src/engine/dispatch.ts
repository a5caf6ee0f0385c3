import { inArray } from "drizzle-orm";
import type { Db } from "../db/client";
import { runs } from "../db/schema";

/** Records that these runs' messages are on the queue (the sweep re-sends queued runs without this mark). */
export async function markDispatched(db: Db, ids: string[], now: number): Promise<void> {
  for (let i = 0; i < ids.length; i += 90) {
    const chunk = ids.slice(i, i + 90);
    if (chunk.length > 0) await db.update(runs).set({ dispatchedAt: now }).where(inArray(runs.id, chunk));
  }
}
