import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { call, createTask, tenant } from "../helpers/api";
import { DELIVERY_LEAD_SECONDS, leadDelaySeconds } from "../../src/engine/messages";
import { claimEnd } from "../../src/engine/plan";
import { captureQueue, deliver, runsOf, target, tickAt } from "../helpers/engine";
import type { Sent } from "../helpers/engine";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

// Every tick sees every active task of this file, so each test pauses its own tasks when it
// ends: a later test's tick three days ahead must not drag earlier tests' tasks along.
const made: string[] = [];
async function task(key: string, over: Record<string, unknown>) {
  const t = await createTask(key, over);
  made.push(t.id);
  return t;
}
afterEach(async () => {
  vi.restoreAllMocks();
  for (const id of made.splice(0))
    await env.DB.prepare("UPDATE tasks SET status = 'paused', next_run_at = NULL WHERE id = ?").bind(id).run();
});

type Catchup = "latest" | "all" | "none";
type Row = Record<string, unknown>;
const detailOf = (r: Row) => (r.result ? String((JSON.parse(String(r.result)) as { detail?: string }).detail ?? "") : "");
const SUMMARY = /^(\d+) occurrences from (\S+) to (\S+) were skipped \(catchup_window\)/;

/**
 * A tick at `tickAt` sends the run due at `at` to arrive DELIVERY_LEAD_SECONDS ahead of it
 * (never later, so never late), counted from when it sends: a slow tick sends a shorter delay.
 */
function expectLead(m: Sent, at: number, tickAt: number) {
  const lead = leadDelaySeconds(at, tickAt);
  expect(m.delaySeconds).toBeLessThanOrEqual(lead);
  expect(m.delaySeconds).toBeGreaterThanOrEqual(Math.max(0, lead - DELIVERY_LEAD_SECONDS));
}

/**
 * A task on `cron` (a grid of `step` minutes) lives through ticks at the real cadence (one at
 * every minute boundary) for three minutes, then the Worker is down for `down` ms (no tick at
 * all), then it comes back and ticks at the cadence again for `after` minutes. Every message
 * is delivered to the real consumer. Returns what each phase did.
 */
async function outage(o: { cron: string; step: number; catchup: Catchup; window?: number; down: number; after?: number }) {
  const { key } = await tenant();
  const q = captureQueue();
  const sink = target();
  const t = await task(key, {
    schedule: { kind: "cron", expression: o.cron, timezone: "UTC" },
    catchup: o.catchup,
    ...(o.window !== undefined && { catchup_window_seconds: o.window }),
  });
  const first = Date.parse(t.next_run_at);
  const lastUp = first + 2 * MIN;
  for (let m = first; m <= lastUp; m += MIN) {
    await tickAt(m);
    await deliver(...q.take(t.id).map((x) => x.body));
  }
  const back = lastUp + MIN + o.down; // The ticks for the `down / MIN` minutes after lastUp never fired.
  await tickAt(back);
  const atBack = q.take(t.id);
  const rowsAtBack = (await runsOf(t.id)).filter((r) => r.created_at === back);
  await deliver(...atBack.map((x) => x.body));
  const afterTicks: { at: number; sent: typeof atBack }[] = [];
  for (let i = 1; i <= (o.after ?? 2); i++) {
    const at = back + i * MIN;
    await tickAt(at);
    const sent = q.take(t.id);
    afterTicks.push({ at, sent });
    await deliver(...sent.map((x) => x.body));
  }
  const end = back + (o.after ?? 2) * MIN;

  // What the documented policy says should happen (README, "Missed ticks"). A tick at a minute
  // boundary claims up to the next boundary plus a margin (`claimEnd`): each occurrence is
  // claimed a minute ahead, by the tick before its own.
  const grid = (from: number, to: number) => {
    const out: number[] = [];
    for (let x = Math.ceil(from / (o.step * MIN)) * o.step * MIN; x < to; x += o.step * MIN) out.push(x);
    return out;
  };
  const windowStart = back - (o.window ?? 3600) * 1000;
  const missed = grid(claimEnd(lastUp), back - 30_000);
  const inWindow = missed.filter((x) => x >= windowStart);
  const catchup = o.catchup === "latest" ? inWindow.slice(-1) : o.catchup === "all" ? inWindow.slice(0, 100) : [];
  const dueAtBack = grid(back - 30_000, claimEnd(back));
  const expected = {
    catchup,
    skipped: missed.filter((x) => !catchup.includes(x)),
    outOfWindow: missed.filter((x) => x < windowStart),
    dueAtBack,
    before: grid(first, claimEnd(lastUp)),
    after: afterTicks.map((a) => grid(claimEnd(a.at - MIN), claimEnd(a.at))),
    all: grid(first, claimEnd(end)),
  };
  return { t, first, back, end, atBack, rowsAtBack, afterTicks, expected, sink, runs: await runsOf(t.id) };
}

