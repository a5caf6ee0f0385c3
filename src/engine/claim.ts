import type { Task } from "../domain/task";
import type { Plan, PlannedRun } from "./plan";

/** Rows per INSERT: 7 bound values each keeps a statement under D1's 100-parameter limit. */
const ROWS_PER_INSERT = 12;

export type Claimed = { task: Task; runs: (PlannedRun & { id: string })[] };

/**
 * Statements that claim one task and record its planned runs, to run inside one
 * D1 batch (a transaction). The claim is conditional on the `next_run_at` and
 * claim sequence the tick read (the engine's guard; the user's version and so the
 * ETag are left alone, but must also be unchanged), so a second tick for the same minute changes nothing;
 * the inserts are guarded on the task's post-claim state, so they only happen
 * with the claim, and the unique (task, occurrence, attempt) index turns any
 * duplicate into a no-op. Each insert returns the ids it wrote: an occurrence that
 * already had a run (a schedule edited back onto an instant claimed before) gets
 * no second run and no message.
 */
export function claimStatements(d1: D1Database, task: Task, plan: Plan, now: number): { stmts: D1PreparedStatement[]; claimed: Claimed } {
  const status = plan.completes ? "completed" : "active";
  const stmts = [
    d1
      .prepare(
        "UPDATE tasks SET next_run_at = ?1, skip_next = ?2, status = ?3, skip_due_at = ?9, claim_seq = claim_seq + 1 WHERE id = ?4 AND org_id = ?5 AND next_run_at IS ?6 AND status = 'active' AND version = ?7 AND claim_seq = ?8",
      )
      .bind(plan.next, plan.skipNext, status, task.id, task.org_id, task.next_run_at, task.version, task.claim_seq, plan.skipDue),
  ];
  const runs = plan.runs.map((r) => ({ ...r, id: crypto.randomUUID() }));
  for (let i = 0; i < runs.length; i += ROWS_PER_INSERT) {
    const chunk = runs.slice(i, i + ROWS_PER_INSERT);
    const values: unknown[] = [];
    const tuples = chunk.map((r, j) => {
      const b = j * 7;
      values.push(
        r.id,
        r.trigger,
        r.status,
        r.reason ?? null,
        r.at,
        r.detail ? JSON.stringify({ detail: r.detail }) : null,
        r.status === "skipped" ? now : null,
      );
      return `(?${b + 1}, ?${b + 2}, ?${b + 3}, ?${b + 4}, ?${b + 5}, ?${b + 6}, ?${b + 7})`;
    });
    const p = values.length;
    stmts.push(
      d1
        .prepare(
          `INSERT INTO runs (id, org_id, task_id, "trigger", attempt, status, reason, scheduled_for, result, created_at, finished_at, final)
           SELECT v.column1, ?${p + 1}, ?${p + 2}, v.column2, 1, v.column3, v.column4, v.column5, v.column6, ?${p + 3}, v.column7, 0
           FROM (VALUES ${tuples.join(", ")}) AS v
           WHERE EXISTS (SELECT 1 FROM tasks WHERE id = ?${p + 2} AND claim_seq = ?${p + 4} AND status = ?${p + 5} AND next_run_at IS ?${p + 6})
           ON CONFLICT DO NOTHING
           RETURNING id`,
        )
        .bind(...values, task.org_id, task.id, now, task.claim_seq + 1, status, plan.next),
    );
  }
  return { stmts, claimed: { task, runs } };
}
