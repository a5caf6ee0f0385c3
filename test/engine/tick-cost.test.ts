import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Cost } from "../../src/engine/cost";
import { createTask, tenant } from "../helpers/api";
import { captureQueue, linesDuring, tickAt } from "../helpers/engine";

// Issue 12, item 5: what a tick reads grows with the tasks due, not with the tasks there are
// (the due indexes are partial). Counted from D1's meta, as the tick's log line reports it.

afterEach(() => vi.restoreAllMocks());
const MIN = 60_000;
const IDLE = 5_000;

/** Copies `task` `n` times in one statement, due at `nextRunAt`; with `halfPaused`, every other copy is paused. */
async function copies(taskId: string, n: number, nextRunAt: number, halfPaused: boolean) {
  await env.DB.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2)
     INSERT INTO tasks SELECT 'idle-' || n.i || '-' || t.id, t.org_id, t.name || '-' || n.i, t.description, t.project_id, t.agent_id,
       t.type, t.parameters, t.schedule, t.schedule_kind, t.event_name, t.schedule_anchor_at,
       CASE WHEN ?4 AND n.i % 2 = 0 THEN 'paused' ELSE 'active' END, t.max_retries, t.retry_delay_seconds, t.backoff, t.max_delay_seconds,
       t.timeout_seconds, t.priority, t.dedupe_key, t.dedupe_window_seconds, t.concurrency_key, t.concurrency_limit, t.overlap_policy,
       t.catchup, t.catchup_window_seconds, t.on_success_url, t.on_failure_url, t.snoozed_until, t.snooze_reason, t.skip_next,
       CASE WHEN ?4 AND n.i % 2 = 0 THEN NULL ELSE ?3 END, t.last_run_at, t.last_status, t.created_by, t.created_at, t.updated_at,
       t.deleted_at, t.version, t.claim_seq, t.skip_due_at
     FROM n, tasks t WHERE t.id = ?1`,
  )
    .bind(taskId, n, nextRunAt, halfPaused ? 1 : 0)
    .run();
}

const tickCost = async (at: number) => {
  const lines = await linesDuring(() => tickAt(at));
  return lines.find((l) => l.event === "tick.finished")?.cost as Cost;
};

describe("the cost of a tick", () => {
  it(`with ${IDLE} idle tasks and none due, a tick reads a handful of rows`, async () => {
    const { key } = await tenant();
    captureQueue();
    const now = Math.ceil(Date.now() / MIN) * MIN + 5 * MIN;
    const t = await createTask(key, { schedule: { kind: "once", at: new Date(now + 365 * 86_400_000).toISOString() } });
    await copies(t.id, IDLE, now + 365 * 86_400_000, true);
    const { results } = await env.DB.prepare("SELECT COUNT(*) AS n FROM tasks").all<{ n: number }>();
    expect(results[0]?.n).toBeGreaterThan(IDLE);
    const idle = await tickCost(now);
    expect(idle.d1_rows_read).toBeLessThanOrEqual(10);
    expect(idle.d1_rows_written).toBe(0);
    expect(idle.queue_messages).toBe(0);

    // Three tasks due: the read grows by what they are, not by the idle ones.
    for (let i = 0; i < 3; i++) await createTask(key, { schedule: { kind: "once", at: new Date(now + MIN + 30_000).toISOString() } });
    const busy = await tickCost(now + MIN);
    expect(busy.queue_messages).toBe(1);
    // (each due task costs some 20 rows: its index entry, the claim, the insert and its guard)
    expect(busy.d1_rows_read).toBeLessThanOrEqual(idle.d1_rows_read + 3 * 30);
  });

  it("a tick's rows read per due task stay the same however many are due (pages read only their own rows)", async () => {
    const perTask = async (due: number) => {
      const { key } = await tenant();
      captureQueue();
      const now = Math.ceil(Date.now() / MIN) * MIN + 5 * MIN;
      const t = await createTask(key, { schedule: { kind: "once", at: new Date(now + 30_000).toISOString() } });
      await copies(t.id, due - 1, now + 30_000, false);
      const cost = await tickCost(now);
      vi.restoreAllMocks();
      return cost.d1_rows_read / due;
    };
    const few = await perTask(200);
    const many = await perTask(2_000);
    // A single query ordering every due task read all of them again for each page of 200:
    // 2,000 due read twice as many rows per task as 200 did (36 against 18).
    expect(many).toBeLessThanOrEqual(few * 1.25);
  });
});
