// Writes a burst run to bench/results/burst-<n>-<date>.json and rebuilds
// bench/results/burst.md from the latest JSON of every N, so the 1k and the 10k runs
// (made at different times) sit in one page, each with its machine and commit.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { RESULTS } from "../load/config.mjs";
import { log } from "../load/util.mjs";
import { cell } from "./lateness.mjs";
import { burstTargets } from "./targets.mjs";

/** Writes the JSON, rebuilds burst.md, prints this run's section. */
export function writeBurst(report) {
  mkdirSync(RESULTS, { recursive: true });
  const name = `burst-${report.config.n}-${report.finished_at.slice(0, 10)}.json`;
  writeFileSync(path.join(RESULTS, name), `${JSON.stringify(report, null, 2)}\n`);
  const latest = new Map();
  for (const f of readdirSync(RESULTS).filter((x) => /^burst-\d+-.*\.json$/.test(x))) {
    const r = JSON.parse(readFileSync(path.join(RESULTS, f), "utf8"));
    if (!latest.has(r.config.n) || latest.get(r.config.n).finished_at < r.finished_at) latest.set(r.config.n, { ...r, file: f });
  }
  const sections = [...latest.values()].sort((a, b) => a.config.n - b.config.n).map(section);
  const intro =
    "# Burst bench\n\n`npm run bench:burst -- --n N [--peers]`: N tasks due at one instant; lateness = sink receive time − due. See bench/README.md.\n";
  writeFileSync(path.join(RESULTS, "burst.md"), [intro, ...sections].join("\n"));
  console.log(`\n${section({ ...report, file: name })}`);
  log(`wrote bench/results/${name} and bench/results/burst.md`);
}

const ms = (x) => (typeof x === "number" ? `${x} ms` : "n/a (no duration_ms logged)");
const row = (name, x) =>
  x?.error
    ? `| ${name} | error: ${x.error} | | | | | |`
    : `| ${name} | ${cell(x?.lateness_ms)} | ${x?.early ?? "–"} | ${x?.missing ?? "–"} | ${x?.doubled ?? "–"} | ${x?.api_check_error ? "API unreadable (below)" : JSON.stringify(x?.api_runs_per_task ?? x?.handler_runs_per_job ?? {})} | ${x?.due_to_last_call_s ?? "–"} |`;

/** One N's section of burst.md. */
function section(r) {
  const m = r.machine;
  const o = r.ours ?? {};
  const lines = [
    `## N = ${r.config.n} — ${r.finished_at}`,
    "",
    `${m.cores} cores (${m.cpu ?? "?"}), Node ${m.node}, wrangler ${m.wrangler}, workerd ${m.workerd}, commit ${m.git_commit}${m.git_dirty ? " + changes" : ""}, load ${m.load_average_at_start?.join(" ")}. ${r.config.runtime ?? "local `wrangler dev`"}${r.config.server_vars?.RUN_LOG ? ` with RUN_LOG=${r.config.server_vars.RUN_LOG}` : ""}; figures are this machine's. \`${r.file}\`.`,
    "",
    "| System | lateness p50 / p90 / p99 / max (ms) | early | missing | doubled | runs per task (API / handler) | due → last call (s) |",
    "|---|---|---|---|---|---|---|",
  ];
  if (r.ours) lines.push(row("ours (Workers: D1 + Queues + DO)", o));
  if (r.peers?.skipped) lines.push(`| peers | skipped: ${r.peers.skipped} | | | | | |`);
  else if (r.peers) for (const [k, v] of Object.entries(r.peers)) lines.push(row(k, v));
  if (r.error) lines.push("", `**Error:** ${r.error}`);
  if (o?.api_check_error)
    lines.push(
      "",
      `**The API's run list could not be read after the burst** (${o.api_check_error}): under \`wrangler dev\` the dev server's inspector proxy posts 4 debug lines per subrequest of the Worker over connections that outlive them, and a burst of this size leaves the dev server without file descriptors. The sink's counts (missing, doubled) stand; runs per task in the API were not checked.`,
    );
  if (r.ours) {
    const c = o.claim ?? {};
    lines.push(
      "",
      `Ours: ${o.created}/${r.config.n} created in ${o.create_s} s (${o.created_after_due ?? 0} after due), due ${o.due_at}, lead ${o.lead_s} s. ` +
        `Time to claim: ${ms(c.claim_ms_sum)} in ${c.ticks_that_queued ?? 0} tick(s) that queued ${c.runs_queued_by_ticks ?? 0} runs (first tick start → last claim ${ms(c.claim_span_ms)}); ` +
        `${Math.max(0, (o.created ?? 0) - (c.runs_queued_by_ticks ?? 0))} not queued by a tick (claimed at write, or never).`,
      "",
      `Cost per run (from the server log: the consumer's runs.batch costs, or run.finished ones, plus tick cost spread over the runs it queued): ${
        o.cost?.per_run
          ? Object.entries(o.cost.per_run)
              .map(([k, v]) => `${k} ${v}`)
              .join(", ")
          : "n/a (the engine logs no cost yet)"
      }.`,
      `Dollars per million runs at list prices (bench/burst/prices.mjs, checked ${r.prices_checked}): ${
        o.dollars
          ? `$${o.dollars.usd_per_million_runs} (${Object.entries(o.dollars.lines)
              .map(([k, v]) => `${k} $${v}`)
              .join(
                ", ",
              )}; CPU ${o.dollars.cpu_ms_per_run} ms/run${o.dollars.cpu_ms_assumed ? " assumed" : ""}; not logged: ${o.dollars.not_logged_counted_as_zero.join(", ") || "none"})`
          : "n/a"
      } vs QStash $${r.qstash_usd_per_million}.`,
    );
  }
  lines.push("", "| Target | Value | Result |", "|---|---|---|");
  for (const t of burstTargets(r)) lines.push(`| ${t.target} | ${t.value} | ${t.result} |`);
  if (r.peers && !r.peers.skipped) {
    lines.push("", "Peer settings:", "");
    for (const [k, v] of Object.entries(r.peers)) lines.push(`- ${k}: ${v.settings ?? v.error}`);
  }
  lines.push("");
  return lines.join("\n");
}
