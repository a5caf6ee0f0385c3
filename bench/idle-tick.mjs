#!/usr/bin/env node
// Idle-tick bench (issue 12, item 5): `npm run bench:idle [-- --tasks 100000]`.
//
// What one tick costs when an organization has many tasks and none is due: the tick's
// rows read must not grow with idle tasks. The local D1 of a fresh state directory is
// seeded in one statement with N http cron tasks (half active, next due between one and
// seven days ahead; half paused), then `npm start`'s runtime is started on it and a few
// ticks are fired. Each tick's `tick.finished` log line reports what it cost, counted
// from D1's own `meta` (rows read and written, statements). Writes
// bench/results/idle-tick-<date>.json and bench/results/idle-tick.md.
//
// Options: --tasks 100000 --ticks 3 --port 8790 --keep-state
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { readServerLog } from "./burst/log-cost.mjs";
import { BASE, KEEP_STATE, option, RESULTS, ROOT } from "./load/config.mjs";
import { versions } from "./load/machine.mjs";
import { launch, stopOnSignal, stopServer } from "./load/server.mjs";
import { log, sleep } from "./load/util.mjs";

const TASKS = Number(option("tasks", 100_000));
const TICKS = Number(option("ticks", 3));
/** The target of issue 12: "a tick with 100,000 idle tasks and none due reads no more than a few rows". */
const MAX_ROWS_READ = 10;
const DAY = 86_400_000;

function wrangler(args, stateDir) {
  const r = spawnSync("npx", ["wrangler", ...args, "--local", "--persist-to", path.join(stateDir, "state")], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, CI: "true", FORCE_COLOR: "0" },
  });
  if (r.status !== 0) throw new Error(`wrangler ${args.slice(0, 3).join(" ")} failed:\n${r.stderr || r.stdout}`);
  return r.stdout;
}

/** One INSERT of `n` tasks of one organization: odd ones active and due 1–7 days ahead, even ones paused. */
function seedSql(n, now) {
  const schedule = JSON.stringify({ kind: "cron", expression: "0 3 * * *", timezone: "UTC" }).replaceAll("'", "''");
  const parameters = JSON.stringify({ url: "https://example.com/hook", method: "POST" }).replaceAll("'", "''");
  return `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${n})
INSERT INTO tasks (id, org_id, name, type, parameters, schedule, schedule_kind, schedule_anchor_at, status,
  max_retries, retry_delay_seconds, backoff, max_delay_seconds, timeout_seconds, priority, concurrency_limit,
  overlap_policy, catchup, catchup_window_seconds, next_run_at, created_by, created_at, updated_at)
SELECT 'tsk_idle_' || i, 'org_bench_idle', 'idle-' || i, 'http', '${parameters}', '${schedule}', 'cron', ${now},
  CASE WHEN i % 2 = 0 THEN 'paused' ELSE 'active' END, 3, 10, 'exponential', 3600, 30, 0, 1, 'skip', 'none', 0,
  CASE WHEN i % 2 = 0 THEN NULL ELSE ${now + DAY} + (i * 6037) % ${6 * DAY} END, 'bench', ${now}, ${now}
FROM n`;
}

async function main() {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), "tasks-idle-"));
  const report = { started_at: new Date().toISOString(), config: { tasks: TASKS, ticks: TICKS, state_dir: stateDir }, machine: versions() };
  stopOnSignal();
  let logPath;
  try {
    log(`seeding ${TASKS} idle tasks into a fresh local D1 (${stateDir})`);
    wrangler(["d1", "migrations", "apply", "DB"], stateDir);
    const t0 = Date.now();
    wrangler(["d1", "execute", "DB", "--command", seedSql(TASKS, Date.now())], stateDir);
    const counted = JSON.parse(
      wrangler(["d1", "execute", "DB", "--json", "--command", "SELECT status, COUNT(*) AS n FROM tasks GROUP BY status"], stateDir),
    )[0].results;
    report.seeded = { by_status: Object.fromEntries(counted.map((r) => [r.status, r.n])), seconds: (Date.now() - t0) / 1000 };
    log(`seeded: ${JSON.stringify(report.seeded.by_status)} in ${report.seeded.seconds} s`);
    const up = await launch(stateDir);
    logPath = up.logPath;
    for (let i = 0; i < TICKS; i++) {
      const res = await fetch(`${BASE}/__scheduled?cron=${encodeURIComponent("* * * * *")}`);
      log(`tick ${i + 1}/${TICKS}: ${res.status}`);
      await sleep(2_000);
    }
  } catch (e) {
    report.error = e instanceof Error ? e.message : String(e);
    log(`error: ${report.error}`);
  } finally {
    await stopServer();
  }
  const ticks = logPath ? readServerLog(logPath).events.filter((e) => e.name === "tick.finished" && e.cost) : [];
  report.ticks = ticks.map((t) => ({ now: t.now, claimed: t.claimed, queued: t.queued, duration_ms: t.duration_ms, ...t.cost }));
  report.max_rows_read = ticks.length ? Math.max(...ticks.map((t) => t.cost.d1_rows_read)) : null;
  report.pass = !report.error && ticks.length >= TICKS && report.max_rows_read <= MAX_ROWS_READ && ticks.every((t) => t.queued === 0);
  report.finished_at = new Date().toISOString();
  write(report);
  if (KEEP_STATE || !report.pass) log(`state and server log kept in ${stateDir}`);
  else rmSync(stateDir, { recursive: true, force: true });
  log(report.pass ? "PASS" : "FAIL");
  process.exit(report.pass ? 0 : 1);
}

function write(report) {
  const day = report.started_at.slice(0, 10);
  writeFileSync(path.join(RESULTS, `idle-tick-${day}.json`), `${JSON.stringify(report, null, 2)}\n`);
  const rows = report.ticks.map(
    (t) => `| ${t.now} | ${t.claimed} | ${t.d1_statements} | ${t.d1_rows_read} | ${t.d1_rows_written} | ${t.duration_ms} |`,
  );
  const md = `# Idle tick (\`npm run bench:idle\`), ${day}

${report.config.tasks.toLocaleString("en")} tasks of one organization, none due (seeded: ${JSON.stringify(report.seeded?.by_status ?? {})}).
Each tick's cost is what its \`tick.finished\` log line reports, from D1's \`meta\`.
Target (issue 12): at most ${MAX_ROWS_READ} rows read per tick. **${report.pass ? "PASS" : "FAIL"}**${report.error ? ` (${report.error})` : ""}

| tick (scheduled time) | claimed | D1 statements | D1 rows read | D1 rows written | duration ms |
|---|---|---|---|---|---|
${rows.join("\n")}

Machine: ${report.machine.cores} × ${report.machine.cpu ?? "cpu"}, node ${report.machine.node}, commit ${report.machine.git_commit ?? "?"}${report.machine.git_dirty ? " (dirty)" : ""}.
`;
  writeFileSync(path.join(RESULTS, "idle-tick.md"), md);
  log(`wrote bench/results/idle-tick-${day}.json and idle-tick.md`);
}

await main();
