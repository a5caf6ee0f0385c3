import { and, asc, eq, isNull, lt, or } from "drizzle-orm";
import { createDb } from "../db/client";
import { runs } from "../db/schema";
import type { Env } from "../env";
import { markDispatched } from "./dispatch";
import { leadDelaySeconds, runMessage, sendRunMessages } from "./messages";
import { claimEnd } from "./plan";

/** A queued run without a sent message for this long was lost between its record and its send. */
const LOST_AFTER_MS = 30_000;

/**
 * Re-sends queued runs whose message never went out (a tick or request that died
 * between recording and sending), and long-delayed retries now within reach.
 * Redelivery is harmless: the consumer ignores a run that is no longer queued.
 */
export async function sweep(env: Env, d1: D1Database, now: number): Promise<number> {
  const db = createDb(d1);
  const lost = await db
    .select({ id: runs.id, taskId: runs.taskId, orgId: runs.orgId, scheduledFor: runs.scheduledFor, notBefore: runs.notBefore })
    .from(runs)
    .where(
      and(
        eq(runs.status, "queued"),
        isNull(runs.dispatchedAt),
        lt(runs.createdAt, now - LOST_AFTER_MS),
        or(isNull(runs.notBefore), lt(runs.notBefore, claimEnd(now))),
      ),
    )
    .orderBy(asc(runs.createdAt))
    .limit(500)
    .all();
  const messages = lost.map((r) => ({
    id: r.id,
    body: runMessage({ id: r.id, task_id: r.taskId }, r.orgId),
    delaySeconds: leadDelaySeconds(Math.max(r.scheduledFor, r.notBefore ?? 0), now),
  }));
  await sendRunMessages(env.RUNS, messages);
  await markDispatched(
    db,
    messages.map((m) => m.id),
    now,
  );
  return messages.length;
}
