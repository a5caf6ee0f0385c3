#!/usr/bin/env node
// Load bench for the Tasks API (issue 6): `npm run bench`.
//
// Starts the service exactly as a user does (`node scripts/start.mjs`: migrations,
// `wrangler dev --local --test-scheduled`, the per-minute ticker), but on its own port
// and a fresh temporary state directory (`--persist-to`), so the developer's
// `.wrangler/state` is never touched. Then, each scenario in a fresh organization:
//
//   A. 50 concurrent POST /v1/tasks with one name    -> exactly one 201, the rest 409 name_taken
//   B. 10,000 tasks created concurrently              -> all 201; paging GET /v1/tasks lists each
//                                                        exactly once and `total` is 10,000
//   C. 1,000 `once` http tasks due at the same minute  -> each runs exactly once (one run per task,
//                                                        one call per task at a local sink)
//
// Writes bench/results/load-<YYYY-MM-DD>.json and bench/results/latest.md, prints a
// summary, stops everything it started and exits 1 if a correctness check failed.
//
// The service runs from a snapshot of the working tree (src/, migrations/, scripts/,
// wrangler.toml, ... copied to a temp directory, node_modules linked), because
// `wrangler dev` rebuilds and reloads on every source edit: an edit made while the
// bench runs would otherwise restart the Worker mid-measurement. --in-place runs it
// from the checkout itself (state still goes to the temp directory).
//
// Options (all optional): --port 8788 --tasks 10000 --due 1000 --same-name 50
//   --concurrency 64 --baseline 1000 --wait-minutes 6 --keep-state --in-place
//
// This file only orders the steps; the parts live in bench/load/ (see bench/README.md).
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { devProxy } from "./load/client.mjs";
import { BASELINE_REQUESTS, CONCURRENCY, KEEP_STATE, N_DUE, N_SAME, N_TASKS, PORT, RATE_VARS, WAIT_MINUTES } from "./load/config.mjs";
import { versions } from "./load/machine.mjs";
import { writeResults } from "./load/report.mjs";
import { scenarioA } from "./load/scenarios/a-same-name.mjs";
import { scenarioB } from "./load/scenarios/b-create-list.mjs";
import { baseline } from "./load/scenarios/baseline.mjs";
import { scenarioC } from "./load/scenarios/c-due-once.mjs";
import { runScenario } from "./load/scenarios/run.mjs";
import { serverErrors, serverStats } from "./load/server-log.mjs";
import { launch, stopOnSignal, stopServer } from "./load/server.mjs";
import { startSink } from "./load/sink.mjs";
import { log } from "./load/util.mjs";

async function main() {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), "tasks-bench-"));
  const started = new Date();
  const report = {
    started_at: started.toISOString(),
    finished_at: null,
    config: {
      port: PORT,
      same_name: N_SAME,
      tasks: N_TASKS,
      due: N_DUE,
      concurrency: CONCURRENCY,
      wait_minutes: WAIT_MINUTES,
      rate_limit_vars: RATE_VARS,
      state_dir: stateDir,
    },
    machine: versions(),
    startup_s: null,
    scenarios: {},
    server: {},
    pass: false,
  };
  let sink;
  stopOnSignal(async () => sink?.srv.close());

  try {
    sink = await startSink();
    const sinkUrl = `http://127.0.0.1:${sink.port}/hook`;
    log(`sink listening on ${sinkUrl}`);
    const up = await launch(stateDir);
    report.config.app_dir = up.appDir;
    report.server.log = up.logPath;
    report.startup_s = up.startupS;

    if (BASELINE_REQUESTS > 0) await runScenario(report, "baseline", baseline);
    await runScenario(report, "A", () => scenarioA(sinkUrl));
    await runScenario(report, "B", () => scenarioB(sinkUrl));
    await runScenario(report, "C", () => scenarioC(sink, report.scenarios.B?.creates_per_s ?? 50));
  } catch (e) {
    report.error = e instanceof Error ? e.message : String(e);
    log(`error: ${report.error}`);
  } finally {
    await stopServer();
    sink?.srv.closeAllConnections?.();
    sink?.srv.close();
  }

  report.server.error_lines = serverErrors.errorLines;
  report.server.error_samples = serverErrors.samples;
  report.server.ticks_with_work = serverStats.ticks;
  report.server.queue_batches = serverStats.queueBatches.length;
  report.server.dev_proxy_503_retried = devProxy.dropped;
  report.server.dev_proxy_retries_that_then_succeeded = devProxy.retriedOk;
  report.finished_at = new Date().toISOString();
  report.machine.load_average_at_end = os.loadavg().map((x) => Math.round(x * 100) / 100);
  report.pass = !report.error && ["A", "B", "C"].every((s) => report.scenarios[s]?.pass);

  // A failed run keeps its state and server log for whoever investigates it.
  const keep = KEEP_STATE || !report.pass;
  if (!keep) report.server.log = "(removed with the temporary directory after a passing run; --keep-state keeps it)";
  writeResults(report);
  if (!keep) {
    rmSync(path.join(stateDir, "app", "node_modules"), { force: true }); // the link, never what it points to
    rmSync(stateDir, { recursive: true, force: true });
  } else log(`state and server log kept in ${stateDir}`);
  process.exit(report.pass ? 0 : 1);
}

main();
