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
import { spawn, execFileSync } from "node:child_process";
import { cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const RESULTS = path.join(ROOT, "bench", "results");

// ---------------------------------------------------------------- options
function option(name, fallback) {
  const argv = process.argv.slice(2);
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return fallback;
  if (argv[i].includes("=")) return argv[i].split("=").slice(1).join("=");
  const v = argv[i + 1];
  return v === undefined || v.startsWith("--") ? true : v;
}
const PORT = Number(option("port", process.env.BENCH_PORT ?? 8788));
const N_SAME = Number(option("same-name", 50));
const N_TASKS = Number(option("tasks", 10_000));
const N_DUE = Number(option("due", 1_000));
const CONCURRENCY = Number(option("concurrency", 64));
const WAIT_MINUTES = Number(option("wait-minutes", 6));
const KEEP_STATE = option("keep-state", false) === true;
const IN_PLACE = option("in-place", false) === true;
const BASELINE_REQUESTS = Number(option("baseline", 1_000));
const BASE = `http://127.0.0.1:${PORT}`;
const ADMIN_TOKEN = readDevVar("ADMIN_TOKEN") ?? "dev-admin-token";
// The per-credential rate limit (default 600/min, burst 100) would turn most of the
// load into 429s: the bench measures the scheduler and the store, not the limiter.
const RATE_VARS = { RATE_LIMIT_PER_MINUTE: "100000000", RATE_LIMIT_BURST: "1000000" };

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

// ---------------------------------------------------------------- helpers
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => Date.now();
const log = (msg) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);

function percentiles(values) {
  if (values.length === 0) return { n: 0 };
  const s = [...values].sort((a, b) => a - b);
  const at = (p) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
  const round = (x) => Math.round(x * 10) / 10;
  return { n: s.length, min: round(s[0]), p50: round(at(50)), p95: round(at(95)), p99: round(at(99)), max: round(s[s.length - 1]), mean: round(s.reduce((a, b) => a + b, 0) / s.length) };
}