/** The checks every outage shares: exact runs, exact skips with reasons, bounded rows and messages, every occurrence accounted for once. */
function expectOutage(r: Awaited<ReturnType<typeof outage>>) {
  const { expected: e, rowsAtBack, atBack, runs } = r;

  // The tick that comes back queues exactly the chosen missed occurrences (trigger catchup) and the ones due now (trigger schedule)...
  const queuedAtBack = rowsAtBack.filter((x) => x.status !== "skipped");
  expect(queuedAtBack.map((x) => [x.scheduled_for, x.trigger])).toEqual([
    ...e.catchup.map((at) => [at, "catchup"]),
    ...e.dueAtBack.map((at) => [at, "schedule"]),
  ]);
  // ... and sends each run it queued once, and no other: no storm; the missed and the due at once, the next minute's ahead of it.
  expect(atBack.map((m) => m.body.run_id).sort()).toEqual(queuedAtBack.map((x) => x.id).sort());
  for (const m of atBack) expectLead(m, Number(queuedAtBack.find((x) => x.id === m.body.run_id)?.scheduled_for), r.back);
  expect(atBack.filter((m) => m.delaySeconds === 0)).toHaveLength(e.catchup.length + e.dueAtBack.filter((at) => at <= r.back).length);

  // Every missed occurrence that does not run is recorded as skipped (catchup_window), with why;
  // past 100 the oldest are folded into one summary record, so the rows stay bounded.
  const skippedRows = rowsAtBack.filter((x) => x.status === "skipped");
  expect(skippedRows.every((x) => x.reason === "catchup_window" && x.finished_at === r.back)).toBe(true);
  expect(rowsAtBack.length).toBeLessThanOrEqual(100 + e.catchup.length + e.dueAtBack.length);
  const individual = e.skipped.length > 100 ? e.skipped.slice(-99) : e.skipped;
  const folded = e.skipped.length > 100 ? e.skipped.slice(0, -99) : [];
  expect(skippedRows.map((x) => x.scheduled_for)).toEqual([...folded.slice(0, 1), ...individual]);
  for (const x of skippedRows) {
    const at = Number(x.scheduled_for);
    const d = detailOf(x);
    if (folded.length > 0 && at === folded[0]) {
      expect(d).toMatch(SUMMARY);
      const [, n, from, to] = SUMMARY.exec(d) ?? [];
      expect([Number(n), from, to]).toEqual([folded.length, iso(folded[0] ?? 0), iso(folded[folded.length - 1] ?? 0)]);
    } else if (e.outOfWindow.includes(at)) expect(d).toMatch(/missed by more than catchup_window_seconds/);
    else expect(d).toMatch(/missed while no tick ran/);
  }

  // Back at the cadence, each tick claims exactly the occurrences of the minute ahead, to arrive just before them.
  for (const [i, a] of r.afterTicks.entries()) {
    const mine = runs.filter((x) => x.created_at === a.at);
    expect(mine.map((x) => [x.scheduled_for, x.trigger, x.status])).toEqual((e.after[i] ?? []).map((at) => [at, "schedule", "succeeded"]));
    expect(a.sent.map((m) => m.body.run_id)).toEqual(mine.map((x) => x.id));
    for (const [j, m] of a.sent.entries()) expectLead(m, Number(mine[j]?.scheduled_for), a.at);
  }

  // Everything queued ran exactly once (one call per run, each with its own X-Run-Id)...
  const ran = runs.filter((x) => x.status !== "skipped");
  expect(ran.every((x) => x.status === "succeeded" && x.attempt === 1)).toBe(true);
  expect(ran.map((x) => x.scheduled_for)).toEqual([...e.before, ...e.catchup, ...e.dueAtBack, ...e.after.flat()]);
  expect(r.sink.calls.map((c) => c.headers.get("x-run-id")).sort()).toEqual(ran.map((x) => x.id).sort());
  // ... and every occurrence from the first to the last tick is accounted for exactly once:
  // by its own row, or inside the summary record's range.
  const accounted = runs.map((x) => Number(x.scheduled_for));
  accounted.push(...folded.slice(1));
  expect(accounted.sort((a, b) => a - b)).toEqual(e.all);
}

