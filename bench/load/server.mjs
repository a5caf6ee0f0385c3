// Starts the service the way a user does (`node scripts/start.mjs`: migrations,
// `wrangler dev --local --test-scheduled`, the per-minute ticker) on the bench's own
// port with its own state directory, and stops all of it afterwards.
import { spawn } from "node:child_process";
import { cpSync, createWriteStream, existsSync, mkdirSync, symlinkSync } from "node:fs";
import path from "node:path";
import { call } from "./client.mjs";
import { BASE, IN_PLACE, INSPECTOR, PORT, ROOT, SERVER_VARS } from "./config.mjs";
import { descendants, alive } from "./process-tree.mjs";
import { lineScanner } from "./server-log.mjs";
import { log, now, sleep } from "./util.mjs";

let server;
let serverLog;

/**
 * Copies what `npm start` needs into `dir` (node_modules linked) and returns it:
 * `wrangler dev` reloads on every source edit, so an edit made while the bench runs
 * would otherwise restart the Worker mid-measurement.
 */
export function snapshot(dir) {
  mkdirSync(dir, { recursive: true });
  for (const f of ["src", "migrations", "scripts", "public", "wrangler.toml", "package.json", "tsconfig.json", ".dev.vars.example"]) {
    if (existsSync(path.join(ROOT, f))) cpSync(path.join(ROOT, f), path.join(dir, f), { recursive: true });
  }
  symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  return dir;
}

/** Spawns the server from `appDir` with state under `stateDir`; returns its log's path. */
export function startServer(stateDir, appDir) {
  const logPath = path.join(stateDir, "server.log");
  serverLog = createWriteStream(logPath);
  const vars = Object.entries(SERVER_VARS).flatMap(([k, v]) => ["--var", `${k}:${v}`]);
  const inspector = INSPECTOR ? [] : ["--no-inspector"];
  const args = ["scripts/start.mjs", "--port", String(PORT), "--persist-to", path.join(stateDir, "state"), ...inspector, ...vars];
  log(`starting: node ${args.join(" ")}  (server log: ${logPath})`);
  // Its own process group, so stopping it reaches npx, wrangler and workerd.
  server = spawn(process.execPath, args, {
    cwd: appDir,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, FORCE_COLOR: "0" },
  });
  const scan = lineScanner(serverLog);
  server.stdout.on("data", scan);
  server.stderr.on("data", scan);
  server.on("exit", (code, signal) => log(`server exited (${code ?? signal})`));
  return logPath;
}

/** Polls /healthz until it answers 200; throws if the server exits or 240 s pass. Returns seconds taken. */
export async function waitUntilUp(logPath) {
  const t0 = now();
  for (;;) {
    if ((await call("GET", "/healthz")).status === 200) break;
    if (server.exitCode !== null) throw new Error(`the server exited early (code ${server.exitCode}); see ${logPath}`);
    if (now() - t0 > 240_000) throw new Error(`no /healthz within 240 s; see ${logPath}`);
    await sleep(500);
  }
  return Math.round(now() - t0) / 1000;
}

/** Stops the server's whole process group: SIGINT first, as Ctrl-C would, then SIGKILL. */
export async function stopServer() {
  if (!server) return;
  const pids = [server.pid, ...descendants(server.pid)];
  log(`stopping the server (process group ${server.pid}: ${pids.length} processes)`);
  try {
    process.kill(-server.pid, "SIGINT"); // what Ctrl-C in a terminal does
  } catch {
    /* already gone */
  }
  for (let i = 0; i < 50 && pids.some(alive); i++) await sleep(200);
  const left = pids.filter(alive);
  if (left.length) {
    log(`force-stopping ${left.length} processes that did not exit on SIGINT`);
    try {
      process.kill(-server.pid, "SIGKILL");
    } catch {
      /* gone */
    }
    for (const p of left) {
      try {
        process.kill(p, "SIGKILL");
      } catch {
        /* gone */
      }
    }
  }
  await new Promise((r) => (serverLog ? serverLog.end(r) : r()));
}

/**
 * Starts the service for a bench: refuses a port something already answers on, runs it
 * from a snapshot of the tree (or the checkout with --in-place), and waits for /healthz.
 * Returns the app directory, the server log's path and the seconds it took to come up.
 */
export async function launch(stateDir) {
  if ((await call("GET", "/healthz")).status !== 0) throw new Error(`something already answers on ${BASE}; pick another --port`);
  const appDir = IN_PLACE ? ROOT : snapshot(path.join(stateDir, "app"));
  const logPath = startServer(stateDir, appDir);
  const startupS = await waitUntilUp(logPath);
  log(`server up in ${startupS} s`);
  return { appDir, logPath, startupS };
}

/** On Ctrl-C or SIGTERM (once): stops the server and what `also` stops (a sink, peer servers), then exits 130. */
export function stopOnSignal(also = async () => {}) {
  let interrupted = false;
  const onSignal = async () => {
    if (interrupted) return;
    interrupted = true;
    log("interrupted: stopping everything");
    await stopServer();
    await also();
    process.exit(130);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}
