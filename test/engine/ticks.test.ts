import { afterEach, describe, expect, it, vi } from "vitest";
import { call, createTask, tenant } from "../helpers/api";
import { DELIVERY_LEAD_SECONDS } from "../../src/engine/messages";
import { captureQueue, deliver, runsOf, target, tickAt } from "../helpers/engine";

afterEach(() => vi.restoreAllMocks());
const MIN = 60_000;
const every = { kind: "cron", expression: "* * * * *", timezone: "UTC" };

describe("the tick", () => {
  it("fires a cron task exactly once per occurrence across 10 ticks, each on time", async () => {
    const { key } = await tenant();
    const q = captureQueue();
    const sink = target();
    const t = await createTask(key, { schedule: every, parameters: { url: "https://sink.example.com/a" } });
    const first = Date.parse(t.next_run_at);
    for (let i = 0; i < 10; i++) {
      // Each tick runs 20 s before the minute it hands out; the message arrives a few seconds ahead of it.
      await tickAt(first + i * MIN - 20_000);
      const msgs = q.take(t.id);
      expect(msgs).toHaveLength(1);
      expect(msgs[0]?.delaySeconds).toBe(20 - DELIVERY_LEAD_SECONDS);
      await deliver(...msgs.map((m) => m.body));
    }
    const runs = await runsOf(t.id);
    expect(runs.map((r) => r.scheduled_for)).toEqual(Array.from({ length: 10 }, (_, i) => first + i * MIN));
    expect(runs.every((r) => r.status === "succeeded" && r.trigger === "schedule")).toBe(true);
    expect(sink.calls).toHaveLength(10);
  });

  it("a second tick for the same minute claims nothing and sends nothing", async () => {
    const { key } = await tenant();
    const q = captureQueue();
    const t = await createTask(key, { schedule: every });
    const due = Date.parse(t.next_run_at);
    await tickAt(due - 20_000);
    await tickAt(due - 20_000);
    await tickAt(due - 5_000);
    expect(q.forTask(t.id)).toHaveLength(1);
    expect(await runsOf(t.id)).toHaveLength(1);
    expect((await call("GET", `/v1/tasks/${t.id}`, { token: key })).body.next_run_at).toBe(new Date(due + MIN).toISOString());
  });

  it("sub-minute precision: a run due at :37 is sent by the :00 tick to arrive just ahead of :37", async () => {
    const { key } = await tenant();
    const q = captureQueue();
    const minute = Math.ceil(Date.now() / MIN) * MIN + MIN;
    const t = await createTask(key, { schedule: { kind: "once", at: new Date(minute + 37_000).toISOString() } });
    await tickAt(minute);
    expect(q.forTask(t.id).map((m) => m.delaySeconds)).toEqual([37 - DELIVERY_LEAD_SECONDS]);
  });

  it("a once task fires once and completes", async () => {
    const { key } = await tenant();
    const q = captureQueue();
    target();
    const at = Math.ceil(Date.now() / 1000) * 1000 + 30_000;
    const t = await createTask(key, { schedule: { kind: "once", at: new Date(at).toISOString() } });
    await tickAt(at - 30_000);
    await deliver(...q.take(t.id).map((m) => m.body));
    await tickAt(at + MIN);
    expect(q.forTask(t.id)).toHaveLength(0);
    const task = (await call("GET", `/v1/tasks/${t.id}`, { token: key })).body;
    expect(task).toMatchObject({ status: "completed", enabled: false, next_run_at: null, last_status: "succeeded" });
    expect((await runsOf(t.id)).map((r) => r.status)).toEqual(["succeeded"]);
  });

  it("a delayed task fires after its delay, not before", async () => {
    const { key } = await tenant();
    const q = captureQueue();
    const t = await createTask(key, { schedule: { kind: "delayed", delay_seconds: 90 } });
    const due = Date.parse(t.next_run_at);
    await tickAt(due - 90_000);
    expect(q.forTask(t.id)).toHaveLength(0);
    await tickAt(due - 30_000);
    expect(q.forTask(t.id).map((m) => m.delaySeconds)).toEqual([30 - DELIVERY_LEAD_SECONDS]);
  });

  it("higher priority first among tasks due at the same instant", async () => {
    const { key } = await tenant();
    const q = captureQueue();
    const at = new Date(Math.ceil(Date.now() / MIN) * MIN + 5 * MIN).toISOString();
    const low = await createTask(key, { schedule: { kind: "once", at }, priority: 9 });
    const high = await createTask(key, { schedule: { kind: "once", at }, priority: 1 });
    await tickAt(Date.parse(at) - 10_000);
    const order = q.sent.map((m) => m.body.task_id).filter((id) => id === low.id || id === high.id);
    expect(order).toEqual([high.id, low.id]);
  });

  it("skip_next records the next occurrences as skipped instead of running them", async () => {
    const { key } = await tenant();
    const q = captureQueue();
    const t = await createTask(key, { schedule: every });
    await call("POST", `/v1/tasks/${t.id}/skip`, { token: key, body: { count: 2 } });
    const first = Date.parse(t.next_run_at);
    for (let i = 0; i < 3; i++) await tickAt(first + i * MIN - 10_000);
    const runs = await runsOf(t.id);
    expect(runs.map((r) => [r.status, r.reason])).toEqual([
      ["skipped", "skip_next"],
      ["skipped", "skip_next"],
      ["queued", null],
    ]);
    expect(q.forTask(t.id)).toHaveLength(1);
  });
});

