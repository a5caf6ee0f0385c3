#!/usr/bin/env node
// Burst bench (issue 12): `npm run bench:burst -- --n 1000 [--peers]`.
//
// N `once` http tasks due at one instant D, run by `npm start`'s runtime (started here
// on its own port and a temporary state directory, rate limits raised), each calling a
// local sink. Lateness = sink receive time − D; also early starts, runs missing or
// doubled (sink calls and API runs per task), the time to claim and the cost per run
// (both from the server's log), and that cost in dollars per million runs. With
// --peers, the same workload on BullMQ + Redis and pg-boss + Postgres, one after the
// other. Writes bench/results/burst-<n>-<date>.json and bench/results/burst.md.
//
// Options: --n 1000 --peers --peers-only --port 8790 --concurrency 64 --run-log each|failures --inspector
//   --peer-concurrency 100 --pgboss-poll 0.5 --wait-minutes 6 --keep-state --in-place
import "./burst/defaults.mjs"; // first: sets the default port before load/config.mjs reads it
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { KEEP_STATE, option, PORT, RUNTIME, SERVER_VARS } from "./load/config.mjs";
import { versions } from "./load/machine.mjs";
import { launch, stopOnSignal, stopServer } from "./load/server.mjs";
import { startSink } from "./load/sink.mjs";
import { log } from "./load/util.mjs";
import { claimTiming, costPerRun, readServerLog } from "./burst/log-cost.mjs";
import { CREATE_CONCURRENCY, N, PEERS, PEERS_ONLY } from "./burst/options.mjs";
import { burstOurs } from "./burst/ours.mjs";
import { dollarsPerMillionRuns, PRICES } from "./burst/prices.mjs";
import { writeBurst } from "./burst/report.mjs";
import { correct } from "./burst/targets.mjs";
import { runPeers } from "./peers/run.mjs";
import { stopPeerServers } from "./peers/system.mjs";

// RUN_LOG as a deployment would set it (`each`, the default: a run.finished line per run;
// or `failures`). The service runs without wrangler's inspector proxy (see
// bench/load/config.mjs), which under `wrangler dev` turned each logged line into a
// connection that stayed open, so the line per run no longer costs the bench its server.
SERVER_VARS.RUN_LOG = String(option("run-log", "each"));

async function main() {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), "tasks-burst-"));
  const report = {
    started_at: new Date().toISOString(),
    config: {
      n: N,
      peers: PEERS || PEERS_ONLY,
      port: PORT,
      create_concurrency: CREATE_CONCURRENCY,
      server_vars: SERVER_VARS,
      runtime: RUNTIME,
      state_dir: stateDir,
    },
    machine: versions(),
    prices_checked: PRICES.checked,
    qstash_usd_per_million: PRICES.qstash_usd_per_million_messages,
  };
  let sink;
  stopOnSignal(async () => {
    await stopPeerServers();
    sink?.srv.close();
  });

  let logPath;
  try {
    if (!PEERS_ONLY) {
      sink = await startSink();
      const up = await launch(stateDir);
      logPath = up.logPath;
      report.startup_s = up.startupS;
      report.ours = await burstOurs(sink);
    }
  } catch (e) {
    report.error = e instanceof Error ? e.message : String(e);
    log(`error: ${report.error}`);
  } finally {
    await stopServer(); // also flushes the server log, which the cost figures are read from
    sink?.srv.closeAllConnections?.();
    sink?.srv.close();
  }
  if (report.ours) addServerFigures(report.ours, logPath);
  if (PEERS || PEERS_ONLY) report.peers = await runPeers(N);

  report.finished_at = new Date().toISOString();
  report.machine.load_average_at_end = os.loadavg().map((x) => Math.round(x * 100) / 100);
  report.pass = PEERS_ONLY ? !report.error : correct(report);
  writeBurst(report);
  const keep = KEEP_STATE || !report.pass;
  if (keep) log(`state and server log kept in ${stateDir}`);
  else {
    rmSync(path.join(stateDir, "app", "node_modules"), { force: true }); // the link, never what it points to
    rmSync(stateDir, { recursive: true, force: true });
  }
  process.exit(report.pass ? 0 : 1);
}

/** Time to claim and cost per run, from the server's log (see burst/log-cost.mjs for the contract). */
function addServerFigures(ours, logPath) {
  const { events, queueBatches } = readServerLog(logPath);
  const claim = claimTiming(events, ours.created_at_ms);
  ours.cost = costPerRun(events, ours.ids, claim.ticks);
  ours.claim = { ...claim, ticks: claim.ticks.map(({ now, claimed, queued, duration_ms }) => ({ now, claimed, queued, duration_ms })) };
  ours.queue_batches = queueBatches;
  const runs = ours.created || 1;
  ours.dollars = dollarsPerMillionRuns(ours.cost.per_run, (queueBatches + claim.ticks_that_queued) / runs);
  ours.ids = undefined; // a Set does not belong in the JSON
}

main();
