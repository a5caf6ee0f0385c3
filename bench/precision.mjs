#!/usr/bin/env node
// Precision bench (issue 12): `npm run bench:precision [-- --minutes 3]`.
//
// Light load on `npm start`'s runtime (started here on its own port and a temporary
// state directory): about 30 once/delayed tasks due at staggered seconds over 3
// minutes — some exactly on a minute boundary, most mid-minute — plus a few minutely
// crons for the same minutes, each calling a local sink. Reports lateness p50/p99/max
// and early starts, split into boundary-due and mid-minute-due runs, against the
// target p99 ≤ 500 ms and none early. Writes bench/results/precision-<date>.json and
// bench/results/precision.md. Exits 1 if a run was missing, doubled or early.
//
// Options: --minutes 3 --per-minute 10 --crons 3 --port 8790 --keep-state --in-place
import "./burst/defaults.mjs"; // first: sets the default port before load/config.mjs reads it
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { KEEP_STATE, PORT, RATE_VARS, RUNTIME } from "./load/config.mjs";
import { versions } from "./load/machine.mjs";
import { launch, stopOnSignal, stopServer } from "./load/server.mjs";
import { startSink } from "./load/sink.mjs";
import { log } from "./load/util.mjs";
import { CRONS, MINUTES, PER_MINUTE } from "./burst/options.mjs";
import { writePrecision } from "./precision/report.mjs";
import { runPrecision } from "./precision/run.mjs";
import { summarisePrecision } from "./precision/summary.mjs";

async function main() {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), "tasks-precision-"));
  const report = {
    started_at: new Date().toISOString(),
    config: {
      minutes: MINUTES,
      per_minute: PER_MINUTE,
      crons: CRONS,
      port: PORT,
      rate_limit_vars: RATE_VARS,
      state_dir: stateDir,
      runtime: RUNTIME,
    },
    machine: versions(),
  };
  let sink;
  stopOnSignal(async () => sink?.srv.close());
  try {
    sink = await startSink();
    report.startup_s = (await launch(stateDir)).startupS;
    report.result = summarisePrecision(await runPrecision(sink));
  } catch (e) {
    report.error = e instanceof Error ? e.message : String(e);
    log(`error: ${report.error}`);
  } finally {
    await stopServer();
    sink?.srv.closeAllConnections?.();
    sink?.srv.close();
  }
  report.finished_at = new Date().toISOString();
  report.machine.load_average_at_end = os.loadavg().map((x) => Math.round(x * 100) / 100);
  const all = report.result?.all;
  report.pass = !report.error && all?.early === 0 && all?.missing === 0 && all?.doubled === 0;
  writePrecision(report);
  if (KEEP_STATE || !report.pass) log(`state and server log kept in ${stateDir}`);
  else {
    rmSync(path.join(stateDir, "app", "node_modules"), { force: true }); // the link, never what it points to
    rmSync(stateDir, { recursive: true, force: true });
  }
  process.exit(report.pass ? 0 : 1);
}

main();
