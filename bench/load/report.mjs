// Writes the run's results: every figure to bench/results/load-<date>.json, and a
// table a reader can take in at once to bench/results/latest.md (also printed).
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { CONCURRENCY, N_DUE, N_SAME, N_TASKS, RESULTS, ROOT } from "./config.mjs";
import { log } from "./util.mjs";

const fmt = (p) => (p?.n ? `${p.p50} / ${p.p95} / ${p.p99} / ${p.max}` : "–");
const mark = (ok) => (ok ? "PASS" : "**FAIL**");

/** Writes both files and prints the table; sets `report.json_path` (absolute) for the table's link. */
export function writeResults(report) {
  mkdirSync(RESULTS, { recursive: true });
  const jsonPath = path.join(RESULTS, `load-${report.finished_at.slice(0, 10)}.json`);
  report.json_path = jsonPath;
  writeFileSync(jsonPath, `${JSON.stringify({ ...report, json_path: path.relative(ROOT, jsonPath) }, null, 2)}\n`);
  const md = markdown(report);
  writeFileSync(path.join(RESULTS, "latest.md"), md);
  console.log(`\n${md}`);
  log(`wrote ${path.relative(ROOT, jsonPath)} and bench/results/latest.md`);
}

/** The latest.md table; tolerates scenarios that errored (missing fields print as –). */
export function markdown(r) {
  const { A, B, C, baseline: base } = r.scenarios;
  const lines = [
    `# Load bench — ${r.finished_at}`,
    "",
    `\`npm run bench\` on ${r.machine.cores} cores (${r.machine.cpu ?? "unknown CPU"}, ${r.machine.memory_gb} GB), Node ${r.machine.node}, wrangler ${r.machine.wrangler} (local \`wrangler dev\`, SQLite-backed D1, ` +
      `local Queues/DOs), commit ${r.machine.git_commit}${r.machine.git_dirty ? " + uncommitted changes" : ""}. Rate limits raised for the bench (${Object.entries(
        r.config.rate_limit_vars,
      )
        .map(([k, v]) => `${k}=${v}`)
        .join(", ")}). ` +
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
