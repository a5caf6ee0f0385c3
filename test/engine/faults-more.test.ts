import { DELIVERY_LEAD_SECONDS } from "../../src/engine/messages";
import { env, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { call, createTask, tenant } from "../helpers/api";
import { captureQueue, deliver, failOutcomeWrites, runsOf, target, tickAt, until } from "../helpers/engine";
import { expireLeases, lockFor, lockStorage } from "../helpers/lock";
import { setupTask } from "../helpers/tasks";

const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const everyMinute = { kind: "cron", expression: "* * * * *", timezone: "UTC" };

// Every tick sees every active task of this file: each test pauses its own tasks when it ends.
const made: string[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const id of made.splice(0))
    await env.DB.prepare("UPDATE tasks SET status = 'paused', next_run_at = NULL WHERE id = ?").bind(id).run();
});

/** `setupTask`, with the task recorded in `made` so it is paused when the test ends. */
async function setup(...args: Parameters<typeof setupTask>) {
  const s = await setupTask(...args);
  made.push(s.t.id);
  return s;
}

describe("redelivered, duplicated and reordered messages", () => {
  it("duplicates of one message delivered concurrently run the target once", async () => {
    const { t, sink, newRun, statusOf } = await setup();
    sink.hold();
    const a = await newRun();
    let done = 0;
    const copies = [a.msg, a.msg, a.msg].map(async (m) => {
      const r = await deliver(m);
      done++;
      return r;
    });
    await until(() => sink.calls.length === 1 && done === 2); // two copies answered while the first runs
    expect(sink.calls).toHaveLength(1);
    sink.release();
    const results = await Promise.all(copies);
    expect(
      results.every(
        (r: { explicitAcks: unknown[]; retryMessages: unknown[] }) => r.explicitAcks.length === 1 && r.retryMessages.length === 0,
      ),
    ).toBe(true);
    expect(await statusOf(a.id)).toMatchObject({ status: "succeeded" });
    // And without holding the target: three copies at once, one call.
    const b = await newRun();
    await Promise.all([deliver(b.msg), deliver(b.msg), deliver(b.msg, b.msg)]);
    expect(sink.calls).toHaveLength(2);
    expect((await runsOf(t.id)).map((r) => r.status)).toEqual(["succeeded", "succeeded"]);
  });

  it("a message delivered after the task was edited runs with the task's current parameters", async () => {
    const { t, q, sink, key } = await setup({ schedule: everyMinute, parameters: { url: "https://old.example.com/hook" } });
    const first = Date.parse(t.next_run_at);
    await tickAt(first - 20_000);
    const msgs = q.take(t.id);
    const edited = await call("PATCH", `/v1/tasks/${t.id}`, { token: key, body: { parameters: { url: "https://new.example.com/hook" } } });
    expect(edited.status).toBe(200);
    await deliver(...msgs.map((m) => m.body));
    expect(sink.calls.map((c) => c.url)).toEqual(["https://new.example.com/hook"]);
    expect((await runsOf(t.id)).map((r) => [r.scheduled_for, r.status])).toEqual([[first, "succeeded"]]);
  });

  it("a retry's message before or after its original's redelivery: exactly one execution per attempt", async () => {
    for (const order of ["retry first", "original first", "all at once"] as const) {
      let calls = 0;
      const { t, q, sink, newRun } = await setup({ retry: { max_retries: 2, delay_seconds: 5, backoff: "fixed" } }, () =>
        calls++ === 0 ? new Response("down", { status: 502 }) : new Response("ok"),
      );
      const a = await newRun();
      await deliver(a.msg);
      const [retryMsg] = q.take(t.id);
      expect(retryMsg?.delaySeconds).toBe(5);
      const r = retryMsg?.body;
      if (order === "retry first") {
        await deliver(r);
        await deliver(a.msg);
      } else if (order === "original first") {
        await deliver(a.msg);
        await deliver(r);
      } else await Promise.all([deliver(a.msg), deliver(r), deliver(r), deliver(a.msg)]);
      await deliver(r, a.msg); // and once more each, late
      const runs = await runsOf(t.id);
      expect(
        runs.map((x) => [x.attempt, x.trigger, x.status]),
        order,
      ).toEqual([
        [1, "manual", "failed"],
        [2, "retry", "succeeded"],
      ]);
      expect(
        sink.calls.map((c) => [c.headers.get("x-run-id"), c.headers.get("x-attempt")]),
        order,
      ).toEqual([
        [a.id, "1"],
        [runs[1]?.id, "2"],
      ]);
      expect(q.forTask(t.id), order).toHaveLength(0); // no third attempt
      vi.restoreAllMocks();
    }
  });

  it("a consumer that outlives its lease: its late answer does not overwrite the timeout, and the retry runs once", async () => {
    const { t, q, sink, newRun, statusOf } = await setup({ retry: { max_retries: 1, delay_seconds: 5, backoff: "fixed" } });
    sink.hold();
    const a = await newRun();
    const stalled = deliver(a.msg);
    await until(() => sink.calls.length === 1);
    expect(await runDurableObjectAlarm(await expireLeases(t.id))).toBe(true); // the lock gives up on it
    expect(await statusOf(a.id)).toMatchObject({ status: "timed_out" });
    const retry = q.take(t.id);
    expect(retry).toHaveLength(1);
    const retried = deliver(...retry.map((m) => m.body));
    await until(() => sink.calls.length === 2);
    sink.release();
    await Promise.all([stalled, retried]);
    await deliver(a.msg, ...retry.map((m) => m.body));
    const runs = await runsOf(t.id);
    expect(runs.map((r) => [r.attempt, r.status])).toEqual([
      [1, "timed_out"],
      [2, "succeeded"],
    ]);
    expect(String(runs[0]?.error)).toMatch(/lease expired/);
    expect(sink.calls.map((c) => c.headers.get("x-attempt"))).toEqual(["1", "2"]);
    expect((await lockStorage(t.id)).state?.leases).toEqual([]);
  });
});