describe("catch-up after 10 missed minutes", () => {
  async function missedTen(catchup: "latest" | "all" | "none") {
    const { key } = await tenant();
    const q = captureQueue();
    const t = await createTask(key, { schedule: every, catchup });
    const first = Date.parse(t.next_run_at);
    await tickAt(first + 10 * MIN); // No tick ran for the 10 minutes before this one.
    const runs = await runsOf(t.id);
    return { t, q, first, runs, key };
  }

  it("latest runs the most recent missed occurrence once, and records the others as skipped", async () => {
    const { t, q, first, runs } = await missedTen("latest");
    const ran = runs.filter((r) => r.status === "queued");
    // The tick at a minute boundary also claims the minute ahead of it.
    expect(ran.map((r) => [r.scheduled_for, r.trigger])).toEqual([
      [first + 9 * MIN, "catchup"],
      [first + 10 * MIN, "schedule"],
      [first + 11 * MIN, "schedule"],
    ]);
    const skipped = runs.filter((r) => r.status === "skipped");
    expect(skipped).toHaveLength(9);
    expect(skipped.every((r) => r.reason === "catchup_window")).toBe(true);
    expect(q.forTask(t.id)).toHaveLength(3);
  });

  it("all runs every missed occurrence, oldest first", async () => {
    const { t, q, first, runs } = await missedTen("all");
    expect(runs.filter((r) => r.status === "queued").map((r) => r.scheduled_for)).toEqual(
      Array.from({ length: 12 }, (_, i) => first + i * MIN),
    );
    // The missed and the due one at once; the minute ahead (claimed with them) just before it.
    expect(q.forTask(t.id).map((m) => m.delaySeconds)).toEqual([...Array(11).fill(0), 60 - DELIVERY_LEAD_SECONDS]);
  });

  it("none skips to the present", async () => {
    const { t, q, first, runs } = await missedTen("none");
    expect(runs.filter((r) => r.status === "queued").map((r) => r.scheduled_for)).toEqual([first + 10 * MIN, first + 11 * MIN]);
    expect(runs.filter((r) => r.status === "skipped")).toHaveLength(10);
    expect(q.forTask(t.id)).toHaveLength(2);
  });

  it("occurrences older than catchup_window_seconds are never run", async () => {
    const { key } = await tenant();
    captureQueue();
    const t = await createTask(key, { schedule: every, catchup: "all", catchup_window_seconds: 180 });
    const first = Date.parse(t.next_run_at);
    await tickAt(first + 10 * MIN);
    const runs = await runsOf(t.id);
    const queued = runs.filter((r) => r.status === "queued").map((r) => r.scheduled_for);
    expect(queued).toEqual([first + 7 * MIN, first + 8 * MIN, first + 9 * MIN, first + 10 * MIN, first + 11 * MIN]);
    expect(runs.filter((r) => r.status === "skipped" && r.reason === "catchup_window")).toHaveLength(7);
  });

  it("a three-day outage writes a bounded record, not a storm", async () => {
    const { key } = await tenant();
    const q = captureQueue();
    const t = await createTask(key, { schedule: every });
    const first = Date.parse(t.next_run_at);
    await tickAt(first + 3 * 86_400_000);
    const runs = await runsOf(t.id);
    expect(runs.length).toBeLessThanOrEqual(103);
    // latest: the most recent missed minute (catch-up), the one due now and the one ahead; 4318 others recorded as skipped.
    expect(q.forTask(t.id)).toHaveLength(3);
    const summary = runs.find((r) => String(r.result ?? "").includes("occurrences from"));
    expect(summary).toBeDefined();
  });
});
