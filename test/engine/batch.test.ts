import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { call, createTask, tenant } from "../helpers/api";
import { captureQueue, deliver, failOutcomeWrites, linesDuring, runsOf, target, tickAt } from "../helpers/engine";
import { lockFor } from "../helpers/lock";

// Issue 12, item 3: the consumer pays once per batch, not per run, and keeps every fault
// guarantee when part of a batch fails. A tick sends runs due in the same second as one
// `runs` message; these tests deliver those real messages to the real consumer.

afterEach(() => vi.restoreAllMocks());
const MIN = 60_000;

/** `n` http tasks due at one instant a few minutes ahead, claimed by a tick: their one `runs` message. */
async function burst(n: number) {
  const { key } = await tenant();
  const q = captureQueue();
  const sink = target();
  const at = Math.ceil(Date.now() / MIN) * MIN + 5 * MIN;
  const tasks = [];
  for (let i = 0; i < n; i++) {
    tasks.push(await createTask(key, { schedule: { kind: "once", at: new Date(at).toISOString() }, retry: { max_retries: 0 } }));
  }
  const ticked = await linesDuring(() => tickAt(at - 20_000));
  const ids = new Set(tasks.map((t) => t.id));
  const messages = q.messages.filter((m) => m.body.kind === "runs" && m.body.runs?.some((r) => ids.has(r.task_id)));
  return { tasks, sink, messages, ticked };
}

/** Counts the D1 calls the Worker makes: round trips (batch, or a statement on its own) and statements prepared. */
function countD1() {
  const seen = { batches: 0, statements: [] as string[] };
  const prepare = env.DB.prepare.bind(env.DB);
  const batch = env.DB.batch.bind(env.DB);
  vi.spyOn(env.DB, "prepare").mockImplementation((sql: string) => {
    seen.statements.push(sql);
    return prepare(sql);
  });
  vi.spyOn(env.DB, "batch").mockImplementation(async (stmts) => {
    seen.batches++;
    return batch(stmts);
  });
  return seen;
}

