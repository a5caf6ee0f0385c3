// The bench's settings, read once from the command line (and BENCH_PORT) when first
// imported, so every module sees the same numbers without passing them around.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const RESULTS = path.join(ROOT, "bench", "results");

/** `--name value`, `--name=value` or a bare `--name` (true); `fallback` when absent. */
export function option(name, fallback) {
  const argv = process.argv.slice(2);
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return fallback;
  if (argv[i].includes("=")) return argv[i].split("=").slice(1).join("=");
  const v = argv[i + 1];
  return v === undefined || v.startsWith("--") ? true : v;
}

export const PORT = Number(option("port", process.env.BENCH_PORT ?? 8788));
export const N_SAME = Number(option("same-name", 50));
export const N_TASKS = Number(option("tasks", 10_000));
export const N_DUE = Number(option("due", 1_000));
export const CONCURRENCY = Number(option("concurrency", 64));
export const WAIT_MINUTES = Number(option("wait-minutes", 6));
export const KEEP_STATE = option("keep-state", false) === true;
export const IN_PLACE = option("in-place", false) === true;
// The service runs as `npm start -- --no-inspector` unless --inspector: wrangler dev's
// DevTools inspector proxy posts each logged line and 4 events per subrequest to the dev
// server over connections that stay open, so under load the bench would measure that
// proxy (and run the runtime out of file descriptors) rather than the Worker. See
// scripts/dev-no-inspector.mjs.
export const INSPECTOR = option("inspector", false) === true;
/** How the report names the runtime the figures come from. */
export const RUNTIME = INSPECTOR
  ? "local `wrangler dev` (`npm start`)"
  : "local runtime without the inspector proxy (`npm start -- --no-inspector`)";
export const BASELINE_REQUESTS = Number(option("baseline", 1_000));
export const BASE = `http://127.0.0.1:${PORT}`;
export const ADMIN_TOKEN = readDevVar("ADMIN_TOKEN") ?? "dev-admin-token";
// The per-credential rate limit (default 600/min, burst 100) would turn most of the
// load into 429s: the bench measures the scheduler and the store, not the limiter.
export const RATE_VARS = { RATE_LIMIT_PER_MINUTE: "100000000", RATE_LIMIT_BURST: "1000000" };
/** Every `--var` the started server gets: the rate limits above, and what a bench adds before it starts the server. */
export const SERVER_VARS = { ...RATE_VARS };

// The server started by the bench reads the same example file `npm start` copies to
// .dev.vars, so the admin token comes from there rather than being repeated here.
function readDevVar(name) {
  try {
    const line = readFileSync(path.join(ROOT, ".dev.vars.example"), "utf8")
      .split("\n")
      .find((l) => l.startsWith(`${name}=`));
    return line?.slice(name.length + 1).trim();
  } catch {
    return undefined;
  }
}
