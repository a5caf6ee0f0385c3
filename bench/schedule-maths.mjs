#!/usr/bin/env node
// Worst-case time of the schedule maths (issue 6: "no expression makes the schedule maths
// loop or take more than 50 ms"). The tests prove termination structurally (iteration caps,
// the search horizon); this measures the time, which tests must not assert.
//
//   npm run bench:schedules        (writes bench/results/schedule-maths-<date>.json and .md)
//
// It bundles src/domain/schedule with the esbuild that wrangler ships, then times
// validateSchedule + nextOccurrences(…, 10) on a corpus of adversarial and ordinary
// expressions (never-firing crons, rare leap-day rules, DST-heavy zones, sparse RRULEs),
// each many times, and reports the slowest single call per expression.
import { build } from "esbuild";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const LIMIT_MS = 50;
const REPEAT = 30;

const dir = mkdtempSync(join(tmpdir(), "schedule-bench-"));
const out = join(dir, "schedule.mjs");
await build({
  entryPoints: ["src/domain/schedule/index.ts"],
  bundle: true,
  platform: "node",
  format: "esm",
  outfile: out,
  logLevel: "error",
});
const { validateSchedule, nextOccurrences, nextRunAt } = await import(pathToFileURL(out).href);

const cron = (expression, timezone = "UTC") => ({ kind: "cron", expression, timezone });
const rrule = (rule, timezone = "UTC", dtstart = "2026-01-01T09:00:00") => ({ kind: "rrule", rule, timezone, dtstart });
const CORPUS = [
  // Never fires, or almost never: must answer (refuse or find) without searching forever.
  ["never: Feb 30", cron("0 0 30 2 *")],
  ["never: Feb 31", cron("0 0 31 2 *")],
  ["never: Apr 31", cron("0 0 31 4 *")],
  ["leap day only", cron("0 0 29 2 *")],
  ["leap day on a Monday (Vixie OR)", cron("0 0 29 2 1")],
  ["every minute", cron("* * * * *")],
  ["every minute, Lord Howe (30 min DST)", cron("* * * * *", "Australia/Lord_Howe")],
  ["02:30 daily across a New York gap", cron("30 2 * * *", "America/New_York")],
  ["01:30 daily across a London repeat", cron("30 1 * * *", "Europe/London")],
  ["lists and ranges", cron("0,15,30,45 0-23/2 1-31/3 */2 MON-FRI")],
  ["last minute of the year", cron("59 23 31 12 *")],
  ["Kathmandu +05:45", cron("45 5 * * *", "Asia/Kathmandu")],
  // RRULE: sparse and tricky rules.
  ["rrule: Feb 29 yearly", rrule("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29")],
  ["rrule: Friday the 13th", rrule("FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13")],
  ["rrule: last weekday of the month", rrule("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1")],
  ["rrule: 53rd week Mondays", rrule("FREQ=YEARLY;BYWEEKNO=53;BYDAY=MO")],
  ["rrule: never (Feb 30)", rrule("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30")],
  ["rrule: every minute", rrule("FREQ=MINUTELY")],
  ["rrule: hourly in a DST zone", rrule("FREQ=HOURLY;INTERVAL=1", "America/New_York", "2026-03-07T00:30:00")],
  ["rrule: big interval", rrule("FREQ=YEARLY;INTERVAL=99")],
  ["rrule: COUNT from the year 1000, never fires", rrule("FREQ=DAILY;COUNT=5;BYMONTH=2;BYMONTHDAY=30", "UTC", "1000-01-01T00:00")],
  ["rrule: WEEKLY COUNT=10000 from 1100", rrule("FREQ=WEEKLY;COUNT=10000;BYMONTH=4", "UTC", "1100-04-26T23:59")],
  ["rrule: MONTHLY from the year 100", rrule("FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30", "UTC", "0100-01-01T00:00")],
  ["rrule: MINUTELY never fires", rrule("FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30")],
  ["rrule: DAILY never fires", rrule("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30")],
  // Sparse but real: these walk their whole search (the slowest legitimate shapes).
  ["rrule: HOURLY on leap-day Mondays", rrule("FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO")],
  ["rrule: MINUTELY on Dec 31 of leap years (BYYEARDAY=366)", rrule("FREQ=MINUTELY;BYYEARDAY=366")],
  ["rrule: DAILY on Friday 13ths in February", rrule("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=13;BYDAY=FR")],
  // Issue 10: shapes accepted since (lists of steps, large INTERVAL, a horizon in periods,
  // MONTHLY/YEARLY fast-forward, arithmetic MINUTELY+BYHOUR, sub-daily BYSETPOS, UNTIL instant).
  ["cron: list of steps", cron("*/15,30-59/10 0 * * *")],
  ["rrule: YEARLY;INTERVAL=100;COUNT=3", rrule("FREQ=YEARLY;INTERVAL=100;COUNT=3")],
  [
    "rrule: Feb 29 every 100 years (10-period horizon)",
    rrule("FREQ=YEARLY;INTERVAL=100;BYMONTH=2;BYMONTHDAY=29", "UTC", "2000-01-01T09:00"),
  ],
  ["rrule: MONTHLY Feb 29 from the year 100", rrule("FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=29", "UTC", "0100-01-01T00:00")],
  ["rrule: DAILY;INTERVAL=1000000 never fires", rrule("FREQ=DAILY;INTERVAL=1000000;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO")],
  ["rrule: WEEKLY;INTERVAL=520000 never fires", rrule("FREQ=WEEKLY;INTERVAL=520000;BYDAY=MO;BYSETPOS=2")],
  ["rrule: MINUTELY;INTERVAL=7;BYHOUR on leap-day Mondays", rrule("FREQ=MINUTELY;INTERVAL=7;BYHOUR=9;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO")],
  ["rrule: MINUTELY;INTERVAL=7;BYHOUR=9 from 1970", rrule("FREQ=MINUTELY;INTERVAL=7;BYHOUR=9", "UTC", "1970-01-01T00:00")],
  ["rrule: HOURLY;BYSETPOS=-1", rrule("FREQ=HOURLY;BYMINUTE=0,30;BYSETPOS=-1", "America/New_York")],
  ["rrule: HOURLY until an instant in a DST zone", rrule("FREQ=HOURLY;UNTIL=20271107T054500Z", "America/New_York")],
];

