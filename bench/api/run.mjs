// The steps of `npm run bench:api`, in order: start the server on its own port and
// state, seed an organization, measure each route in turn, write the results, stop.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { apiKey, call, createTask } from "../load/client.mjs";
import { PORT, RATE_VARS, RUNTIME, option } from "../load/config.mjs";
import { versions } from "../load/machine.mjs";
import { launch, stopOnSignal, stopServer } from "../load/server.mjs";
import { log, pool } from "../load/util.mjs";
import { measure, routes } from "./measure.mjs";
import { TARGETS, judge, writeApiResults } from "./report.mjs";

const CONNECTIONS = Number(option("connections", 10));
const SECONDS = Number(option("seconds", 15));
const WARMUP = Number(option("warmup", 2));
const SEED = Number(option("seed", 200));

/** Starts everything, measures, writes bench/results/api-*.{json,md}, stops; exits 1 on a miss. */
export async function main() {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), "tasks-bench-api-"));
  const stamp = Date.now().toString(36);
  const report = {
    started_at: new Date().toISOString(),
    config: {
      port: PORT,
      connections: CONNECTIONS,
      seconds: SECONDS,
      warmup_s: WARMUP,
      seed_tasks: SEED,
      rate_limit_vars: RATE_VARS,
      runtime: RUNTIME,
    },
    targets: TARGETS,
    machine: versions(),
    routes: {},
  };
  stopOnSignal();
  try {
    report.startup_s = (await launch(stateDir)).startupS;
    const key = await apiKey(`bench-api-${stamp}`);
    const body = (i) => ({
      name: `seed-${i}`,
      type: "http",
      parameters: { url: "https://example.com/hook" },
      schedule: { kind: "event", event: "x" },
    });
    const seeded = await pool(SEED, CONNECTIONS, async (i) => (await createTask(key, body(i))).status);
    if (seeded.some((s) => s !== 201)) throw new Error(`seeding answered ${[...new Set(seeded)].join(", ")}`);
    log(`seeded ${SEED} tasks`);
    for (const [name, route] of Object.entries(routes(key, stamp))) {
      log(`${name}: ${CONNECTIONS} connections, ${WARMUP} s warm-up, ${SECONDS} s measured`);
      report.routes[name] = await measure({ ...route, connections: CONNECTIONS, seconds: SECONDS, warmup: WARMUP });
      log(`${name}: ${report.routes[name].per_s} req/s, p99 ${report.routes[name].latency_ms.p99} ms`);
    }
    const total = await call("GET", "/v1/tasks?limit=1", { token: key });
    report.list_total_after = total.json?.total;
    report.list_total_expected = SEED + (report.routes.create.statuses[201] ?? 0) + (report.routes.create.warmup_statuses[201] ?? 0);
  } catch (e) {
    report.error = e instanceof Error ? e.message : String(e);
    log(`error: ${report.error}`);
  } finally {
    await stopServer();
  }
  report.finished_at = new Date().toISOString();
  report.machine.load_average_at_end = os.loadavg().map((x) => Math.round(x * 100) / 100);
  judge(report);
  writeApiResults(report);
  rmSync(path.join(stateDir, "app", "node_modules"), { force: true }); // the link, never what it points to
  rmSync(stateDir, { recursive: true, force: true });
  process.exit(report.pass ? 0 : 1);
}
