import { asc, sql } from "drizzle-orm";
import { createDb } from "../db/client";
import { tasks } from "../db/schema";
import type { Env } from "../env";
import { log } from "../log";
import { rowToTask } from "../db/mappers/tasks";
import { claimTasks } from "./claim-tasks";
import { metered, newCost } from "./cost";
import { tickMessage } from "./messages";
import { claimEnd } from "./plan";
import { sweep } from "./sweep";
import type { Task } from "../domain/task";
import { iso } from "../domain/time";

const PAGE = 200;
/** Work one invocation does before handing the rest to a continuation message. */
const BUDGET_MS = 20_000;
/** Pages in a row whose every claim lost a race before the tick leaves the rest to the next one. */
const MAX_CONTENDED_PAGES = 3;

/**
 * One tick at `now` (the controller's scheduledTime, never Date.now()): claims every
 * active task due up to the next minute boundary plus a margin (`claimEnd`) through the
 * due indexes, highest priority first among equally due tasks, records its runs, and
 * enqueues them to be delivered just ahead of their due second. Then re-sends runs whose
 * message was lost. Past its budget it leaves the rest to a continuation message.
 * `anchor` is the wall clock that corresponds to `now` (a continuation carries the
 * first invocation's), so message delays count from when each message is sent;
 * `started` is when this invocation's budget began.
 */
export async function tick(
  env: Env,
  now: number,
  { anchor = Date.now(), started = Date.now() }: { anchor?: number; started?: number } = {},
): Promise<{ claimed: number; queued: number; continued: boolean }> {
  const cost = newCost();
  const d1 = metered(env.DB, cost);
  const db = createDb(d1);
  let claimed = 0;
  let queued = 0;
  let contended = 0;
  for (;;) {
    const due = await duePage(db, claimEnd(now));
    if (due.length === 0) break;
    const results = await claimPage(env, d1, due, now, anchor);
    cost.queue_messages += results.messages;
    claimed += results.claimed;
    queued += results.queued;
    if (results.claimed === 0) {
      // Nothing claimable (plans that failed), or every claim lost a race. A lost race is
      // read again, not given up: an overlapping tick for an earlier minute (or an edit)
      // moved those tasks only up to its own horizon, so they may still be due before ours.
      if (results.lost === 0) break;
      if (++contended > MAX_CONTENDED_PAGES) {
        log("warn", "tick.contended", { now: iso(now), lost: results.lost });
        break;
      }
      continue;
    }
    contended = 0;
    if (Date.now() - started > BUDGET_MS) {
      await env.RUNS.send(tickMessage(now, anchor));
      cost.queue_messages++;
      log("warn", "tick.continued", { now: iso(now), claimed, queued, duration_ms: Date.now() - started, cost });
      return { claimed, queued, continued: true };
    }
  }
  const swept = await sweep(env, d1, now);
  cost.queue_messages += swept;
  // The tick's cost is shared by the runs it queued (a bench adds it to their run.finished cost).
  log("info", "tick.finished", { now: iso(now), claimed, queued, swept, duration_ms: Date.now() - started, cost });
  return { claimed, queued, continued: false };
}

/**
 * The next page of due tasks: those due to run, through the (next_run_at, priority)
 * index in claim order, and those due to record an occurrence that does not run
 * (DST-skipped, excluded) through their own index; each read stops after PAGE entries,
 * so a page costs the same with 10 or 100,000 tasks due (a single query ordering the
 * union re-read every due task for every page). The literals in the conditions let
 * SQLite prove each partial index applies.
 */
async function duePage(db: ReturnType<typeof createDb>, end: number): Promise<Task[]> {
  const [toRun, toSkip] = await db.batch([
    db
      .select()
      .from(tasks)
      .where(sql`status = 'active' AND next_run_at IS NOT NULL AND next_run_at < ${end}`)
      .orderBy(asc(tasks.nextRunAt), asc(tasks.priority))
      .limit(PAGE),
    db
      .select()
      .from(tasks)
      .where(sql`status = 'active' AND skip_due_at IS NOT NULL AND skip_due_at < ${end}`)
      .orderBy(asc(tasks.skipDueAt))
      .limit(PAGE),
  ]);
  const byId = new Map([...toRun, ...toSkip].map((row) => [row.id, row]));
  return [...byId.values()].map(rowToTask);
}

/** Claims one page of due tasks; `lost` counts claims another writer got to first (the tick reads those again). */
async function claimPage(
  env: Env,
  d1: D1Database,
  due: Task[],
  now: number,
  anchor: number,
): Promise<{ claimed: number; queued: number; lost: number; messages: number }> {
  const result = await claimTasks(d1, env.RUNS, due, now, anchor);
  for (const r of result.skipped) {
    log("info", "run.skipped", { task_id: r.task.id, run_id: r.id, scheduled_for: iso(r.at), reason: r.reason });
  }
  return result;
}
