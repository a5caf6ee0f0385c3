import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DELIVERY_LEAD_SECONDS } from "../../src/engine/messages";
import { CLAIM_MARGIN_MS } from "../../src/engine/plan";
import { tick } from "../../src/engine/tick";
import { createTask, tenant } from "../helpers/api";
import { captureQueue, deliver, runsOf, target, tickAt } from "../helpers/engine";

// Issue 12, item 1: on Cloudflare a Cron Trigger's scheduledTime is the exact minute. The
// tick claims up to the next minute boundary plus a margin, inclusive, so a run due at
// hh:mm:00 is already on the queue when its second comes, delivered a little ahead of it.

afterEach(() => vi.restoreAllMocks());
const MIN = 60_000;
const every = { kind: "cron", expression: "* * * * *", timezone: "UTC" };
/** A whole minute a few minutes ahead, so no other test's tick has reached it. */
const aheadMinute = (n = 5) => Math.ceil(Date.now() / MIN) * MIN + n * MIN;

describe("claim ahead, with an exact scheduledTime", () => {
  it("the tick of minute B claims the run due at B + 1 min (:00), to arrive just ahead of it; the tick of B + 1 min does not claim it again", async () => {
    const { key } = await tenant();
    const q = captureQueue();
    const t = await createTask(key, { schedule: every });
    const first = Date.parse(t.next_run_at);
    await tickAt(first - MIN); // exactly the previous minute
    const sent = q.take(t.id);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.delaySeconds).toBe(60 - DELIVERY_LEAD_SECONDS);
    expect((await runsOf(t.id)).map((r) => r.scheduled_for)).toEqual([first]);
    await tickAt(first); // its own minute: only the minute after it is new
    expect((await runsOf(t.id)).map((r) => r.scheduled_for)).toEqual([first, first + MIN]);
    expect(q.take(t.id)).toHaveLength(1);
  });

  it("a run due inside the margin after the next boundary is claimed too; one just past it is left to the next tick", async () => {
    const { key } = await tenant();
    const q = captureQueue();
    const b = aheadMinute();
    const inside = await createTask(key, { schedule: { kind: "once", at: new Date(b + MIN + CLAIM_MARGIN_MS).toISOString() } });
    const past = await createTask(key, { schedule: { kind: "once", at: new Date(b + MIN + CLAIM_MARGIN_MS + 1000).toISOString() } });
    await tickAt(b);
    expect(q.forTask(inside.id)).toHaveLength(1);
    expect(q.forTask(past.id)).toHaveLength(0);
    await tickAt(b + MIN);
    expect(q.forTask(past.id)).toHaveLength(1);
    expect(q.forTask(inside.id)).toHaveLength(1); // not again
  });

  it("a trigger that fires late (scheduledTime 40 s past the minute) still claims at least the next 60 s", async () => {
    const { key } = await tenant();
    const q = captureQueue();
    const b = aheadMinute();
    const t = await createTask(key, { schedule: { kind: "once", at: new Date(b + MIN + 30_000).toISOString() } });
    await tickAt(b + 40_000);
    expect(q.forTask(t.id).map((m) => m.delaySeconds)).toEqual([50 - DELIVERY_LEAD_SECONDS]);
  });

  it("a message's delay counts from when it is sent, not from when the tick began", async () => {
    const { key } = await tenant();
    const q = captureQueue();
    const b = aheadMinute();
    const t = await createTask(key, { schedule: { kind: "once", at: new Date(b + 30_000).toISOString() } });
    // This invocation began 5 s after the instant it ticks for (a continuation, or a slow claim before this page).
    await tick(env, b, { anchor: Date.now() - 5_000 });
    expect(q.forTask(t.id).map((m) => m.delaySeconds)).toEqual([25 - DELIVERY_LEAD_SECONDS]);
  });
});

describe("start on the second", () => {
  it("a run delivered ahead of its due instant waits for it: the target is never called early", async () => {
    const { key } = await tenant();
    const q = captureQueue();
    const sink = target();
    const due = Math.ceil(Date.now() / 1000) * 1000 + 2_000;
    const t = await createTask(key, { schedule: { kind: "once", at: new Date(due).toISOString() } });
    await tickAt(Date.now());
    const sent = q.take(t.id);
    expect(sent.map((m) => m.delaySeconds)).toEqual([0]); // due in under DELIVERY_LEAD_SECONDS: at once
    await deliver(...sent.map((m) => m.body));
    expect(sink.calls).toHaveLength(1);
    const [run] = await runsOf(t.id);
    expect(run?.status).toBe("succeeded");
    expect(Number(run?.started_at)).toBeGreaterThanOrEqual(due);
  });
});