describe("the lock's Durable Object is evicted", () => {
  it("evicted mid-run and rebuilt from storage: the run completes once, a duplicate is still refused, the lock ends free", async () => {
    const { t, sink, newRun, statusOf } = await setup();
    sink.hold();
    const a = await newRun();
    const running = deliver(a.msg);
    await until(() => sink.calls.length === 1);
    const { stub } = await lockFor(t.id);
    const before = await runInDurableObject(stub, (instance) => instance);
    await evictDurableObject(stub);
    // The rebuilt object knows the lease from its storage: a redelivered copy does nothing.
    await deliver(a.msg);
    const after = await runInDurableObject(stub, (instance) => instance);
    expect(after).not.toBe(before);
    const mid = await lockStorage(t.id);
    expect(mid.state?.leases.map((l) => l.runId)).toEqual([a.id]);
    expect(mid.alarm).toBe(mid.state?.leases[0]?.expiresAt);
    expect(sink.calls).toHaveLength(1);
    sink.release();
    await running;
    expect(await statusOf(a.id)).toMatchObject({ status: "succeeded" });
    const end = await lockStorage(t.id);
    expect(end.state?.leases).toEqual([]);
    expect(end.alarm).toBeNull();
    expect(sink.calls).toHaveLength(1);
  });

  it("evicted while a run waits for the slot (buffer_all): the waiting run is handed on and runs once", async () => {
    const { t, q, sink, newRun, statusOf } = await setup({ overlap_policy: "buffer_all" });
    sink.hold();
    const a = await newRun();
    const running = deliver(a.msg);
    await until(() => sink.calls.length === 1);
    const b = await newRun();
    await deliver(b.msg);
    await evictDurableObject((await lockFor(t.id)).stub);
    sink.release();
    await running;
    const handed = q.take(t.id);
    expect(handed.map((m) => m.body.run_id)).toEqual([b.id]);
    await deliver(...handed.map((m) => m.body), b.msg); // the handed message and a stale copy
    expect(await statusOf(b.id)).toMatchObject({ status: "succeeded" });
    expect(sink.calls.map((c) => c.headers.get("x-run-id"))).toEqual([a.id, b.id]);
    expect((await lockStorage(t.id)).state).toMatchObject({ leases: [], waiting: [] });
  });
});

