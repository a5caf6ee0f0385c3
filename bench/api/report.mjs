// The API bench's verdict and its two files: every figure in results/api-<date>.json,
// and a table in results/api.md (also printed).
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { RESULTS, ROOT } from "../load/config.mjs";
import { log } from "../load/util.mjs";

/** Issue 12's targets, as ratios of /healthz's successful requests per second. */
export const TARGETS = {
  list: { route: "GET /v1/tasks?limit=10 (API key)", min_ratio: 0.5, max_p99_ms: 100 },
  create: { route: "POST /v1/tasks (API key)", min_ratio: 0.3 },
  preview: { route: "POST /v1/schedules/preview (API key)" },
};

const round2 = (x) => Math.round(x * 100) / 100;

/** Adds `ratios`, `checks` and `pass` to the report. */
export function judge(report) {
  const base = report.routes.healthz?.per_s;
  report.ratios = {};
  report.checks = {};
  for (const [name, r] of Object.entries(report.routes)) {
    if (name !== "healthz" && base) report.ratios[name] = round2(r.per_s / base);
    report.checks[`${name}: every request answered as expected`] = r.requests > 0 && r.errors.length === 0;
  }
  for (const [name, t] of Object.entries(TARGETS)) {
    if (t.min_ratio !== undefined)
      report.checks[`${name}: at least ${t.min_ratio}x healthz req/s`] = (report.ratios[name] ?? 0) >= t.min_ratio;
    if (t.max_p99_ms !== undefined) {
      report.checks[`${name}: p99 <= ${t.max_p99_ms} ms`] =
        (report.routes[name]?.latency_ms.p99 ?? Number.POSITIVE_INFINITY) <= t.max_p99_ms;
    }
  }
  report.checks["list total exact after the creates"] =
    report.list_total_after !== undefined && report.list_total_after === report.list_total_expected;
  report.pass = !report.error && Object.values(report.checks).every(Boolean);
}

/** Writes results/api-<date>.json and results/api.md and prints the table. */
export function writeApiResults(report) {
  mkdirSync(RESULTS, { recursive: true });
  const jsonPath = path.join(RESULTS, `api-${report.finished_at.slice(0, 10)}.json`);
  writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  const md = markdown(report, path.relative(path.join(ROOT, "bench"), jsonPath));
  writeFileSync(path.join(RESULTS, "api.md"), md);
  console.log(`\n${md}`);
  log(`wrote ${path.relative(ROOT, jsonPath)} and bench/results/api.md`);
}

function markdown(r, jsonRel) {
  const m = r.machine;
  const c = r.config;
  const lines = [
    `# API bench — ${r.finished_at}`,
    "",
    `\`npm run bench:api\` on ${m.cores} cores (${m.cpu ?? "unknown CPU"}), Node ${m.node}, wrangler ${m.wrangler}, ${c.runtime ?? "local `wrangler dev` via `scripts/start.mjs`"}, commit ${m.git_commit}${m.git_dirty ? " + uncommitted changes" : ""}. ${c.connections} connections, ` +
      `${c.warmup_s} s warm-up then ${c.seconds} s per route, ${c.seed_tasks} tasks seeded, rate limits raised ` +
      `(${Object.entries(c.rate_limit_vars)
        .map(([k, v]) => `${k}=${v}`)
        .join(", ")}). Load average ${m.load_average_at_start.join(" ")} at start, ${m.load_average_at_end.join(" ")} at end.`,
    "",
    "| Route | req/s | × healthz | p50 | p90 | p99 | max (ms) | statuses |",
    "|---|---|---|---|---|---|---|---|",
  ];
  const names = { healthz: "GET /healthz (no auth)", ...Object.fromEntries(Object.entries(TARGETS).map(([k, t]) => [k, t.route])) };
  for (const [name, x] of Object.entries(r.routes)) {
    const l = x.latency_ms;
    lines.push(
      `| ${names[name] ?? name} | ${x.per_s} | ${name === "healthz" ? "1" : (r.ratios[name] ?? "–")} | ${l.p50} | ${l.p90} | ${l.p99} | ${l.max} | ${JSON.stringify(x.statuses)} |`,
    );
  }
  lines.push("", "Checks:", "");
  if (r.error) lines.push(`- **error** — ${r.error}`);
  for (const [check, ok] of Object.entries(r.checks)) lines.push(`- ${check} — ${ok ? "ok" : "**FAILED**"}`);
  lines.push("", `Details: \`${jsonRel}\`. Figures are this machine's local dev server, not production's.`, "");
  return lines.join("\n");
}