function countBy(values) {
  const out = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

/**
 * wrangler dev's own proxy (ProxyWorker, in front of the Worker) sometimes drops a
 * request: its pooled connection to the Worker idles ~5 s and both sides' 5 s kj
 * timeouts fire together, so a request written at that moment is lost and a non-GET
 * is answered `503 Your worker restarted mid-request` although nothing restarted
 * (cloudflare/workers-sdk#14641; root cause in #15252). That is the local dev server,
 * not this service, so the bench retries exactly that answer (as it says to), counts
 * every occurrence, and reports them. Any other 5xx is kept as the answer.
 */
const DEV_PROXY_503 = "Your worker restarted mid-request";
const devProxy = { dropped: 0, retriedOk: 0 };

/** One HTTP call, timed. Never throws: a network error is status 0. */
async function call(method, url, opts = {}) {
  const t0 = performance.now();
  for (let attempt = 1; ; attempt++) {
    const r = await callOnce(method, url, opts);
    if (!(r.status === 503 && r.text?.startsWith(DEV_PROXY_503)) || attempt === 4) {
      if (attempt > 1 && r.status !== 503) devProxy.retriedOk++;
      return { ...r, ms: performance.now() - t0, attempts: attempt };
    }
    devProxy.dropped++;
    await sleep(50);
  }
}

async function callOnce(method, url, { token, body, headers = {} } = {}) {
  try {
    const res = await fetch(`${BASE}${url}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text };
  } catch (e) {
    return { status: 0, error: e instanceof Error ? `${e.message}${e.cause ? `: ${e.cause.message ?? e.cause}` : ""}` : String(e) };
  }
}

/** Runs `fn(i)` for i in [0, n) with at most `limit` in flight; returns results in order. */
async function pool(n, limit, fn) {
  const out = new Array(n);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= n) return;
      out[i] = await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker));
  return out;
}

/**
 * POST /v1/tasks. When the dev proxy dropped an attempt (see DEV_PROXY_503) and the
 * retry answers 409 name_taken, the dropped attempt did reach the Worker: the task
 * exists, so it is looked up by name and counted as `answer_lost` (not hidden).
 */
async function createTask(key, body) {
  const r = await call("POST", "/v1/tasks", { token: key, body });
  if (r.status === 409 && r.attempts > 1 && r.json?.error?.code === "name_taken") {
    const f = await call("GET", `/v1/tasks?q=${encodeURIComponent(body.name)}&limit=200`, { token: key });
    const t = f.json?.tasks?.find((x) => x.name === body.name);
    if (t) return { ...r, status: 201, id: t.id, answerLost: true };
  }
  return { ...r, id: r.json?.id };
}

async function apiKey(org) {
  const r = await call("POST", "/v1/api-keys", { token: ADMIN_TOKEN, body: { name: `bench ${org}`, org, scopes: ["tasks:read", "tasks:write"] } });
  if (r.status !== 201 || !r.json?.key) throw new Error(`could not create an API key for ${org}: ${r.status} ${r.text ?? r.error}`);
  return r.json.key;
}

/** Pages GET `route` with limit/offset until it is exhausted; checks `total` on every page. */
async function listAll(route, key, field) {
  const items = [];
  const totals = new Set();
  const pageMs = [];
  for (let offset = 0; ; offset += 200) {
    const sep = route.includes("?") ? "&" : "?";
    const r = await call("GET", `${route}${sep}limit=200&offset=${offset}`, { token: key });
    if (r.status !== 200) throw new Error(`GET ${route} offset ${offset} answered ${r.status}: ${r.text ?? r.error}`);
    pageMs.push(r.ms);
    totals.add(r.json.total);
    items.push(...r.json[field]);
    if (r.json[field].length < 200) break;
  }
  return { items, totals: [...totals], pages: pageMs.length, pageMs: percentiles(pageMs) };
}

// ---------------------------------------------------------------- server and sink
const serverErrors = { errorLines: 0, samples: [] };
/** From the server's output: queue batches wrangler delivered, and ticks that did something. */
const serverStats = { queueBatches: [], ticks: [] };
let server;
let serverLog;

/** Copies what `npm start` needs into `dir` (node_modules linked) and returns it. */
function snapshot(dir) {
  mkdirSync(dir, { recursive: true });
  for (const f of ["src", "migrations", "scripts", "wrangler.toml", "package.json", "tsconfig.json", ".dev.vars.example"]) {
    if (existsSync(path.join(ROOT, f))) cpSync(path.join(ROOT, f), path.join(dir, f), { recursive: true });
  }
  symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  return dir;
}

function startServer(stateDir, appDir) {
  const logPath = path.join(stateDir, "server.log");
  serverLog = createWriteStream(logPath);
  const vars = Object.entries(RATE_VARS).flatMap(([k, v]) => ["--var", `${k}:${v}`]);
  const args = ["scripts/start.mjs", "--port", String(PORT), "--persist-to", path.join(stateDir, "state"), ...vars];
  log(`starting: node ${args.join(" ")}  (server log: ${logPath})`);
  // Its own process group, so stopping it reaches npx, wrangler and workerd.
  server = spawn(process.execPath, args, { cwd: appDir, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, FORCE_COLOR: "0" } });
  let buf = "";
  const scan = (chunk) => {
    serverLog.write(chunk);
    buf += chunk.toString();
    const lines = buf.split("\n");
    buf = lines.pop() ?? "";
    for (const line of lines) {
      const q = /QUEUE tasks-runs (\d+)\/(\d+) \((\d+)ms\)/.exec(line);
      if (q) serverStats.queueBatches.push({ at: now(), size: Number(q[2]), ok: Number(q[1]), ms: Number(q[3]) });
      if (line.includes('"event":"tick.')) {
        try {
          const t = JSON.parse(line.slice(line.indexOf("{")));
          if (t.claimed || t.queued || t.swept || t.event !== "tick.finished") serverStats.ticks.push({ event: t.event, now: t.now, claimed: t.claimed, queued: t.queued, swept: t.swept });
        } catch {
          /* not a log line of ours */
        }
      }
      if (/"level":"error"|\bUncaught\b|\bERROR\b|✘/.test(line)) {
        serverErrors.errorLines++;
        if (serverErrors.samples.length < 20) serverErrors.samples.push(line.slice(0, 400));
      }
    }
  };
  server.stdout.on("data", scan);
  server.stderr.on("data", scan);
  server.on("exit", (code, signal) => log(`server exited (${code ?? signal})`));
  return logPath;
}

/** Every descendant pid of `pid` (read from ps), deepest last. */
function descendants(pid) {
  let table;
  try {
    table = execFileSync("ps", ["-eo", "pid=,ppid="], { encoding: "utf8" })
      .trim()
      .split("\n")
      .map((l) => l.trim().split(/\s+/).map(Number));
  } catch {
    return [];
  }
  const out = [];
  const walk = (p) => {
    for (const [c, pp] of table) {
      if (pp === p) {
        out.push(c);
        walk(c);
      }
    }
  };
  walk(pid);
  return out;
}

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function stopServer() {
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

/** A local HTTP target: counts calls per task id (X-Task-Id) and remembers run ids and times. */
function startSink() {
  const calls = new Map(); // task id -> [{at, runId, attempt}]
  let total = 0;
  const srv = createServer((req, res) => {
    const at = now();
    req.resume();
    req.on("end", () => {
      const taskId = req.headers["x-task-id"] ?? "(none)";
      const entry = { at, runId: req.headers["x-run-id"], attempt: req.headers["x-attempt"], signed: Boolean(req.headers["x-signature"]) };
      if (!calls.has(taskId)) calls.set(taskId, []);
      calls.get(taskId).push(entry);
      total++;
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("ok");
    });
  });
  srv.keepAliveTimeout = 5000;
  return new Promise((resolve) =>
    srv.listen(0, "127.0.0.1", () => resolve({ srv, port: srv.address().port, calls, get total() { return total; } })),
  );
}

// ---------------------------------------------------------------- scenarios
const EVENT_SCHEDULE = { kind: "event", event: "bench-never-fired" }; // never due: the tick never sees these
const stamp = Date.now().toString(36);

/** Context for the figures: the same client against a route with no storage, and a cheap authenticated read. */
async function baseline() {
  const key = await apiKey(`bench-base-${stamp}`);
  const measure = async (route, token) => {
    const t0 = performance.now();
    const rs = await pool(BASELINE_REQUESTS, CONCURRENCY, () => call("GET", route, { token }));
    const wall = performance.now() - t0;
    return { route, requests: BASELINE_REQUESTS, statuses: countBy(rs.map((r) => r.status)), per_s: Math.round((BASELINE_REQUESTS / (wall / 1000)) * 10) / 10, latency_ms: percentiles(rs.map((r) => r.ms)) };
  };
  const health = await measure("/healthz");
  const read = await measure("/v1/tasks?limit=1", key);
  return { healthz: health, authenticated_read: read, pass: health.statuses[200] === BASELINE_REQUESTS && read.statuses[200] === BASELINE_REQUESTS, informational: true };
}

async function scenarioA(sinkUrl) {
  const key = await apiKey(`bench-a-${stamp}`);
  const body = { name: "bench same name", type: "http", parameters: { url: sinkUrl }, schedule: EVENT_SCHEDULE };
  await call("GET", "/v1/tasks?limit=1", { token: key }); // warm the credential, not the name
  const t0 = performance.now();
  const results = await Promise.all(Array.from({ length: N_SAME }, () => call("POST", "/v1/tasks", { token: key, body })));
  const wallMs = performance.now() - t0;
  const statuses = countBy(results.map((r) => r.status));
  const codes = countBy(results.filter((r) => r.status === 409).map((r) => r.json?.error?.code));
  const listed = await call("GET", `/v1/tasks?q=${encodeURIComponent("bench same name")}&limit=200`, { token: key });
  const checks = {
    exactly_one_201: (statuses[201] ?? 0) === 1,
    rest_409_name_taken: (statuses[409] ?? 0) === N_SAME - 1 && (codes.name_taken ?? 0) === N_SAME - 1,
    one_task_listed: listed.status === 200 && listed.json.total === 1 && listed.json.tasks.length === 1,
  };
  return {
    requests: N_SAME,
    statuses,
    conflict_codes: codes,
    listed_total: listed.json?.total,
    wall_ms: Math.round(wallMs),
    latency_ms: percentiles(results.map((r) => r.ms)),
    errors: results.filter((r) => r.status !== 201 && r.status !== 409).slice(0, 5).map((r) => r.text?.slice(0, 300) ?? r.error),
    checks,
    pass: Object.values(checks).every(Boolean),
  };
}

async function scenarioB(sinkUrl) {
  const key = await apiKey(`bench-b-${stamp}`);
  const name = (i) => `bench-b-${String(i).padStart(6, "0")}`;
  log(`B: creating ${N_TASKS} tasks, ${CONCURRENCY} in flight`);
  const t0 = performance.now();
  let done = 0;
  const results = await pool(N_TASKS, CONCURRENCY, async (i) => {
    const r = await createTask(key, { name: name(i), type: "http", parameters: { url: `${sinkUrl}/b/${i}` }, schedule: EVENT_SCHEDULE });
    if (++done % 1000 === 0) log(`B: ${done}/${N_TASKS} created (${Math.round(done / ((performance.now() - t0) / 1000))}/s)`);
    return { status: r.status, ms: r.ms, id: r.id, answerLost: r.answerLost, err: r.status === 201 ? undefined : (r.text?.slice(0, 300) ?? r.error) };
  });
  const wallMs = performance.now() - t0;
  const statuses = countBy(results.map((r) => r.status));
  const createdIds = new Set(results.filter((r) => r.status === 201).map((r) => r.id));

  log("B: listing every task page by page (limit 200)");
  const l0 = performance.now();
  const list = await listAll("/v1/tasks", key, "tasks");
  const listMs = performance.now() - l0;
  const listedIds = list.items.map((t) => t.id);
  const uniqueListed = new Set(listedIds);
  const names = new Set(list.items.map((t) => t.name));
  const missing = [...createdIds].filter((id) => !uniqueListed.has(id)).length;
  const checks = {
    all_201: (statuses[201] ?? 0) === N_TASKS,
    listed_count_exact: listedIds.length === N_TASKS,
    listed_no_duplicates: uniqueListed.size === listedIds.length,
    every_created_id_listed: missing === 0 && createdIds.size === N_TASKS,
    every_name_listed: names.size === N_TASKS && Array.from({ length: N_TASKS }, (_, i) => names.has(name(i))).every(Boolean),
    total_exact_on_every_page: list.totals.length === 1 && list.totals[0] === N_TASKS,
  };
  return {
    creates: N_TASKS,
    concurrency: CONCURRENCY,
    statuses,
    created_but_answer_lost: results.filter((r) => r.answerLost).length,
    wall_s: Math.round(wallMs) / 1000,
    creates_per_s: Math.round((N_TASKS / (wallMs / 1000)) * 10) / 10,
    latency_ms: percentiles(results.map((r) => r.ms)),
    errors: results.filter((r) => r.status !== 201).slice(0, 5).map((r) => `${r.status} ${r.err}`),
    list: { pages: list.pages, items: listedIds.length, unique: uniqueListed.size, missing_created_ids: missing, totals_seen: list.totals, wall_s: Math.round(listMs) / 1000, page_latency_ms: list.pageMs },
    checks,
    pass: Object.values(checks).every(Boolean),
  };
}

async function scenarioC(sink, createRate) {
  const key = await apiKey(`bench-c-${stamp}`);
  // Every task is due at the same whole minute D, far enough ahead that all can be created
  // before it. The ticker's tick at D (or the one before it) claims them; none is early.
  const estimateMs = (N_DUE / Math.max(5, createRate)) * 1000;
  const due = Math.ceil((now() + 2 * estimateMs + 15_000) / 60_000) * 60_000;
  const dueIso = new Date(due).toISOString();
  log(`C: creating ${N_DUE} once tasks due at ${dueIso} (in ${Math.round((due - now()) / 1000)} s)`);
  const c0 = performance.now();
  const results = await pool(N_DUE, CONCURRENCY, async (i) => {
    const r = await createTask(key, { name: `bench-c-${String(i).padStart(5, "0")}`, type: "http", parameters: { url: `http://127.0.0.1:${sink.port}/c/${i}` }, schedule: { kind: "once", at: dueIso }, retry: { max_retries: 0 } });
    return { status: r.status, id: r.id, answerLost: r.answerLost, err: r.status === 201 ? undefined : (r.text?.slice(0, 300) ?? r.error) };
  });
  const createdS = Math.round(performance.now() - c0) / 1000;
  const created = results.filter((r) => r.status === 201);
  const ids = new Set(created.map((r) => r.id));
  log(`C: ${created.length}/${N_DUE} created in ${createdS} s, ${Math.round((due - now()) / 1000)} s before they are due`);

  // Wait (bounded) until every task has a finished run according to the API.
  const deadline = due + WAIT_MINUTES * 60_000;
  let succeeded = 0;
  let lastReport = 0;
  const total = async (q) => (await call("GET", `/v1/runs?${q}limit=1`, { token: key })).json?.total;
  while (now() < deadline) {
    succeeded = (await total("status=succeeded&")) ?? succeeded;
    if (succeeded >= ids.size && now() > due) break;
    const pending = now() > due ? ((await total("status=queued&")) ?? 1) + ((await total("status=running&")) ?? 1) : 1;
    const all = now() > due ? ((await total("")) ?? 0) : 0;
    if (now() > due + 30_000 && pending === 0 && all >= ids.size) break; // everything finished, not all succeeded
    if (now() - lastReport > 15_000) {
      lastReport = now();
      log(`C: ${now() < due ? `due in ${Math.round((due - now()) / 1000)} s; ` : ""}runs succeeded ${succeeded}/${ids.size}, sink calls ${sink.total}`);
    }
    await sleep(now() < due - 5000 ? 5000 : 1000);
  }
  const allDoneAt = now();
  // Let the next tick (and its sweep) pass, so a duplicate run would show up.
  const settleUntil = Math.min(deadline + 60_000, Math.ceil((allDoneAt + 1) / 60_000) * 60_000 + 10_000);
  log(`C: ${succeeded}/${ids.size} succeeded; watching for duplicates until the next tick has passed (${Math.round((settleUntil - now()) / 1000)} s)`);
  while (now() < settleUntil) await sleep(1000);

  const runsList = await listAll("/v1/runs", key, "runs");
  const runs = runsList.items;
  const runsByTask = new Map();
  for (const r of runs) runsByTask.set(r.task_id, [...(runsByTask.get(r.task_id) ?? []), r]);
  const runStatuses = countBy(runs.map((r) => r.status));
  const triggers = countBy(runs.map((r) => r.trigger));
  const tasksWithOneRun = [...ids].filter((id) => (runsByTask.get(id) ?? []).length === 1).length;
  const tasksWithSucceeded = [...ids].filter((id) => (runsByTask.get(id) ?? []).some((r) => r.status === "succeeded")).length;
  const sinkCounts = [...ids].map((id) => (sink.calls.get(id) ?? []).length);
  const callsPerTask = countBy(sinkCounts);
  const unknownCalls = [...sink.calls.keys()].filter((id) => !ids.has(id)).length;
  const runIdMatches = [...ids].filter((id) => {
    const c = sink.calls.get(id) ?? [];
    const r = runsByTask.get(id) ?? [];
    return c.length === 1 && r.length === 1 && c[0].runId === r[0].id;
  }).length;
  const firstCalls = [...ids].map((id) => sink.calls.get(id)?.[0]?.at).filter((x) => x !== undefined);
  const lateness = firstCalls.map((at) => at - due);
  const startedLate = runs.filter((r) => r.started_at).map((r) => Date.parse(r.started_at) - Date.parse(r.scheduled_for));
  const finishedAts = runs.filter((r) => r.finished_at).map((r) => Date.parse(r.finished_at));
  const startedAts = runs.filter((r) => r.started_at).map((r) => Date.parse(r.started_at));
  const lastFinished = finishedAts.length ? Math.max(...finishedAts) : null;
  const firstStarted = startedAts.length ? Math.min(...startedAts) : null;
  const runsScheduledForDue = runs.filter((r) => Date.parse(r.scheduled_for) === due).length;
  // How many runs were executing at once (from the API's started_at/finished_at).
  const edges = runs
    .filter((r) => r.started_at && r.finished_at)
    .flatMap((r) => [[Date.parse(r.started_at), 1], [Date.parse(r.finished_at), -1]])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let running = 0;
  let maxRunning = 0;
  for (const [, d] of edges) maxRunning = Math.max(maxRunning, (running += d));
  const durations = runs.filter((r) => r.started_at && r.finished_at).map((r) => Date.parse(r.finished_at) - Date.parse(r.started_at));
  const batches = serverStats.queueBatches.filter((b) => b.at >= due - 1000);
  const earliestCall = firstCalls.length ? Math.min(...firstCalls) : null;
  const checks = {
    all_created: ids.size === N_DUE,
    every_task_succeeded: tasksWithSucceeded === N_DUE,
    exactly_one_run_per_task: tasksWithOneRun === N_DUE && runs.length === N_DUE,
    runs_total_exact: runsList.totals.length === 1 && runsList.totals[0] === N_DUE,
    every_target_called_exactly_once: (callsPerTask[1] ?? 0) === N_DUE && unknownCalls === 0,
    call_matches_run_id: runIdMatches === N_DUE,
    none_early: earliestCall === null || earliestCall >= due,
    scheduled_for_is_due: runsScheduledForDue === runs.length,
  };
  return {
    tasks: N_DUE,
    due_at: dueIso,
    created: created.length,
    created_but_answer_lost: results.filter((r) => r.answerLost).length,
    create_errors: results.filter((r) => r.status !== 201).slice(0, 5).map((r) => `${r.status} ${r.err}`),
    create_s: createdS,
    runs: runs.length,
    run_statuses: runStatuses,
    run_triggers: triggers,
    sink_calls: sink.total,
    sink_calls_per_task: callsPerTask,
    sink_calls_unknown_task: unknownCalls,
    due_to_last_finished_s: lastFinished === null ? null : Math.round(lastFinished - due) / 1000,
    due_to_last_call_s: firstCalls.length ? Math.round(Math.max(...firstCalls) - due) / 1000 : null,
    start_lateness_ms: percentiles(lateness),
    api_start_lateness_ms: percentiles(startedLate),
    run_duration_ms: percentiles(durations),
    max_runs_executing_at_once: maxRunning,
    queue_batches_after_due: { n: batches.length, sizes: countBy(batches.map((b) => b.size)), batch_ms: percentiles(batches.map((b) => b.ms)) },
    ticks: serverStats.ticks.filter((t) => !t.now || Date.parse(t.now) >= due - 120_000),
    runs_per_s: lastFinished && firstStarted && lastFinished > firstStarted ? Math.round((runs.length / ((lastFinished - firstStarted) / 1000)) * 10) / 10 : null,
    wait_s: Math.round((allDoneAt - due) / 1000),
    checks,
    pass: Object.values(checks).every(Boolean),
  };
}

// ---------------------------------------------------------------- report
function versions() {
  const pkg = (p) => {
    try {
      return JSON.parse(readFileSync(path.join(ROOT, "node_modules", p, "package.json"), "utf8")).version;
    } catch {
      return null;
    }
  };
  let commit = null;
  let dirty = null;
  let dirtyFiles = [];
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
    dirtyFiles = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: ROOT, encoding: "utf8" })
      .split("\n")
      .filter(Boolean)
      .map((l) => l.slice(3));
    dirty = dirtyFiles.length > 0;
  } catch {
    /* not a git checkout */
  }
  return {
    node: process.version,
    wrangler: pkg("wrangler"),
    workerd: pkg("workerd"),
    miniflare: pkg("miniflare"),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpu: os.cpus()[0]?.model ?? null,
    cores: os.cpus().length,
    memory_gb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    load_average_at_start: os.loadavg().map((x) => Math.round(x * 100) / 100),
    git_commit: commit,
    git_dirty: dirty,
    git_dirty_files: dirtyFiles.slice(0, 30),
  };
}