describe("the Worker is down, then comes back (ticks at the real cadence before and after)", () => {
  const every = { cron: "* * * * *", step: 1 };
  const cases: { name: string; down: number; catchup: Catchup; window?: number; cron?: string; step?: number }[] = [
    {
      name: "down 10 minutes, catchup latest: the most recent missed minute runs once, the 9 before it are skipped",
      down: 10 * MIN,
      catchup: "latest",
    },
    { name: "down 10 minutes, catchup all: every missed minute runs once, oldest first", down: 10 * MIN, catchup: "all" },
    { name: "down 10 minutes, catchup none: no missed minute runs, all 10 are skipped", down: 10 * MIN, catchup: "none" },
    {
      name: "down 2 hours, catchup latest: one catch-up run; the 119 others are skipped, folded to 100 records",
      down: 2 * HOUR,
      catchup: "latest",
    },
    {
      name: "down 2 hours, catchup all: only the last hour (catchup_window_seconds 3600) runs; the first hour is skipped",
      down: 2 * HOUR,
      catchup: "all",
    },
    { name: "down 2 hours, catchup none: nothing missed runs; 120 skips folded to 100 records", down: 2 * HOUR, catchup: "none" },
    {
      name: "down 3 days, catchup latest: the most recent missed minute and the present run, 4319 skips folded to 100 records",
      down: 3 * DAY,
      catchup: "latest",
    },
    {
      name: "down 3 days, catchup all: the last hour's 60 minutes run, the rest of the 3 days is 100 skip records",
      down: 3 * DAY,
      catchup: "all",
    },
    { name: "down 3 days, catchup none: only the present runs, 100 skip records", down: 3 * DAY, catchup: "none" },
    {
      name: "down 2 hours, */5 with catchup all and a 30-minute window: the last 6 missed occurrences run, the 18 older ones are skipped",
      down: 2 * HOUR,
      catchup: "all",
      window: 1800,
      cron: "*/5 * * * *",
      step: 5,
    },
    {
      name: "down 3 days, */5 with catchup latest and a 10-minute window: one catch-up run, 863 skips folded to 100 records",
      down: 3 * DAY,
      catchup: "latest",
      window: 600,
      cron: "*/5 * * * *",
      step: 5,
    },
    {
      name: "down 10 minutes with catchup_window_seconds 0: nothing missed runs, whatever the policy",
      down: 10 * MIN,
      catchup: "all",
      window: 0,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const r = await outage({
        cron: c.cron ?? every.cron,
        step: c.step ?? every.step,
        catchup: c.catchup,
        window: c.window,
        down: c.down,
      });
      expectOutage(r);
    });
  }

  it("the numbers behind the names: 2 hours down with catchup latest writes 103 rows and queues 3 runs when it comes back", async () => {
    const r = await outage({ cron: "* * * * *", step: 1, catchup: "latest", down: 2 * HOUR });
    // 100 skip records, the catch-up run, the run due now and the next minute's.
    expect(r.rowsAtBack).toHaveLength(103);
    expect(r.atBack).toHaveLength(3);
    expect(r.expected.skipped).toHaveLength(118); // the minute after the last tick before the outage was claimed by it
    expect(r.rowsAtBack.filter((x) => x.status === "skipped")).toHaveLength(100);
  });
});

