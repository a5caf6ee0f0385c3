import { afterEach, describe, expect, it, vi } from "vitest";
import { deliver, runsOf, until } from "../helpers/engine";
import { lockStorage } from "../helpers/lock";
import { setupTask } from "../helpers/tasks";

afterEach(() => vi.restoreAllMocks());

describe("overlap policies (a run arrives while another holds the lock)", () => {
  it("skip: the newcomer is recorded as skipped with reason overlap", async () => {
    const { sink, newRun, statusOf } = await setupTask({ overlap_policy: "skip" });
    sink.hold();
    const a = await newRun();
    const running = deliver(a.msg);
    await until(() => sink.calls.length === 1);
    const b = await newRun();
    await deliver(b.msg);
    expect(await statusOf(b.id)).toMatchObject({ status: "skipped", reason: "overlap" });
    sink.release();
    await running;
    expect((await statusOf(a.id)).status).toBe("succeeded");
    expect(sink.calls).toHaveLength(1);
  });

  it("buffer_one: one waits and runs after; a third is skipped", async () => {
    const { t, sink, newRun, statusOf, q } = await setupTask({ overlap_policy: "buffer_one" });
    sink.hold();
    const a = await newRun();
    const running = deliver(a.msg);
    await until(() => sink.calls.length === 1);
    const b = await newRun();
    const c = await newRun();
    await deliver(b.msg);
    await deliver(c.msg);
    expect(await statusOf(b.id)).toMatchObject({ status: "queued" });
    expect(await statusOf(c.id)).toMatchObject({ status: "skipped", reason: "overlap" });
    sink.release();
    await running;
    // The lock handed the slot to the buffered run and sent it again.
    const resent = q.take(t.id);
    expect(resent.map((m) => m.body.run_id)).toEqual([b.id]);
    await deliver(...resent.map((m) => m.body));
    expect((await statusOf(b.id)).status).toBe("succeeded");
  });

  it("buffer_all: every newcomer waits, and they run in order", async () => {
    const { t, sink, newRun, statusOf, q } = await setupTask({ overlap_policy: "buffer_all" });
    sink.hold();
    const a = await newRun();
    const running = deliver(a.msg);
    await until(() => sink.calls.length === 1);
    const b = await newRun();
    const c = await newRun();
    await deliver(b.msg);
    await deliver(c.msg);
    sink.release();
    await running;
    let next = q.take(t.id);
    expect(next.map((m) => m.body.run_id)).toEqual([b.id]);
    await deliver(...next.map((m) => m.body));
    next = q.take(t.id);
    expect(next.map((m) => m.body.run_id)).toEqual([c.id]);
    await deliver(...next.map((m) => m.body));
    expect((await statusOf(c.id)).status).toBe("succeeded");
  });

  it("cancel_other: the running run's abort signal fires, it ends canceled, the newcomer runs", async () => {
    const { sink, newRun, statusOf } = await setupTask({ overlap_policy: "cancel_other" });
    sink.hold();
    const a = await newRun();
    const running = deliver(a.msg);
    await until(() => sink.calls.length === 1);
    const b = await newRun();
    const second = deliver(b.msg);
    await running; // a's consumer learns of the cancel through its lock and aborts its request
    expect(sink.calls[0]?.init.signal?.aborted).toBe(true);
    expect(await statusOf(a.id)).toMatchObject({ status: "canceled", reason: "overlap" });
    await until(() => sink.calls.length === 2);
    sink.release();
    await second;
    expect((await statusOf(b.id)).status).toBe("succeeded");
  });

  it("allow_all: both run at once", async () => {
    const { sink, newRun, statusOf } = await setupTask({ overlap_policy: "allow_all" });
    sink.hold();
    const a = await newRun();
    const b = await newRun();
    const both = Promise.all([deliver(a.msg), deliver(b.msg)]);
    await until(() => sink.calls.length === 2);
    sink.release();
    await both;
    expect((await statusOf(a.id)).status).toBe("succeeded");
    expect((await statusOf(b.id)).status).toBe("succeeded");
  });

  it("concurrency_limit 2 lets two run and skips the third", async () => {
    const { sink, newRun, statusOf } = await setupTask({ concurrency_limit: 2 });
    sink.hold();
    const a = await newRun();
    const b = await newRun();
    const both = Promise.all([deliver(a.msg), deliver(b.msg)]);
    await until(() => sink.calls.length === 2);
    const c = await newRun();
    await deliver(c.msg);
    expect((await statusOf(c.id)).reason).toBe("overlap");
    sink.release();
    await both;
  });
});

describe("dedupe and idempotency", () => {
  it("a run with the same dedupe_key inside the window is recorded as skipped (dedupe)", async () => {
    const { sink, newRun, statusOf } = await setupTask({ dedupe_key: "nightly-report", dedupe_window_seconds: 3600 });
    const a = await newRun();
    await deliver(a.msg);
    const b = await newRun();
    await deliver(b.msg);
    expect((await statusOf(a.id)).status).toBe("succeeded");
    expect(await statusOf(b.id)).toMatchObject({ status: "skipped", reason: "dedupe" });
    expect(sink.calls).toHaveLength(1);
  });

  it("a redelivered message runs nothing twice", async () => {
    const { t, sink, newRun } = await setupTask({});
    const a = await newRun();
    await deliver(a.msg);
    await deliver(a.msg);
    await deliver(a.msg, a.msg);
    expect(sink.calls).toHaveLength(1);
    expect((await runsOf(t.id)).map((r) => r.status)).toEqual(["succeeded"]);
  });

  it("the lock keeps its state in storage (it survives eviction)", async () => {
    const { t, sink, newRun } = await setupTask({ overlap_policy: "buffer_all" });
    sink.hold();
    const a = await newRun();
    const running = deliver(a.msg);
    await until(() => sink.calls.length === 1);
    const b = await newRun();
    await deliver(b.msg);
    const { state } = await lockStorage(t.id);
    expect(state?.leases.map((l) => l.runId)).toEqual([a.id]);
    expect(state?.waiting.map((w) => w.runId)).toEqual([b.id]);
    sink.release();
    await running;
  });
});