describe("D1 fails to write the outcome after the executor succeeded", () => {
  it("the outcome is written when the message is redelivered, and the target is not called again", async () => {
    const { t, sink, newRun, statusOf } = await setup();
    const a = await newRun();
    const d1 = failOutcomeWrites(1);
    const first = await deliver(a.msg);
    expect(d1.failed()).toBe(1);
    expect(first.retryMessages).toHaveLength(1); // the queue delivers it again
    expect(await statusOf(a.id)).toMatchObject({ status: "running" });
    const held = await lockStorage(t.id);
    expect(held.state?.leases.map((l) => l.runId)).toEqual([a.id]); // the lease is kept meanwhile
    expect(held.held).toEqual([a.id]);
    const second = await deliver(a.msg);
    expect(second.explicitAcks).toHaveLength(1);
    expect(await statusOf(a.id)).toMatchObject({ status: "succeeded", attempt: 1, result: { status_code: 200, body: "ok" } });
    await deliver(a.msg); // a third copy: nothing
    expect(sink.calls).toHaveLength(1);
    expect(await runsOf(t.id)).toHaveLength(1);
    const end = await lockStorage(t.id);
    expect(end).toEqual({ state: expect.objectContaining({ leases: [] }), alarm: null, held: [] });
  });

  it("no redelivery comes: the lock's alarm writes the held outcome, not a timeout, and the target is not called again", async () => {
    const { t, sink, newRun, statusOf, q } = await setup({ retry: { max_retries: 3, delay_seconds: 5, backoff: "fixed" } });
    const a = await newRun();
    failOutcomeWrites(1);
    await deliver(a.msg);
    expect(await statusOf(a.id)).toMatchObject({ status: "running" });
    expect(await runDurableObjectAlarm(await expireLeases(t.id))).toBe(true);
    expect(await statusOf(a.id)).toMatchObject({ status: "succeeded", result: { status_code: 200 } });
    expect(q.forTask(t.id)).toHaveLength(0); // no retry: it succeeded
    expect(sink.calls).toHaveLength(1);
    expect(await lockStorage(t.id)).toEqual({ state: expect.objectContaining({ leases: [] }), alarm: null, held: [] });
  });

  it("a failure whose write failed is written once on redelivery and earns exactly one retry", async () => {
    const { t, q, sink, newRun } = await setup(
      { retry: { max_retries: 3, delay_seconds: 5, backoff: "fixed" } },
      () => new Response("down", { status: 500 }),
    );
    const a = await newRun();
    failOutcomeWrites(2); // the first redelivery fails to write as well
    await deliver(a.msg);
    await deliver(a.msg);
    expect((await runsOf(t.id)).map((r) => r.status)).toEqual(["running"]);
    await Promise.all([deliver(a.msg), deliver(a.msg)]);
    const runs = await runsOf(t.id);
    expect(runs.map((r) => [r.attempt, r.status, r.final])).toEqual([
      [1, "failed", 0],
      [2, "queued", 0],
    ]);
    expect(q.forTask(t.id).map((m) => [m.body.run_id, m.delaySeconds])).toEqual([[runs[1]?.id, 5]]);
    expect(sink.calls).toHaveLength(1);
  });
});