describe("ticks that overlap or die", () => {
  const everyMinute = { kind: "cron", expression: "* * * * *", timezone: "UTC" };

  it("overlapping ticks for the same and the adjacent minute claim each occurrence once and lose none", async () => {
    const { key } = await tenant();
    const q = captureQueue();
    const sink = target();
    const ts = await Promise.all([0, 1, 2].map(() => task(key, { schedule: everyMinute })));
    // The three are due at the same minute (even if their creation straddled a minute boundary).
    const first = Math.max(...ts.map((t) => Date.parse(t.next_run_at)));
    for (const t of ts) await env.DB.prepare("UPDATE tasks SET next_run_at = ? WHERE id = ?").bind(first, t.id).run();
    // The triggers for two minutes fire while each other's ticks still run, each of them twice;
    // between them they claim up to the minute after the second (each claims a minute ahead).
    await Promise.all([tickAt(first), tickAt(first), tickAt(first + MIN), tickAt(first + MIN)]);
    for (const t of ts) {
      const runs = await runsOf(t.id);
      expect(runs.map((r) => [r.scheduled_for, r.status])).toEqual([
        [first, "queued"],
        [first + MIN, "queued"],
        [first + 2 * MIN, "queued"],
      ]);
      expect(
        q
          .forTask(t.id)
          .map((m) => m.body.run_id)
          .sort(),
      ).toEqual(runs.map((r) => r.id).sort());
    }
    // The next tick only has its own minute ahead to do.
    await tickAt(first + 2 * MIN);
    for (const t of ts)
      expect((await runsOf(t.id)).map((r) => r.scheduled_for)).toEqual([first, first + MIN, first + 2 * MIN, first + 3 * MIN]);
    expect(q.sent.filter((m) => ts.some((t) => t.id === m.body.task_id))).toHaveLength(12);
    for (const t of ts) await deliver(...q.take(t.id).map((m) => m.body));
    expect(sink.calls).toHaveLength(12);
  });

  it("a tick that dies after claiming and before enqueueing loses nothing: the next tick's sweep sends the run, which runs once", async () => {
    const { key } = await tenant();
    const q = captureQueue();
    const sink = target();
    const t = await task(key, { schedule: everyMinute });
    const first = Date.parse(t.next_run_at);
    vi.spyOn(env.RUNS, "sendBatch").mockRejectedValueOnce(new Error("queue unavailable"));
    await expect(tickAt(first)).rejects.toThrow("queue unavailable");
    // It had claimed its minute and the next one ahead: both recorded, neither sent.
    const lost = await runsOf(t.id);
    expect(lost.map((r) => [r.scheduled_for, r.status, r.dispatched_at])).toEqual([
      [first, "queued", null],
      [first + MIN, "queued", null],
    ]);
    expect(q.forTask(t.id)).toHaveLength(0);
    // One minute later: the tick claims its minute ahead and its sweep re-sends the lost runs, due now.
    await tickAt(first + MIN);
    const sent = q.take(t.id);
    expect(sent.map((m) => [m.body.run_id, m.delaySeconds])).toEqual(expect.arrayContaining(lost.map((r) => [r.id, 0])));
    expect(sent).toHaveLength(3);
    await deliver(...sent.map((m) => m.body));
    await tickAt(first + 2 * MIN); // Not sent a third time.
    const again = q.take(t.id);
    expect(again).toHaveLength(1);
    await deliver(...again.map((m) => m.body));
    const runs = await runsOf(t.id);
    expect(runs.map((r) => [r.scheduled_for, r.status, r.trigger])).toEqual(
      [0, 1, 2, 3].map((i) => [first + i * MIN, "succeeded", "schedule"]),
    );
    expect(sink.calls.map((c) => c.headers.get("x-run-id"))).toEqual(expect.arrayContaining(runs.map((r) => r.id)));
    expect(sink.calls).toHaveLength(4);
  });

  it("a tick that dies after sending and before recording the send: the sweep sends a second message and the run still runs once", async () => {
    const { key } = await tenant();
    const q = captureQueue();
    const sink = target();
    const t = await task(key, { schedule: everyMinute });
    const first = Date.parse(t.next_run_at);
    const prepare = env.DB.prepare.bind(env.DB);
    let failures = 1;
    vi.spyOn(env.DB, "prepare").mockImplementation((sql: string) => {
      if (/update "runs" set "dispatched_at"/i.test(sql) && failures-- > 0) throw new Error("D1_ERROR: network connection lost");
      return prepare(sql);
    });
    await expect(tickAt(first)).rejects.toThrow("network connection lost");
    const original = q.take(t.id); // its minute and the next one ahead
    expect(original).toHaveLength(2);
    await tickAt(first + MIN);
    const next = q.take(t.id);
    const ids = original.map((m) => m.body.run_id);
    const copies = next.filter((m) => ids.includes(m.body.run_id)); // the sweep's
    expect(copies).toHaveLength(2);
    expect(next).toHaveLength(3); // and the run of the minute now ahead
    // Both copies of each arrive, at once: one execution each (one minute after the other, as their due times have it).
    for (const id of ids) {
      const both = [...original, ...copies].filter((m) => m.body.run_id === id);
      await Promise.all(both.map((m) => deliver(m.body)));
    }
    await deliver(...next.filter((m) => !ids.includes(m.body.run_id)).map((m) => m.body));
    const runs = await runsOf(t.id);
    expect(runs.map((r) => [r.scheduled_for, r.status])).toEqual([
      [first, "succeeded"],
      [first + MIN, "succeeded"],
      [first + 2 * MIN, "succeeded"],
    ]);
    for (const id of ids) expect(sink.calls.filter((c) => c.headers.get("x-run-id") === id)).toHaveLength(1);
    expect(sink.calls).toHaveLength(3);
  });
});

