import { env, runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { call, createTask, cronTask, tenant } from "../helpers/api";
import { captureQueue, deliver, runsOf, target, tickAt, until } from "../helpers/engine";
import { expireLeases, lockFor, lockStorage } from "../helpers/lock";
import { tick } from "../../src/engine/tick";

afterEach(() => vi.restoreAllMocks());
const MIN = 60_000;

describe("faults", () => {
  it("a consumer that dies mid-run: the lock's alarm times the run out and queues its retry", async () => {
    const { key, org } = await tenant();
    const q = captureQueue();
    const t = await createTask(key, { retry: { max_retries: 2, delay_seconds: 3, backoff: "fixed" } });
    const run = await call("POST", `/v1/tasks/${t.id}/run`, { token: key });
    q.take(t.id);
    // What a consumer does before it dies: take the lease and mark the run running.
    const { stub, key: lockKey } = await lockFor(t.id);
    const lease = await stub.acquireMany([
      { key: lockKey, runId: run.body.id, taskId: t.id, orgId: org, limit: 1, policy: "skip", leaseMs: 60_000 },
    ]);
    expect(lease.decisions[0]?.decision).toBe("run");
    await env.DB.prepare("UPDATE runs SET status = 'running', started_at = ? WHERE id = ?").bind(Date.now(), run.body.id).run();
    // Time passes: the lease's deadline is now behind us and the consumer never reported.
    await expireLeases(t.id);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const runs = await runsOf(t.id);
    expect(runs.map((r) => [r.attempt, r.status, r.trigger])).toEqual([
      [1, "timed_out", "manual"],
      [2, "queued", "retry"],
    ]);
    expect(runs[1]?.dispatched_at).not.toBeNull(); // its retry message went out
    // The slot is free again.
    expect((await lockStorage(t.id)).state.leases).toEqual([]);
  });

  it("messages delivered after the task was paused, canceled or deleted run nothing", async () => {
    const { key } = await tenant();
    const q = captureQueue();
    const sink = target();
    const tasks = await Promise.all([createTask(key), createTask(key), createTask(key)]);
    for (const t of tasks) await tickAt(Date.parse(t.next_run_at) - 10_000);
    const [paused, canceled, deleted] = tasks;
    if (!paused || !canceled || !deleted) throw new Error("setup");
    await call("POST", `/v1/tasks/${paused.id}/pause`, { token: key });
    await call("POST", `/v1/tasks/${canceled.id}/cancel`, { token: key });
    await call("DELETE", `/v1/tasks/${deleted.id}`, { token: key });
    for (const t of tasks) await deliver(...q.take(t.id).map((m) => m.body));
    expect(sink.calls).toHaveLength(0);
    expect((await runsOf(paused.id)).map((r) => [r.status, r.reason])).toEqual([["canceled", "task_paused"]]);
    expect((await runsOf(canceled.id)).map((r) => [r.status, r.reason])).toEqual([["canceled", "task_canceled"]]);
    expect((await runsOf(deleted.id)).map((r) => [r.status, r.reason])).toEqual([["canceled", "task_deleted"]]);
  });

  it("a run whose task is canceled while it runs is recorded as canceled when it reports, with no retry", async () => {
    const { key } = await tenant();
    const q = captureQueue();
    const sink = target(() => new Response("down", { status: 500 }));
    sink.hold();
    const t = await createTask(key, { retry: { max_retries: 3, delay_seconds: 1, backoff: "fixed" } });
    await call("POST", `/v1/tasks/${t.id}/run`, { token: key });
    const running = deliver(...q.take(t.id).map((m) => m.body));
    await until(() => sink.calls.length === 1);
    await call("POST", `/v1/tasks/${t.id}/cancel`, { token: key });
    sink.release(() => new Response("down", { status: 500 }));
    await running;
    expect((await runsOf(t.id)).map((r) => [r.status, r.reason])).toEqual([["canceled", "task_canceled"]]);
    expect(q.forTask(t.id)).toHaveLength(0);
  });

  it("a run whose message was never sent is re-sent by the next tick's sweep", async () => {
    const { key, org } = await tenant();
    const q = captureQueue();
    const t = await createTask(key, { enabled: false });
    const id = crypto.randomUUID();
    const past = Date.now() - 5 * MIN;
    await env.DB.prepare(
      "INSERT INTO runs (id, org_id, task_id, \"trigger\", attempt, status, scheduled_for, created_at, final) VALUES (?, ?, ?, 'schedule', 1, 'queued', ?, ?, 0)",
    )
      .bind(id, org, t.id, past, past)
      .run();
    await tickAt(Date.now());
    expect(q.forTask(t.id).map((m) => m.body.run_id)).toEqual([id]);
    await tickAt(Date.now());
    expect(q.forTask(t.id)).toHaveLength(1); // marked dispatched: not sent again
  });

  it("private and loopback targets are refused unless allowed: when written, and when a stored one runs", async () => {
    const { key } = await tenant();
    const q = captureQueue();
    const sink = target();
    for (const url of [
      "http://127.0.0.1/x",
      "http://2130706433/",
      "http://[::ffff:127.0.0.1]/",
      "http://169.254.169.254/latest",
      "http://10.0.0.1/",
      "http://localhost:8787/",
    ]) {
      const refused = await call("POST", "/v1/tasks", { token: key, body: cronTask({ parameters: { url } }) });
      expect(refused.status, url).toBe(400);
      expect(refused.body.error.code).toBe("private_target");
      // A task stored while ALLOW_PRIVATE_TARGETS was on still meets the run-time check.
      const t = await createTask(key, { retry: { max_retries: 0 } });
      await env.DB.prepare("UPDATE tasks SET parameters = ? WHERE id = ?")
        .bind(JSON.stringify({ url, method: "POST" }), t.id)
        .run();
      await call("POST", `/v1/tasks/${t.id}/run`, { token: key });
      await deliver(...q.take(t.id).map((m) => m.body));
      const [run] = await runsOf(t.id);
      expect(run?.status, url).toBe("failed");
      expect(String(run?.error)).toMatch(/private or loopback/);
    }
    expect(sink.calls).toHaveLength(0);
  });

  it("a tick over its budget hands the rest to a continuation message", async () => {
    const { key } = await tenant();
    const q = captureQueue();
    const t = await createTask(key, { schedule: { kind: "cron", expression: "* * * * *", timezone: "UTC" } });
    const now = Date.parse(t.next_run_at) - 10_000;
    const anchor = Date.now();
    const result = await tick(env, now, { anchor, started: Date.now() - 60_000 });
    expect(result.continued).toBe(true);
    const cont = q.sent.find((m) => m.body.kind === "tick");
    // The continuation carries the first invocation's clock, so its messages' delays still count from the real time.
    expect(cont?.body).toEqual({ v: 1, kind: "tick", now, anchor });
    await deliver(cont?.body);
    expect((await runsOf(t.id)).length).toBeGreaterThanOrEqual(1);
  });

  it("an unreadable message is retried toward the dead-letter queue, not dropped or crashed on", async () => {
    const result = await deliver({ v: 99, kind: "run" });
    expect(result.retryMessages).toHaveLength(1);
    expect(result.explicitAcks).toHaveLength(0);
  });
});
