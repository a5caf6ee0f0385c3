import type { Task } from "../domain/task";
import type { Plan, PlannedRun } from "./plan";

/** Runs per INSERT: keeps the JSON a statement binds well under D1's 2 MB value limit. */
const RUNS_PER_INSERT = 1000;

export type ClaimItem = { task: Task; plan: Plan };
export type ClaimedRun = PlannedRun & { id: string; task: Task };

/** The task's state after its claim: the inserts check it, so they only happen with the claim. */
const after = (i: ClaimItem) => ({
  status: i.plan.completes ? "completed" : "active",
  next: i.plan.next,
  seq: i.task.claim_seq + 1,
});

/**
 * Statements that claim a page of tasks and record their planned runs, set-based: one
 * UPDATE for every task and one INSERT per thousand runs, each binding its rows as one
 * JSON value, to run inside one D1 batch (a transaction). A claim is conditional on the
 * `next_run_at`, version and claim sequence the tick read (the engine's guard moves
 * `claim_seq`; the user's version and so the ETag are left alone, but must be unchanged),
 * so a second tick for the same minute changes nothing. The inserts are guarded on each
 * task's post-claim state, so they only happen with its claim, and the unique (task,
 * occurrence, attempt) index turns any duplicate into a no-op. The UPDATE returns the
 * tasks it claimed and each INSERT the run ids it wrote: an occurrence that already had a
 * run (a schedule edited back onto an instant claimed before) gets no second run.
 */
export function claimStatements(d1: D1Database, items: ClaimItem[], now: number): { stmts: D1PreparedStatement[]; runs: ClaimedRun[] } {
  const claims = items.map((i) => ({
    id: i.task.id,
    org: i.task.org_id,
    prev: i.task.next_run_at,
    version: i.task.version,
    seq: i.task.claim_seq,
    next: i.plan.next,
    skip_next: i.plan.skipNext,
    skip_due: i.plan.skipDue,
    status: after(i).status,
  }));
  const stmts = [
    d1
      .prepare(
        `UPDATE tasks SET next_run_at = v.next, skip_next = v.skip_next, status = v.status, skip_due_at = v.skip_due, claim_seq = tasks.claim_seq + 1
         FROM (SELECT value ->> 'id' AS id, value ->> 'org' AS org, value ->> 'prev' AS prev, value ->> 'version' AS version,
                      value ->> 'seq' AS seq, value ->> 'next' AS next, value ->> 'skip_next' AS skip_next,
                      value ->> 'skip_due' AS skip_due, value ->> 'status' AS status FROM json_each(?1)) AS v
         WHERE tasks.id = v.id AND tasks.org_id = v.org AND tasks.next_run_at IS v.prev AND tasks.status = 'active'
           AND tasks.version = v.version AND tasks.claim_seq = v.seq
         RETURNING tasks.id`,
      )
      .bind(JSON.stringify(claims)),
  ];
  const runs: ClaimedRun[] = items.flatMap((i) => i.plan.runs.map((r) => ({ ...r, id: crypto.randomUUID(), task: i.task })));
  const guard = new Map(items.map((i) => [i.task.id, after(i)]));
  for (let i = 0; i < runs.length; i += RUNS_PER_INSERT) {
    const rows = runs.slice(i, i + RUNS_PER_INSERT).map((r) => {
      const g = guard.get(r.task.id);
      return {
        id: r.id,
        org: r.task.org_id,
        task: r.task.id,
        trigger: r.trigger,
        status: r.status,
        reason: r.reason ?? null,
        at: r.at,
        result: r.detail ? JSON.stringify({ detail: r.detail }) : null,
        finished: r.status === "skipped" ? now : null,
        seq: g?.seq,
        task_status: g?.status,
        next: g?.next ?? null,
      };
    });
    stmts.push(
      d1
        .prepare(
          `INSERT INTO runs (id, org_id, task_id, "trigger", attempt, status, reason, scheduled_for, result, created_at, finished_at, final)
           SELECT value ->> 'id', value ->> 'org', value ->> 'task', value ->> 'trigger', 1, value ->> 'status', value ->> 'reason',
                  value ->> 'at', value ->> 'result', ?2, value ->> 'finished', 0
           FROM json_each(?1)
           WHERE EXISTS (SELECT 1 FROM tasks t WHERE t.id = value ->> 'task' AND t.claim_seq = value ->> 'seq'
                         AND t.status = value ->> 'task_status' AND t.next_run_at IS value ->> 'next')
           ON CONFLICT DO NOTHING
           RETURNING id`,
        )
        .bind(JSON.stringify(rows), now),
    );
  }
  return { stmts, runs };
}
