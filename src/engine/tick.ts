import { and, asc, eq, isNotNull, lt } from "drizzle-orm";
import { createDb } from "../db/client";
import { tasks } from "../db/schema";
import type { Env } from "../env";
import { log } from "../log";
import { rowToTask } from "../services/tasks/mapper";
import { nextRunAt } from "../domain/schedule";
import type { Task } from "../domain/task";
import { runMessage, sendRunMessages } from "./messages";
import type { RunMessage } from "./messages";

/** How far ahead a tick hands out work: the next tick covers the rest. */
export const HORIZON_MS = 60_000;
const BATCH = 100;

/** The fire time after `due` for a recurring task; one-shot schedules have none. */
function following(task: Task, due: number): number | null {
  const s = task.schedule;
  if (s.kind === "cron" || s.kind === "rrule") return nextRunAt(s, Math.max(due, task.snoozed_until ?? 0), task.schedule_anchor_at);
  return null;
}

/**
 * One tick at `now` (the controller's scheduledTime): claims every active task due
 * before now + 60 s through the due index, advancing `next_run_at` with a
 * conditional update so a second tick for the same minute claims nothing, records
 * each run under its unique (task, occurrence) key, and enqueues it with a delay
 * that makes it start at its due second, never early.
 */
export async function tick(env: Env, now: number): Promise<{ claimed: number }> {
  const db = createDb(env.DB);
  let claimed = 0;
  for (let round = 0; round < 10; round++) {
    const due = await db
      .select()
      .from(tasks)
      .where(and(eq(tasks.status, "active"), isNotNull(tasks.nextRunAt), lt(tasks.nextRunAt, now + HORIZON_MS)))
      .orderBy(asc(tasks.nextRunAt), asc(tasks.priority))
      .limit(BATCH)
      .all();
    if (due.length === 0) break;
    const messages = await claim(env.DB, due.map(rowToTask), now);
    claimed += messages.length;
    await sendRunMessages(env.RUNS, messages);
    if (due.length < BATCH) break;
  }
  log("info", "tick.finished", { now: new Date(now).toISOString(), claimed });
  return { claimed };
}

async function claim(d1: D1Database, due: Task[], now: number): Promise<{ body: RunMessage; delaySeconds: number }[]> {
  const out: { body: RunMessage; delaySeconds: number }[] = [];
  for (const task of due) {
    const at = task.next_run_at;
    if (at === null) continue;
    const next = following(task, at);
    const skipping = task.skip_next > 0;
    const runId = crypto.randomUUID();
    // The claim and the run record commit together. The run is recorded only if this
    // tick's claim took effect; the unique (task, occurrence, attempt) index makes a
    // duplicate claim a no-op too.
    const [claimResult] = await d1.batch([
      d1
        .prepare("UPDATE tasks SET next_run_at = ?1, skip_next = ?2, version = version + 1 WHERE id = ?3 AND next_run_at = ?4 AND status = 'active'")
        .bind(next, skipping ? task.skip_next - 1 : task.skip_next, task.id, at),
      d1
        .prepare(
          `INSERT INTO runs (id, org_id, task_id, "trigger", attempt, status, reason, scheduled_for, created_at, finished_at, final)
           SELECT ?1, ?2, ?3, 'schedule', 1, ?4, ?5, ?6, ?7, ?8, 0
           WHERE EXISTS (SELECT 1 FROM tasks WHERE id = ?3 AND status = 'active' AND version = ?9 AND next_run_at IS ?10)
           ON CONFLICT DO NOTHING`,
        )
        .bind(runId, task.org_id, task.id, skipping ? "skipped" : "queued", skipping ? "skip_next" : null, at, now, skipping ? now : null, task.version + 1, next),
    ]);
    const claimedRows = claimResult?.meta.changes ?? 0;
    if (claimedRows === 0 || skipping) continue;
    out.push({ body: runMessage({ id: runId, task_id: task.id }, task.org_id), delaySeconds: Math.max(0, Math.ceil((at - now) / 1000)) });
  }
  return out;
}