const now = Date.UTC(2026, 10, 23, 12, 0, 0);
const rows = [];
for (const [name, schedule] of CORPUS) {
  let outcome = "";
  let worst = 0;
  let total = 0;
  let first = 0;
  let worst10 = 0;
  for (let i = 0; i <= REPEAT; i++) {
    const t0 = performance.now();
    let ms10 = 0;
    try {
      // What a create and every tick do: validate, then the next run.
      const s = validateSchedule(schedule, now);
      nextRunAt(s, now, now);
      const mid = performance.now();
      // What POST /v1/schedules/preview adds: the next 10.
      const occ = nextOccurrences(s, now, 10, now);
      ms10 = performance.now() - mid;
      outcome = `${occ.length} occurrences, first ${occ[0] ? new Date(occ[0].at).toISOString() : "-"}`;
    } catch (e) {
      outcome = `refused: ${e.message}`;
    }
    const ms = performance.now() - t0 - ms10;
    if (i > 0) worst10 = Math.max(worst10, ms10);
    if (i === 0) {
      first = ms; // cold: the first call of a shape pays for JIT compilation and time zone data
      continue;
    }
    worst = Math.max(worst, ms);
    total += ms;
  }
  rows.push({
    name,
    schedule,
    first_ms: +first.toFixed(3),
    worst_ms: +worst.toFixed(3),
    preview10_worst_ms: +worst10.toFixed(3),
    mean_ms: +(total / REPEAT).toFixed(3),
    outcome,
    within_limit: worst <= LIMIT_MS,
  });
}
rmSync(dir, { recursive: true, force: true });

const date = new Date().toISOString().slice(0, 10);
const pass = rows.every((r) => r.within_limit);
mkdirSync("bench/results", { recursive: true });
const meta = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  cpu: cpus()[0]?.model,
  limit_ms: LIMIT_MS,
  repeat: REPEAT,
  pass,
};
writeFileSync(`bench/results/schedule-maths-${date}.json`, `${JSON.stringify({ ...meta, rows }, null, 2)}\n`);
const md = [
  `# Schedule maths bench — ${meta.date}`,
  "",
  `\`npm run bench:schedules\` on ${meta.cpus} cores (${meta.cpu}), Node ${meta.node}. Each row: validateSchedule + nextRunAt (what a create and every tick compute): one cold call, then ${REPEAT} timed calls; the slowest timed call must be ≤ ${LIMIT_MS} ms. Cold calls pay for JIT compilation and time zone data once per isolate. "Preview 10" is the extra time of the next 10 occurrences (POST /v1/schedules/preview), reported, not limited.`,
  "",
  "| Expression | Cold (ms) | Slowest (ms) | Mean (ms) | Preview 10, slowest (ms) | Outcome |",
  "|---|---|---|---|---|---|",
  ...rows.map(
    (r) =>
      `| ${r.name} | ${r.first_ms} | ${r.worst_ms}${r.within_limit ? "" : " **over**"} | ${r.mean_ms} | ${r.preview10_worst_ms} | ${r.outcome.replace(/\|/g, "\\|").slice(0, 120)} |`,
  ),
  "",
  `Result: **${pass ? "PASS" : "FAIL"}** (slowest ${Math.max(...rows.map((r) => r.worst_ms))} ms).`,
  "",
];
writeFileSync("bench/results/schedule-maths.md", md.join("\n"));
console.log(md.join("\n"));
process.exit(pass ? 0 : 1);