describe("clock skew", () => {
  const everyMinute = { kind: "cron", expression: "* * * * *", timezone: "UTC" };

  it("the tick's scheduledTime 30 s ahead of or behind the Worker's clock neither skips nor doubles an occurrence", async () => {
    const { key } = await tenant();
    const q = captureQueue();
    let failOnce = true;
    const sink = target(() => {
      if (failOnce) {
        failOnce = false;
        return new Response("busy", { status: 503 });
      }
      return new Response("ok");
    });
    const t = await task(key, { schedule: everyMinute, catchup: "none", retry: { max_retries: 1, delay_seconds: 10, backoff: "fixed" } });
    const first = Date.parse(t.next_run_at);
    // The trigger's scheduledTime is each minute boundary; the clock the consumer, the lock and
    // the outcome read (Date.now) is 30 s ahead, then behind, in a pattern that flips both ways.
    const skews = [30_000, -30_000, -30_000, 30_000, 30_000, -30_000, 0, 30_000];
    let clock = 0;
    vi.spyOn(Date, "now").mockImplementation(() => clock);
    for (const [i, skew] of skews.entries()) {
      const minute = first + i * MIN;
      clock = minute + skew;
      await tickAt(minute);
      const sent = q.take(t.id);
      // The first tick sends its own minute at once; every tick sends the minute ahead, to arrive just before it.
      expect(sent.map((m) => m.delaySeconds)).toEqual(i === 0 ? [0, 60 - DELIVERY_LEAD_SECONDS] : [60 - DELIVERY_LEAD_SECONDS]);
      clock += 1_000;
      await deliver(...sent.map((m) => m.body));
      // A retry goes straight to the queue with its delay, never through the sweep again.
      const retries = q.take(t.id);
      clock += 10_000;
      await deliver(...retries.map((m) => m.body));
    }
    const runs = await runsOf(t.id);
    const scheduled = runs.filter((r) => r.attempt === 1);
    const claimed = [...skews, 0].map((_, i) => first + i * MIN); // up to the minute after the last tick's
    expect(scheduled.map((r) => [r.scheduled_for, r.trigger])).toEqual(claimed.map((at) => [at, "schedule"]));
    expect(runs.map((r) => r.status)).toEqual(["failed", "succeeded", ...skews.map(() => "succeeded")]);
    expect(runs.filter((r) => r.attempt === 2).map((r) => r.scheduled_for)).toEqual([first]);
    expect(sink.calls).toHaveLength(claimed.length + 1);
  });

  it("ticks that fire up to 30 s late or early (scheduledTime off the minute) neither skip nor double an occurrence", async () => {
    const { key } = await tenant();
    const q = captureQueue();
    const sink = target();
    const t = await task(key, { schedule: everyMinute, catchup: "none" });
    const first = Date.parse(t.next_run_at);
    const skews = [30_000, -30_000, -30_000, 30_000, 30_000, -30_000, 0, 30_000, -30_000];
    const sentBy: number[] = [];
    for (const [i, skew] of skews.entries()) {
      await tickAt(first + i * MIN + skew);
      const sent = q.take(t.id);
      sentBy.push(sent.length);
      await deliver(...sent.map((m) => m.body));
    }
    const runs = await runsOf(t.id);
    // Each occurrence up to the last tick's horizon ran once, on schedule; none was seen as missed.
    const horizon = first + (skews.length - 1) * MIN + (skews[skews.length - 1] ?? 0) + MIN;
    const expected = Array.from({ length: Math.ceil((horizon - first) / MIN) }, (_, i) => first + i * MIN);
    expect(runs.map((r) => [r.scheduled_for, r.trigger, r.status])).toEqual(expected.map((at) => [at, "schedule", "succeeded"]));
    expect(sentBy.reduce((a, b) => a + b, 0)).toBe(expected.length);
    expect(sink.calls).toHaveLength(expected.length);
    expect((await call("GET", `/v1/tasks/${t.id}`, { token: key })).body.next_run_at).toBe(iso((expected[expected.length - 1] ?? 0) + MIN));
  });
});