describe("a batch of runs", () => {
  it("4 runs due together are one message; starting them reads once, marks running once and writes every outcome once", async () => {
    const { tasks, sink, messages, ticked } = await burst(4);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.body.runs).toHaveLength(4);
    const tickLine = ticked.find((l) => l.event === "tick.finished");
    expect(tickLine?.cost).toMatchObject({ queue_messages: 1 });
    expect(tickLine?.duration_ms).toEqual(expect.any(Number));

    const d1 = countD1();
    const lines = await linesDuring(() => deliver(...messages.map((m) => m.body)));
    expect(d1.batches).toBe(2); // the read (runs, tasks, secrets) and the outcome write
    expect(d1.statements.filter((s) => /SET status = 'running'/.test(s))).toHaveLength(1);
    expect(sink.calls).toHaveLength(4);
    for (const t of tasks) expect((await runsOf(t.id)).map((r) => r.status)).toEqual(["succeeded"]);

    // Every run.finished carries its share of what the batch cost.
    const finished = lines.filter((l) => l.event === "run.finished");
    // One request per lock object to take the leases and one to give them back, whichever object holds each task.
    const objects = new Set((await Promise.all(tasks.map((t) => lockFor(t.id)))).map((l) => l.stub.id.toString())).size;
    expect(finished.map((l) => l.task_id).sort()).toEqual(tasks.map((t) => t.id).sort());
    for (const l of finished) {
      const cost = l.cost as Record<string, number>;
      expect(Object.keys(cost).sort()).toEqual(
        ["d1_rows_read", "d1_rows_written", "d1_statements", "do_requests", "do_rows_written", "queue_messages"].sort(),
      );
      expect(cost.d1_statements).toBeGreaterThan(0);
      expect(cost.d1_statements).toBeLessThanOrEqual(3); // 3 reads + 1 mark + 4 outcome statements, shared by 4 runs
      expect(cost.d1_rows_written).toBeGreaterThan(0);
      expect(cost.d1_rows_read).toBeGreaterThan(0);
      expect(cost.do_requests).toBe((2 * objects) / 4);
      expect(cost.do_rows_written).toBeGreaterThan(0);
    }
    // One line per run, not one per step.
    expect(lines.filter((l) => String(l.event).startsWith("run.")).length).toBe(4);
  });

  it("one lock object fails: only the runs whose lock it holds are left for the redelivery, which runs each once and no other run again", async () => {
    const { tasks, sink, messages } = await burst(3);
    const victim = (await lockFor(tasks[1]?.id ?? "")).stub.id;
    const locks = await Promise.all(tasks.map((t) => lockFor(t.id)));
    const hit = tasks.filter((_t, i) => locks[i]?.stub.id.equals(victim));
    const get = env.TASK_LOCK.get.bind(env.TASK_LOCK);
    let failures = 1;
    vi.spyOn(env.TASK_LOCK, "get").mockImplementation((id) => {
      const stub = get(id);
      if (!id.equals(victim)) return stub;
      return new Proxy(stub, {
        get(target, prop) {
          if (prop === "acquireMany" && failures-- > 0) return async () => Promise.reject(new Error("lock unavailable"));
          return Reflect.get(target, prop);
        },
      });
    });
    const first = await deliver(...messages.map((m) => m.body));
    expect(first.retryMessages).toHaveLength(1); // the message carries the failed runs: it comes again
    expect(sink.calls).toHaveLength(3 - hit.length);
    for (const t of hit) expect((await runsOf(t.id)).map((r) => r.status)).toEqual(["queued"]);
    const second = await deliver(...messages.map((m) => m.body));
    expect(second.explicitAcks).toHaveLength(1);
    expect(sink.calls).toHaveLength(3);
    for (const t of tasks) {
      expect((await runsOf(t.id)).map((r) => r.status)).toEqual(["succeeded"]);
      expect(sink.calls.filter((c) => c.headers.get("x-task-id") === t.id)).toHaveLength(1);
    }
  });

  it('RUN_LOG "failures": only runs that did not succeed get a run.finished line; runs.batch counts them all with the batch\'s cost', async () => {
    const { tasks, messages } = await burst(3);
    const victim = tasks[0]?.id;
    target((c) => (c.headers.get("x-task-id") === victim ? new Response("down", { status: 500 }) : new Response("ok")));
    env.RUN_LOG = "failures";
    try {
      const lines = await linesDuring(() => deliver(...messages.map((m) => m.body)));
      const finished = lines.filter((l) => l.event === "run.finished");
      expect(finished.map((l) => [l.task_id, l.status])).toEqual([[victim, "failed"]]);
      const batchLine = lines.find((l) => l.event === "runs.batch");
      expect(batchLine).toMatchObject({ runs: 3, started: 3 });
      expect(batchLine?.cost).toMatchObject({ d1_statements: expect.any(Number), d1_rows_written: expect.any(Number) });
    } finally {
      env.RUN_LOG = undefined;
    }
    for (const t of tasks) expect((await runsOf(t.id)).map((r) => r.status)).toEqual([t.id === victim ? "failed" : "succeeded"]);
  });

  it("the outcome write fails for the whole batch: every outcome is held, and the redelivery writes them without calling a target again", async () => {
    const { tasks, sink, messages } = await burst(3);
    failOutcomeWrites(1);
    const first = await deliver(...messages.map((m) => m.body));
    expect(first.retryMessages).toHaveLength(1);
    for (const t of tasks) expect((await runsOf(t.id)).map((r) => r.status)).toEqual(["running"]);
    expect(sink.calls).toHaveLength(3);
    const second = await deliver(...messages.map((m) => m.body));
    expect(second.explicitAcks).toHaveLength(1);
    for (const t of tasks) expect((await runsOf(t.id)).map((r) => r.status)).toEqual(["succeeded"]);
    expect(sink.calls).toHaveLength(3);
  });

  it("the same runs twice in one batch (a redelivery beside a sweep's copy): each runs once", async () => {
    const { tasks, sink, messages } = await burst(2);
    const body = messages[0]?.body;
    const result = await deliver(body, body);
    expect(result.explicitAcks).toHaveLength(2);
    expect(sink.calls).toHaveLength(2);
    for (const t of tasks) expect((await runsOf(t.id)).map((r) => r.status)).toEqual(["succeeded"]);
  });

  it("a manual run in one batch with its task's run due in a few seconds starts at once, not after that run's wait", async () => {
    const { key } = await tenant();
    const q = captureQueue();
    const sink = target();
    const due = Math.ceil(Date.now() / 1000) * 1000 + 3_000;
    // Recurring (an hourly rule from `due`), so the manual run's success does not complete it.
    // Not minutely: a tick in a minute's first seconds claims up to the next boundary + 15 s,
    // which would take the rule's next occurrence (due + 60 s) as well.
    const dtstart = new Date(due).toISOString().slice(0, 19);
    const t = await createTask(key, { schedule: { kind: "rrule", rule: "FREQ=HOURLY", dtstart, timezone: "UTC" } });
    expect(t.next_run_at).toBe(new Date(due).toISOString());
    await tickAt(Date.now());
    const scheduled = q.take(t.id);
    await call("POST", `/v1/tasks/${t.id}/run`, { token: key });
    const manual = q.take(t.id);
    // The scheduled run came first; the manual one, due now, still goes first.
    await deliver(...scheduled.map((m) => m.body), ...manual.map((m) => m.body));
    const runs = await runsOf(t.id);
    expect(Number(runs.find((r) => r.trigger === "manual")?.started_at)).toBeLessThan(due);
    expect(Number(runs.find((r) => r.trigger === "schedule")?.started_at)).toBeGreaterThanOrEqual(due);
    expect(runs.map((r) => r.status)).toEqual(["succeeded", "succeeded"]);
    expect(sink.calls).toHaveLength(2);
  });
});