const fmt = (p) => (p && p.n ? `${p.p50} / ${p.p95} / ${p.p99} / ${p.max}` : "–");
const mark = (ok) => (ok ? "PASS" : "**FAIL**");

function markdown(r) {
  const { A, B, C, baseline: base } = r.scenarios;
  const lines = [
    `# Load bench — ${r.finished_at}`,
    "",
    `\`npm run bench\` on ${r.machine.cores} cores (${r.machine.cpu ?? "unknown CPU"}, ${r.machine.memory_gb} GB), Node ${r.machine.node}, wrangler ${r.machine.wrangler} (local \`wrangler dev\`, SQLite-backed D1, ` +
      `local Queues/DOs), commit ${r.machine.git_commit}${r.machine.git_dirty ? " + uncommitted changes" : ""}. Rate limits raised for the bench (${Object.entries(r.config.rate_limit_vars).map(([k, v]) => `${k}=${v}`).join(", ")}). ` +
      "Figures are this machine's, not production's.",
    "",
    "| Scenario | Check | Result | Figures |",
    "|---|---|---|---|",
  ];
  if (base?.healthz) {
    lines.push(
      `| (baseline) ${base.healthz.requests} × GET /healthz, then GET /v1/tasks?limit=1, ${CONCURRENCY} in flight | context only | ${base.pass ? "ok" : "errors"} | /healthz ${base.healthz.per_s} req/s, p50/p95/p99/max ${fmt(base.healthz.latency_ms)} ms; authenticated read ${base.authenticated_read.per_s} req/s, ${fmt(base.authenticated_read.latency_ms)} ms |`,
    );
  }
  if (A) {
    lines.push(
      `| A. ${A.requests ?? N_SAME} concurrent creates, same name | exactly one 201, ${(A.requests ?? N_SAME) - 1} × 409 \`name_taken\` | ${mark(A.pass)} | statuses ${JSON.stringify(A.statuses ?? {})}; latency p50/p95/p99/max ${fmt(A.latency_ms)} ms; all ${A.requests} answered in ${A.wall_ms} ms |`,
    );
  }
  if (B) {
    lines.push(
      `| B. ${B.creates ?? N_TASKS} creates, ${B.concurrency ?? CONCURRENCY} in flight | all 201; paging lists each once; \`total\` exact | ${mark(B.pass)} | ${B.creates_per_s ?? "–"} creates/s (${B.wall_s ?? "–"} s); latency p50/p95/p99/max ${fmt(B.latency_ms)} ms; statuses ${JSON.stringify(B.statuses ?? {})}; listed ${B.list?.items ?? "–"} (${B.list?.unique ?? "–"} unique) in ${B.list?.pages ?? "–"} pages / ${B.list?.wall_s ?? "–"} s, totals seen ${JSON.stringify(B.list?.totals_seen ?? [])} |`,
    );
  }
  if (C) {
    lines.push(
      `| C. ${C.tasks ?? N_DUE} tasks due the same minute | each runs exactly once (API runs + sink calls) | ${mark(C.pass)} | due → last run finished ${C.due_to_last_finished_s ?? "–"} s; start lateness at the sink p50/p95/p99/max ${fmt(C.start_lateness_ms)} ms; ${C.runs_per_s ?? "–"} runs/s, at most ${C.max_runs_executing_at_once ?? "–"} executing at once, run duration p50 ${C.run_duration_ms?.p50 ?? "–"} ms; runs ${C.runs ?? "–"} ${JSON.stringify(C.run_statuses ?? {})}; sink calls per task ${JSON.stringify(C.sink_calls_per_task ?? {})} |`,
    );
  }
  lines.push("", "Checks:", "");
  for (const [name, s] of Object.entries(r.scenarios)) {
    if (s.error) lines.push(`- ${name}: **error** — ${s.error}`);
    for (const [check, ok] of Object.entries(s.checks ?? {})) lines.push(`- ${name}: ${check} — ${ok ? "ok" : "**FAILED**"}`);
  }
  const perScenario = Object.entries(r.scenarios)
    .map(([n, x]) => `${n} ${x.dev_proxy_503_retried ?? 0}`)
    .join(", ");
  const lost = (B?.created_but_answer_lost ?? 0) + (C?.created_but_answer_lost ?? 0);
  lines.push(
    "",
    `Server error log lines during the run: ${r.server.error_lines}. ` +
      `Requests dropped by wrangler dev's local proxy (503 "Your worker restarted mid-request" with no restart, cloudflare/workers-sdk#14641) and retried by the bench: ${r.server.dev_proxy_503_retried} (${perScenario}); ` +
      `of those, creates that had in fact reached the Worker (retry answered 409, task found by name): ${lost}. Every other answer is counted as it came.`,
  );
  lines.push("", `Details: \`${path.relative(path.join(ROOT, "bench"), r.json_path)}\`.`, "");
  return lines.join("\n");
}

