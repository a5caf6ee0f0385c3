// Writes a precision run to bench/results/precision-<date>.json and
// bench/results/precision.md (also printed).
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { RESULTS } from "../load/config.mjs";
import { log } from "../load/util.mjs";
import { TARGET_P99_MS } from "./summary.mjs";

const fmt = (p) => (p?.n ? `${p.p50} / ${p.p99} / ${p.max}` : "–");
const ok = (b) => (b ? "PASS" : "FAIL");

/** Both files; the markdown is one table per split plus the targets. */
export function writePrecision(report) {
  mkdirSync(RESULTS, { recursive: true });
  const name = `precision-${report.finished_at.slice(0, 10)}.json`;
  writeFileSync(path.join(RESULTS, name), `${JSON.stringify(report, null, 2)}\n`);
  const m = report.machine;
  const r = report.result ?? {};
  const lines = [
    `# Precision bench — ${report.finished_at}`,
    "",
    `\`npm run bench:precision\`: light load — ${report.config.per_minute} one-off tasks a minute (once and delayed; some at second 0, most mid-minute) and ${report.config.crons} minutely crons over ${report.config.minutes} minute(s). Lateness = sink receive time − due. ` +
      `${m.cores} cores (${m.cpu ?? "?"}), Node ${m.node}, wrangler ${m.wrangler}, commit ${m.git_commit}${m.git_dirty ? " + changes" : ""}; ${report.config.runtime ?? "local `wrangler dev`"}, this machine's figures. \`${name}\`.`,
    "",
  ];
  if (report.error) lines.push(`**Error:** ${report.error}`, "");
  if (r.all) {
    lines.push(
      `Window ${r.window.start} → ${r.window.end}; occurrences ${JSON.stringify(r.slots_by_kind)}.`,
      "",
      "| Due | occurrences | lateness p50 / p99 / max (ms) | early | missing | doubled | p99 ≤ 500 ms | none early |",
      "|---|---|---|---|---|---|---|---|",
    );
    for (const [label, key] of [
      ["on a minute boundary (second 0)", "boundary"],
      ["mid-minute", "mid_minute"],
      ["all", "all"],
    ]) {
      const v = r[key];
      const t = r.targets[key];
      lines.push(
        `| ${label} | ${v.jobs} | ${fmt(v.lateness_ms)} | ${v.early} | ${v.missing} | ${v.doubled} | ${ok(t.p99_ok)} | ${ok(t.none_early)} |`,
      );
    }
    lines.push(
      "",
      `Target (light load): lateness p99 ≤ ${TARGET_P99_MS} ms and none early — ${ok(r.targets.all.p99_ok && r.targets.all.none_early)}. ` +
        `Calls for no planned occurrence: ${r.calls_for_unplanned_slots}; cron calls for occurrences outside the window (not measured): ${r.cron_calls_outside_window}.`,
    );
  }
  lines.push("");
  const md = lines.join("\n");
  writeFileSync(path.join(RESULTS, "precision.md"), md);
  console.log(`\n${md}`);
  log(`wrote bench/results/${name} and bench/results/precision.md`);
}