describe("target faults", () => {
  it("a connection reset (fetch rejects) fails the attempt with a clear error, and it is retried", async () => {
    let n = 0;
    const { t, q, sink, newRun } = await setup({ retry: { max_retries: 2, delay_seconds: 5, backoff: "fixed" } }, () => {
      if (n++ === 0) throw new TypeError("Network connection lost.");
      return new Response("ok");
    });
    await deliver((await newRun()).msg);
    for (let msgs = q.take(t.id); msgs.length > 0; msgs = q.take(t.id)) await deliver(...msgs.map((m) => m.body));
    const runs = await runsOf(t.id);
    expect(runs.map((r) => [r.attempt, r.status])).toEqual([
      [1, "failed"],
      [2, "succeeded"],
    ]);
    expect(runs[0]?.error).toBe("request failed: Network connection lost.");
    expect(sink.calls).toHaveLength(2);
  });

  it("5xx answers are retried until the target recovers", async () => {
    const answers = [500, 502, 503, 200];
    const { t, q, sink, newRun } = await setup(
      { retry: { max_retries: 5, delay_seconds: 5, backoff: "fixed" } },
      () => new Response("x", { status: answers.shift() ?? 200 }),
    );
    await deliver((await newRun()).msg);
    for (let msgs = q.take(t.id); msgs.length > 0; msgs = q.take(t.id)) await deliver(...msgs.map((m) => m.body));
    const runs = await runsOf(t.id);
    expect(runs.map((r) => [r.attempt, r.status, r.error])).toEqual([
      [1, "failed", "target answered 500"],
      [2, "failed", "target answered 502"],
      [3, "failed", "target answered 503"],
      [4, "succeeded", null],
    ]);
    expect(sink.calls).toHaveLength(4);
  });

  it("a slow 50 MB answer: the recorded body is capped at 8 KiB, and the executor stops reading and cancels the stream", async () => {
    const CHUNK = 64 * 1024;
    const TOTAL = 50 * 1024 * 1024;
    let produced = 0;
    let canceled = false;
    const { t, newRun } = await setup(
      {},
      () =>
        new Response(
          new ReadableStream<Uint8Array>({
            async pull(controller) {
              await new Promise((r) => setTimeout(r, 2)); // slow: a little at a time
              if (produced >= TOTAL) return controller.close();
              produced += CHUNK;
              controller.enqueue(new Uint8Array(CHUNK).fill(0x61));
            },
            cancel() {
              canceled = true;
            },
          }),
          { status: 200 },
        ),
    );
    await deliver((await newRun()).msg);
    const [run] = await runsOf(t.id);
    expect(run?.status).toBe("succeeded");
    const result = JSON.parse(String(run?.result)) as { body: string; status_code: number };
    expect(result.status_code).toBe(200);
    expect(result.body).toBe("a".repeat(8192));
    expect(canceled).toBe(true);
    expect(produced).toBeLessThanOrEqual(4 * CHUNK); // read a few chunks, never the 50 MB
  });
});