// ---------------------------------------------------------------- main
async function main() {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), "tasks-bench-"));
  const started = new Date();
  const report = {
    started_at: started.toISOString(),
    finished_at: null,
    config: { port: PORT, same_name: N_SAME, tasks: N_TASKS, due: N_DUE, concurrency: CONCURRENCY, wait_minutes: WAIT_MINUTES, rate_limit_vars: RATE_VARS, state_dir: stateDir },
    machine: versions(),
    startup_s: null,
    scenarios: {},
    server: {},
    pass: false,
  };
  let sink;
  let interrupted = false;
  const onSignal = async () => {
    if (interrupted) return;
    interrupted = true;
    log("interrupted: stopping everything");
    await stopServer();
    sink?.srv.close();
    process.exit(130);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  try {
    const pre = await call("GET", "/healthz");
    if (pre.status !== 0) throw new Error(`something already answers on ${BASE}; pick another --port`);
    sink = await startSink();
    const sinkUrl = `http://127.0.0.1:${sink.port}/hook`;
    log(`sink listening on ${sinkUrl}`);
    const appDir = IN_PLACE ? ROOT : snapshot(path.join(stateDir, "app"));
    report.config.app_dir = appDir;
    const logPath = startServer(stateDir, appDir);
    report.server.log = logPath;
    const t0 = now();
    for (;;) {
      if ((await call("GET", "/healthz")).status === 200) break;
      if (server.exitCode !== null) throw new Error(`the server exited early (code ${server.exitCode}); see ${logPath}`);
      if (now() - t0 > 240_000) throw new Error(`no /healthz within 240 s; see ${logPath}`);
      await sleep(500);
    }
    report.startup_s = Math.round(now() - t0) / 1000;
    log(`server up in ${report.startup_s} s`);

    const run = async (name, fn) => {
      log(`scenario ${name}`);
      const errorsBefore = serverErrors.errorLines;
      const loadBefore = os.loadavg()[0];
      const proxyBefore = { ...devProxy };
      try {
        report.scenarios[name] = await fn();
      } catch (e) {
        report.scenarios[name] = { pass: false, error: e instanceof Error ? e.message : String(e) };
      }
      report.scenarios[name].server_error_lines = serverErrors.errorLines - errorsBefore;
      report.scenarios[name].dev_proxy_503_retried = devProxy.dropped - proxyBefore.dropped;
      report.scenarios[name].load_average_1m = { before: Math.round(loadBefore * 100) / 100, after: Math.round(os.loadavg()[0] * 100) / 100 };
      log(`scenario ${name}: ${report.scenarios[name].pass ? "PASS" : "FAIL"}`);
    };
    if (BASELINE_REQUESTS > 0) await run("baseline", baseline);
    await run("A", () => scenarioA(sinkUrl));
    await run("B", () => scenarioB(sinkUrl));
    await run("C", () => scenarioC(sink, report.scenarios.B?.creates_per_s ?? 50));
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

  const keep = KEEP_STATE || !report.pass;
  if (!keep) report.server.log = "(removed with the temporary directory after a passing run; --keep-state keeps it)";
  mkdirSync(RESULTS, { recursive: true });
  const jsonPath = path.join(RESULTS, `load-${report.finished_at.slice(0, 10)}.json`);
  report.json_path = jsonPath;
  writeFileSync(jsonPath, `${JSON.stringify({ ...report, json_path: path.relative(ROOT, jsonPath) }, null, 2)}\n`);
  const md = markdown(report);
  writeFileSync(path.join(RESULTS, "latest.md"), md);
  console.log(`\n${md}`);
  log(`wrote ${path.relative(ROOT, jsonPath)} and bench/results/latest.md`);
  if (!keep) {
    rmSync(path.join(stateDir, "app", "node_modules"), { force: true }); // the link, never what it points to
    rmSync(stateDir, { recursive: true, force: true });
  }
  else log(`state and server log kept in ${stateDir}`);
  process.exit(report.pass ? 0 : 1);
}

main();
