import { and, asc, eq, sql } from "drizzle-orm";
import { createDb } from "../db/client";
import { tasks } from "../db/schema";
import type { Env } from "../env";
import { log } from "../log";
import { markDispatched } from "./dispatch";
import { rowToTask } from "../db/mappers/tasks";
import { claimStatements } from "./claim";
import type { Claimed } from "./claim";
import { runMessage, sendRunMessages, tickMessage } from "./messages";
import { HORIZON_MS, planClaim } from "./plan";
import { sweep } from "./sweep";
import { iso } from "../domain/time";

const PAGE = 50;
/** Work one invocation does before handing the rest to a continuation message. */
const BUDGET_MS = 20_000;
/** Pages in a row whose every claim lost a race before the tick leaves the rest to the next one. */
const MAX_CONTENDED_PAGES = 3;

/**
 * One tick at `now` (the controller's scheduledTime, never Date.now()): claims every
 * active task due before now + 60 s through the due index, highest priority first
 * among equally due tasks, records its runs, and enqueues each with a delay that
 * starts it at its due second (never early). Then re-sends runs whose message was
 * lost. Past its budget it leaves the rest to a continuation message.
 */
export async function tick(env: Env, now: number, started = Date.now()): Promise<{ claimed: number; queued: number; continued: boolean }> {
  const db = createDb(env.DB);
  let claimed = 0;
  let queued = 0;
  let contended = 0;
  for (;;) {
    const due = await db
      .select()
      .from(tasks)
      // Due to run, or due to record an occurrence that does not run (DST-skipped, excluded):
      // one partial index each, so the read grows with due tasks, not with all tasks.
      .where(
        and(
          eq(tasks.status, "active"),
          sql`${tasks.id} IN (SELECT id FROM tasks WHERE status = 'active' AND next_run_at IS NOT NULL AND next_run_at < ${now + HORIZON_MS}
                UNION ALL SELECT id FROM tasks WHERE status = 'active' AND skip_due_at IS NOT NULL AND skip_due_at < ${now + HORIZON_MS})`,
        ),
      )
      .orderBy(asc(tasks.nextRunAt), asc(tasks.priority))
      .limit(PAGE)
      .all();
    if (due.length === 0) break;
    const results = await claimPage(env, due.map(rowToTask), now);
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
      await env.RUNS.send(tickMessage(now));
      log("warn", "tick.continued", { now: iso(now), claimed, queued });
      return { claimed, queued, continued: true };
    }
  }
  const swept = await sweep(env, now);
  log("info", "tick.finished", { now: iso(now), claimed, queued, swept });
  return { claimed, queued, continued: false };
}

/** Claims one page of due tasks; `lost` counts claims another writer got to first (the tick reads those again). */
async function claimPage(
  env: Env,
  due: ReturnType<typeof rowToTask>[],
  now: number,
): Promise<{ claimed: number; queued: number; lost: number }> {
  const batches: { stmts: D1PreparedStatement[]; claimed: Claimed }[] = [];
  for (const task of due) {
    try {
      batches.push(claimStatements(env.DB, task, planClaim(task, now), now));
    } catch (e) {
      // A schedule that cannot be evaluated must not block every other task.
      log("error", "tick.plan_failed", { task_id: task.id, error: e instanceof Error ? e.message : String(e) });
    }
  }
  if (batches.length === 0) return { claimed: 0, queued: 0, lost: 0 };
  const results = await env.DB.batch(batches.flatMap((b) => b.stmts));
  let i = 0;
  const won: Claimed[] = [];
  for (const b of batches) {
    if ((results[i]?.meta.changes ?? 0) > 0) {
      // Only the runs the inserts wrote (RETURNING id): an occurrence that already had a run is not sent again.
      const written = new Set(results.slice(i + 1, i + b.stmts.length).flatMap((r) => (r.results as { id: string }[]).map((x) => x.id)));
      won.push({ ...b.claimed, runs: b.claimed.runs.filter((r) => written.has(r.id)) });
    }
    i += b.stmts.length;
  }
  const messages = won
    .flatMap((c) => c.runs.filter((r) => r.status === "queued").map((r) => ({ c, r })))
    .sort((x, y) => x.r.at - y.r.at || x.c.task.priority - y.c.task.priority)
    .map(({ c, r }) => ({
      id: r.id,
      body: runMessage({ id: r.id, task_id: c.task.id }, c.task.org_id),
      delaySeconds: Math.max(0, Math.ceil((r.at - now) / 1000)),
    }));
  await sendRunMessages(env.RUNS, messages);
  await markDispatched(
    createDb(env.DB),
    messages.map((m) => m.id),
    now,
  );
  for (const c of won) {
    for (const r of c.runs.filter((x) => x.status === "skipped")) {
      log("info", "run.skipped", { task_id: c.task.id, run_id: r.id, scheduled_for: iso(r.at), reason: r.reason });
    }
  }
  return { claimed: won.length, queued: messages.length, lost: batches.length - won.length };
}