describe("edits and schedule changes around a run", () => {
  it("a task edited while a run is in flight: that run finishes with the old parameters, the next occurrence uses the new ones", async () => {
    const { t, q, sink, key } = await setup({ schedule: everyMinute, parameters: { url: "https://old.example.com/hook" } });
    const first = Date.parse(t.next_run_at);
    await tickAt(first - 20_000);
    sink.hold();
    const running = deliver(...q.take(t.id).map((m) => m.body));
    await until(() => sink.calls.length === 1);
    const before = await call("GET", `/v1/tasks/${t.id}`, { token: key });
    const edited = await call("PATCH", `/v1/tasks/${t.id}`, {
      token: key,
      body: { parameters: { url: "https://new.example.com/hook" } },
      headers: { "if-match": before.headers.get("etag") ?? "" },
    });
    expect(edited.status).toBe(200);
    expect(edited.headers.get("etag")).not.toBe(before.headers.get("etag"));
    sink.release();
    await running;
    await tickAt(first + MIN - 20_000);
    await deliver(...q.take(t.id).map((m) => m.body));
    expect(sink.calls.map((c) => c.url)).toEqual(["https://old.example.com/hook", "https://new.example.com/hook"]);
    expect((await runsOf(t.id)).map((r) => [r.scheduled_for, r.status])).toEqual([
      [first, "succeeded"],
      [first + MIN, "succeeded"],
    ]);
  });

  it("a schedule changed between claim and execution: the claimed run still runs, once; later occurrences follow the new schedule", async () => {
    const { t, q, sink, key } = await setup({ schedule: everyMinute });
    const first = Date.parse(t.next_run_at);
    await tickAt(first - 20_000); // claims `first`, to start in 20 s (delivered just ahead of it)
    const claimed = q.take(t.id);
    expect(claimed.map((m) => m.delaySeconds)).toEqual([20 - DELIVERY_LEAD_SECONDS]);
    // Now hourly, at the minute two after `first`.
    const minute = new Date(first + 2 * MIN).getUTCMinutes();
    const edited = await call("PATCH", `/v1/tasks/${t.id}`, {
      token: key,
      body: { schedule: { kind: "cron", expression: `${minute} * * * *`, timezone: "UTC" } },
    });
    expect(edited.body.next_run_at).toBe(iso(first + 2 * MIN));
    await deliver(...claimed.map((m) => m.body));
    for (let i = 1; i <= 3; i++) {
      await tickAt(first + i * MIN - 20_000);
      await deliver(...q.take(t.id).map((m) => m.body));
    }
    const runs = await runsOf(t.id);
    expect(runs.map((r) => [r.scheduled_for, r.trigger, r.status])).toEqual([
      [first, "schedule", "succeeded"],
      [first + 2 * MIN, "schedule", "succeeded"],
    ]);
    expect(sink.calls).toHaveLength(2);
  });

  it("a claimed run of the old schedule does not complete the task's new one-time schedule", async () => {
    const { t, q, sink, key } = await setup({ schedule: everyMinute });
    const first = Date.parse(t.next_run_at);
    await tickAt(first - 20_000);
    const claimed = q.take(t.id);
    const at = first + 10 * MIN;
    await call("PATCH", `/v1/tasks/${t.id}`, { token: key, body: { schedule: { kind: "once", at: iso(at) } } });
    await deliver(...claimed.map((m) => m.body));
    expect((await call("GET", `/v1/tasks/${t.id}`, { token: key })).body).toMatchObject({
      status: "active",
      next_run_at: iso(at),
      last_status: "succeeded",
    });
    await tickAt(at - 20_000);
    await deliver(...q.take(t.id).map((m) => m.body));
    expect((await runsOf(t.id)).map((r) => [r.scheduled_for, r.status])).toEqual([
      [first, "succeeded"],
      [at, "succeeded"],
    ]);
    expect((await call("GET", `/v1/tasks/${t.id}`, { token: key })).body).toMatchObject({ status: "completed", next_run_at: null });
    expect(sink.calls).toHaveLength(2);
  });

  it("a schedule edited onto the instant a run was already claimed for: one run, and no message for a run that does not exist", async () => {
    const { t, q, sink, key } = await setup({ schedule: everyMinute });
    const first = Date.parse(t.next_run_at);
    await tickAt(first - 20_000);
    const claimed = q.take(t.id);
    await call("PATCH", `/v1/tasks/${t.id}`, { token: key, body: { schedule: { kind: "once", at: iso(first) } } });
    await tickAt(first + 40_000); // `first` is due again by the new schedule
    const again = q.take(t.id);
    const runs = await runsOf(t.id);
    expect(runs.map((r) => [r.scheduled_for, r.status])).toEqual([[first, "queued"]]);
    expect(again.filter((m) => m.body.run_id !== runs[0]?.id)).toEqual([]);
    await deliver(...claimed.map((m) => m.body), ...again.map((m) => m.body));
    expect((await runsOf(t.id)).map((r) => r.status)).toEqual(["succeeded"]);
    expect(sink.calls).toHaveLength(1);
    expect((await call("GET", `/v1/tasks/${t.id}`, { token: key })).body).toMatchObject({ status: "completed" });
  });
});

describe("a burst in one batch", () => {
  it("messages of different tasks in one batch run at once; one task's messages still run one after another", async () => {
    const { key } = await tenant();
    const q = captureQueue();
    const sink = target();
    const tasks = [];
    for (let i = 0; i < 3; i++) {
      const t = await createTask(key, {
        parameters: { url: `https://sink.example.com/burst-${i}` },
        overlap_policy: "allow_all",
        concurrency_limit: 5,
      });
      made.push(t.id);
      tasks.push(t);
    }
    const bodies = [];
    for (const t of tasks) {
      await call("POST", `/v1/tasks/${t.id}/run`, { token: key });
      bodies.push(...q.take(t.id).map((m) => m.body));
    }
    // A second message of the first task rides in the same batch.
    await call("POST", `/v1/tasks/${tasks[0]!.id}/run`, { token: key });
    bodies.push(...q.take(tasks[0]!.id).map((m) => m.body));
    sink.hold();
    const delivered = deliver(...bodies);
    // All three tasks' targets are called while none has answered: they run concurrently.
    await until(() => sink.held.length === 3);
    expect(new Set(sink.held.map((h) => h.call.url))).toEqual(new Set(tasks.map((_, i) => `https://sink.example.com/burst-${i}`)));
    // The first task's second message waits for its first (same lane): released, it runs next.
    sink.release();
    await delivered;
    expect(sink.calls.filter((c) => c.url.endsWith("burst-0"))).toHaveLength(2);
    for (const t of tasks) for (const r of await runsOf(t.id)) expect(r.status).toBe("succeeded");
  });
});
