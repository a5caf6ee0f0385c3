import { and, asc, eq, isNotNull, lt } from "drizzle-orm";
import { createDb } from "../db/client";
import { tasks } from "../db/schema";
import type { Env } from "../env";
import { log } from "../log";
import { markDispatched } from "../services/runs/trigger";
import { rowToTask } from "../services/tasks/mapper";
import { claimStatements } from "./claim";
import type { Claimed } from "./claim";
import { runMessage, sendRunMessages, tickMessage } from "./messages";
import { HORIZON_MS, planClaim } from "./plan";
import { sweep } from "./sweep";

const PAGE = 50;
/** Work one invocation does before handing the rest to a continuation message. */
const BUDGET_MS = 20_000;

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
  for (;;) {
    const due = await db
      .select()
      .from(tasks)
      .where(and(eq(tasks.status, "active"), isNotNull(tasks.nextRunAt), lt(tasks.nextRunAt, now + HORIZON_MS)))
      .orderBy(asc(tasks.nextRunAt), asc(tasks.priority))
      .limit(PAGE)
      .all();
    if (due.length === 0) break;
    const results = await claimPage(env, due.map(rowToTask), now);
    claimed += results.claimed;
    queued += results.queued;
    if (results.claimed === 0) break; // Everything on this page was claimed by someone else: they will finish it.
    if (Date.now() - started > BUDGET_MS) {
      await env.RUNS.send(tickMessage(now));
      log("warn", "tick.continued", { now: new Date(now).toISOString(), claimed, queued });
      return { claimed, queued, continued: true };
    }
  }
  const swept = await sweep(env, now);
  log("info", "tick.finished", { now: new Date(now).toISOString(), claimed, queued, swept });
  return { claimed, queued, continued: false };
}

async function claimPage(env: Env, due: ReturnType<typeof rowToTask>[], now: number): Promise<{ claimed: number; queued: number }> {
  const batches: { stmts: D1PreparedStatement[]; claimed: Claimed }[] = [];
  for (const task of due) {
    try {
      batches.push(claimStatements(env.DB, task, planClaim(task, now), now));
    } catch (e) {
      // A schedule that cannot be evaluated must not block every other task.
      log("error", "tick.plan_failed", { task_id: task.id, error: e instanceof Error ? e.message : String(e) });
    }
  }
  if (batches.length === 0) return { claimed: 0, queued: 0 };
  const results = await env.DB.batch(batches.flatMap((b) => b.stmts));
  let i = 0;
  const won: Claimed[] = [];
  for (const b of batches) {
    if ((results[i]?.meta.changes ?? 0) > 0) won.push(b.claimed);
    i += b.stmts.length;
  }
  const messages = won
    .flatMap((c) => c.runs.filter((r) => r.status === "queued").map((r) => ({ c, r })))
    .sort((x, y) => x.r.at - y.r.at || x.c.task.priority - y.c.task.priority)
    .map(({ c, r }) => ({ id: r.id, body: runMessage({ id: r.id, task_id: c.task.id }, c.task.org_id), delaySeconds: Math.max(0, Math.ceil((r.at - now) / 1000)) }));
  await sendRunMessages(env.RUNS, messages);
  await markDispatched(createDb(env.DB), messages.map((m) => m.id), now);
  for (const c of won) {
    for (const r of c.runs.filter((x) => x.status === "skipped")) {
      log("info", "run.skipped", { task_id: c.task.id, run_id: r.id, scheduled_for: new Date(r.at).toISOString(), reason: r.reason });
    }
  }
  return { claimed: won.length, queued: messages.length };
}
