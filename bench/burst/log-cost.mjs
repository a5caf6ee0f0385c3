// What the engine says about its own work, read from the server's log after the run:
// how long the ticks that queued the bench's runs took, and what each run cost in
// billable units. The contract (each line one JSON object, maybe behind a prefix that
// wrangler adds; the name is under "event", or "msg"):
//   tick.finished {now, claimed, queued, duration_ms?, cost?: {...units}}  (or tick.continued,
//                 when an invocation hands the rest to a continuation)
//   run.finished  {task_id, run_id, status, cost?: {...units}}   (fractions allowed)
//   runs.batch    {runs, started, failed, duration_ms, ms, cost?: {...units}}  (a batch's total)
// Anything absent is reported as null ("n/a"), never guessed.
import { closeSync, openSync, readSync } from "node:fs";
import { StringDecoder } from "node:string_decoder";

/** The unit names the engine reports (any others it adds are carried along too). */
export const COST_KEYS = ["d1_statements", "d1_rows_read", "d1_rows_written", "do_requests", "do_rows_written", "queue_messages"];

/** Every JSON line of ours in the log, plus wrangler's queue-batch lines (consumer invocations). */
export function readServerLog(logPath) {
  const events = [];
  let queueBatches = 0;
  for (const line of linesOf(logPath)) {
    if (/QUEUE tasks-runs \d+\/\d+/.test(line)) queueBatches++;
    const i = line.indexOf("{");
    if (i < 0) continue;
    try {
      const o = JSON.parse(line.slice(i));
      const name = o.event ?? o.msg;
      if (typeof name === "string") events.push({ ...o, name });
    } catch {
      /* not one of ours */
    }
  }
  return { events, queueBatches };
}

/**
 * The file's lines, read 1 MB at a time: a server log can outgrow the longest string
 * V8 allows (one run wrote 876 MB of error lines), so it is never read whole.
 */
function* linesOf(file) {
  const fd = openSync(file, "r");
  const chunk = Buffer.alloc(1 << 20);
  const utf8 = new StringDecoder("utf8"); // keeps a character split across two reads whole
  let rest = "";
  try {
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      const lines = (rest + utf8.write(chunk.subarray(0, n))).split("\n");
      rest = lines.pop() ?? "";
      // A single line longer than a few MB is no line of ours; drop it rather than grow without bound.
      if (rest.length > 4 << 20) rest = "";
      yield* lines;
    }
    if (rest) yield rest;
  } finally {
    closeSync(fd);
  }
}

/** Ticks from `from` (epoch ms) on that queued runs: count, summed duration, first start → last end. */
export function claimTiming(events, from) {
  // An invocation that ran out of budget ends with tick.continued instead (its continuation logs its own line).
  const ends = new Set(["tick.finished", "tick.continued"]);
  const ticks = events.filter((e) => ends.has(e.name) && e.queued > 0 && Date.parse(e.now) >= from - 60_000);
  const timed = ticks.filter((t) => typeof t.duration_ms === "number");
  const starts = ticks.map((t) => Date.parse(t.now));
  const finishes = timed.map((t) => Date.parse(t.now) + t.duration_ms);
  return {
    ticks,
    ticks_that_queued: ticks.length,
    runs_queued_by_ticks: ticks.reduce((a, t) => a + t.queued, 0),
    claim_ms_sum: timed.length ? Math.round(timed.reduce((a, t) => a + t.duration_ms, 0)) : null,
    claim_span_ms: timed.length === ticks.length && ticks.length ? Math.round(Math.max(...finishes) - Math.min(...starts)) : null,
  };
}

/**
 * Average billable units per run: the consumer's cost per run plus each tick's cost spread
 * over the runs it queued. The consumer's comes from the `runs.batch` lines (each carries
 * its batch's total cost and run count) when they carry cost, which holds whatever RUN_LOG
 * keeps of the run.finished lines; otherwise from the mean of run.finished costs for `ids`.
 * null when the engine logs no costs.
 */
export function costPerRun(events, ids, ticks) {
  const runs = events.filter((e) => e.name === "run.finished" && ids.has(e.task_id));
  const withCost = runs.filter((r) => r.cost && typeof r.cost === "object");
  const batches = events.filter((e) => e.name === "runs.batch" && e.cost && typeof e.cost === "object" && e.runs > 0);
  const tickCosts = ticks.filter((t) => t.cost && typeof t.cost === "object");
  if (withCost.length === 0 && batches.length === 0 && tickCosts.length === 0)
    return { runs_logged: runs.length, runs_with_cost: 0, per_run: null };
  const keys = new Set(COST_KEYS);
  for (const x of [...withCost, ...batches, ...tickCosts]) for (const k of Object.keys(x.cost)) keys.add(k);
  const queued = tickCosts.reduce((a, t) => a + t.queued, 0);
  const batchRuns = batches.reduce((a, b) => a + b.runs, 0);
  const num = (v) => (typeof v === "number" && Number.isFinite(v) ? v : 0);
  const perRun = {};
  const fromRuns = {};
  const fromTicks = {};
  for (const k of keys) {
    if (batchRuns) fromRuns[k] = batches.reduce((a, b) => a + num(b.cost[k]), 0) / batchRuns;
    else fromRuns[k] = withCost.length ? withCost.reduce((a, r) => a + num(r.cost[k]), 0) / withCost.length : 0;
    fromTicks[k] = queued ? tickCosts.reduce((a, t) => a + num(t.cost[k]), 0) / queued : 0;
    perRun[k] = round3(fromRuns[k] + fromTicks[k]);
  }
  return {
    runs_logged: runs.length,
    runs_with_cost: withCost.length,
    consumer_cost_from: batchRuns ? `runs.batch lines (${batches.length} batches, ${batchRuns} runs)` : "run.finished lines",
    ticks_with_cost: tickCosts.length,
    per_run: perRun,
    from_runs: mapValues(fromRuns, round3),
    from_ticks: mapValues(fromTicks, round3),
  };
}

const round3 = (x) => Math.round(x * 1000) / 1000;
const mapValues = (o, f) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));
