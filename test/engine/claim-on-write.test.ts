import { env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DELIVERY_LEAD_SECONDS } from "../../src/engine/messages";
import { call, createTask, tenant } from "../helpers/api";
import { captureQueue, deliver, runsOf, target, tickAt } from "../helpers/engine";

// Issue 12: the tick claims a minute ahead, so a write that makes a task due inside the window
// the last tick already handed out claims it itself (as a user of the deployed service meets
// it: CLAIM_ON_WRITE is on unless set to "off"; the rest of the suite turns it off).

const MIN = 60_000;
beforeEach(() => {
  env.CLAIM_ON_WRITE = "on";
});
afterEach(() => {
  env.CLAIM_ON_WRITE = "off";
  vi.restoreAllMocks();
});

describe("a write claims what it made due before the next tick", () => {
  it("a once task due in 20 s is queued by its create, to arrive just ahead of it; the next tick adds nothing", async () => {
    const { key } = await tenant();
    const q = captureQueue();
    const sink = target();
    const due = Math.ceil(Date.now() / 1000) * 1000 + 20_000;
    const ahead = Math.ceil((due - Date.now()) / 1000);
    const t = await createTask(key, { schedule: { kind: "once", at: new Date(due).toISOString() } });
    expect(t.next_run_at).toBe(new Date(due).toISOString()); // the answer shows when it runs
    const sent = q.take(t.id);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.delaySeconds).toBeLessThanOrEqual(ahead - DELIVERY_LEAD_SECONDS);
    expect(sent[0]?.delaySeconds).toBeGreaterThanOrEqual(ahead - DELIVERY_LEAD_SECONDS - 2);
    await tickAt(due - 10_000);
    expect(q.forTask(t.id)).toHaveLength(0);
    await deliver(...sent.map((m) => m.body));
    expect((await runsOf(t.id)).map((r) => [r.scheduled_for, r.status])).toEqual([[due, "succeeded"]]);
    expect(sink.calls).toHaveLength(1);
  });

  it("a minutely cron created mid-minute has its first run queued at once; later minutes are the ticks'", async () => {
    const { key } = await tenant();
    const q = captureQueue();
    const t = await createTask(key, { schedule: { kind: "cron", expression: "* * * * *", timezone: "UTC" } });
    const first = Date.parse(t.next_run_at);
    expect(q.take(t.id)).toHaveLength(1);
    await tickAt(first);
    expect((await runsOf(t.id)).map((r) => r.scheduled_for)).toEqual([first, first + MIN]);
    expect(q.take(t.id)).toHaveLength(1);
  });

  it("a PATCH and a resume that bring the next run into the window claim it; a task due later is left to the tick", async () => {
    const { key } = await tenant();
    const q = captureQueue();
    const later = new Date(Math.ceil(Date.now() / MIN) * MIN + 10 * MIN).toISOString();
    const t = await createTask(key, { schedule: { kind: "once", at: later } });
    expect(q.take(t.id)).toHaveLength(0);
    const soon = new Date(Math.ceil(Date.now() / 1000) * 1000 + 30_000).toISOString();
    const patched = await call("PATCH", `/v1/tasks/${t.id}`, { token: key, body: { schedule: { kind: "once", at: soon } } });
    expect(patched.status).toBe(200);
    expect(q.take(t.id)).toHaveLength(1);
    expect((await runsOf(t.id)).map((r) => r.scheduled_for)).toEqual([Date.parse(soon)]);

    const paused = await createTask(key, { schedule: { kind: "cron", expression: "* * * * *", timezone: "UTC" }, enabled: false });
    expect(q.take(paused.id)).toHaveLength(0);
    await call("POST", `/v1/tasks/${paused.id}/resume`, { token: key });
    expect(q.take(paused.id)).toHaveLength(1);
  });

  it("a claim whose send fails leaves the write standing, and the tick's sweep sends the run", async () => {
    const { key } = await tenant();
    const q = captureQueue();
    vi.spyOn(env.RUNS, "sendBatch").mockRejectedValueOnce(new Error("queue unavailable"));
    const due = Math.ceil(Date.now() / 1000) * 1000 + 20_000;
    const created = await call("POST", "/v1/tasks", {
      token: key,
      body: {
        name: `cow-${crypto.randomUUID()}`,
        type: "http",
        parameters: { url: "https://sink.example.com/x" },
        schedule: { kind: "once", at: new Date(due).toISOString() },
      },
    });
    expect(created.status).toBe(201);
    // The claim itself was recorded with the send that failed: its run waits for the sweep.
    const runs = await runsOf(created.body.id);
    expect(runs.map((r) => [r.status, r.dispatched_at])).toEqual([["queued", null]]);
    expect(q.forTask(created.body.id)).toHaveLength(0);
    await tickAt(Date.now() + 31_000);
    expect(q.forTask(created.body.id).map((m) => m.body.run_id)).toEqual([runs[0]?.id]);
  });
});
