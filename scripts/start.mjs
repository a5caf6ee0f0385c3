// `npm start`: the API on http://localhost:8787 with local D1, Queues, R2 and
// Durable Objects, migrations applied, and the per-minute cron tick firing.
// `wrangler dev` does not fire Cron Triggers by itself, so this script drives
// its /__scheduled endpoint at every minute boundary, as Cloudflare would.
//
// Optional arguments (none are needed; `npm start` alone is the usual way):
//   --port N          listen on N instead of 8787 (or set PORT)
//   --persist-to DIR  keep the local D1/Queues/R2/DO state in DIR instead of
//                     .wrangler/state (migrations are applied there too)
//   --no-inspector    run without wrangler's DevTools inspector proxy (see
//                     scripts/dev-no-inspector.mjs); what the benches use
//   anything else     passed on to `wrangler dev`, e.g. --var RATE_LIMIT_BURST:1000
// e.g. `npm start -- --port 8788 --persist-to /tmp/tasks-state`.
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync } from "node:fs";

const args = process.argv.slice(2);
/** Removes `--name value` / `--name=value` from args and returns the value. */
function takeOption(name) {
  const i = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  if (args[i].includes("=")) return args.splice(i, 1)[0].slice(name.length + 1);
  const value = args[i + 1];
  if (value === undefined) {
    console.error(`[start] ${name} needs a value`);
    process.exit(2);
  }
  args.splice(i, 2);
  return value;
}
const PORT = takeOption("--port") ?? process.env.PORT ?? "8787";
const persistTo = takeOption("--persist-to");
const noInspector = args.includes("--no-inspector");
if (noInspector) args.splice(args.indexOf("--no-inspector"), 1);
const persist = persistTo ? ["--persist-to", persistTo] : [];
const BASE = `http://127.0.0.1:${PORT}`;

if (!existsSync(".dev.vars")) {
  copyFileSync(".dev.vars.example", ".dev.vars");
  console.log("[start] created .dev.vars from .dev.vars.example (development secrets)");
}

// Wrangler's local runtime fetches a sample `Request.cf` object from
// workers.cloudflare.com at startup; offline, that prints a getaddrinfo ENOTFOUND stack
// trace per process. Miniflare's CLOUDFLARE_CF_FETCH_ENABLED=false skips the fetch and uses
// its built-in placeholder (request.cf is a sample object locally either way).
const env = { CLOUDFLARE_CF_FETCH_ENABLED: "false", ...process.env };

const migrate = spawnSync("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", ...persist], {
  stdio: "inherit",
  env: { ...env, CI: "true" },
});
if (migrate.status !== 0) process.exit(migrate.status ?? 1);

const devArgs = ["--local", "--test-scheduled", "--port", PORT, "--ip", "127.0.0.1", ...persist, ...args];
const dev = noInspector
  ? spawn(process.execPath, ["scripts/dev-no-inspector.mjs", ...devArgs], { stdio: "inherit", env })
  : spawn("npx", ["wrangler", "dev", ...devArgs], { stdio: "inherit", env });
const stop = () => {
  dev.kill("SIGINT");
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
dev.on("exit", (code) => process.exit(code ?? 0));

async function fire() {
  try {
    const res = await fetch(`${BASE}/__scheduled?cron=${encodeURIComponent("* * * * *")}`);
    if (!res.ok) console.error(`[ticker] tick answered ${res.status}`);
  } catch (e) {
    console.error(`[ticker] tick failed: ${e instanceof Error ? e.message : e}`);
  }
}

function scheduleNext() {
  const wait = 60_000 - (Date.now() % 60_000) + 50;
  setTimeout(async () => {
    await fire();
    scheduleNext();
  }, wait);
}

(async () => {
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`${BASE}/healthz`)).ok) break;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  console.log(`[ticker] firing the cron tick at every minute boundary against ${BASE}`);
  await fire();
  scheduleNext();
})();
