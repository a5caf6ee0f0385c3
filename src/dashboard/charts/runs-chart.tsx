import type { components } from "../../client";
import { duration } from "../format/duration";

type Run = components["schemas"]["Run"];

const W = 720;
const H = 220;
const PAD = { left: 56, right: 12, top: 12, bottom: 36 };
const FAILED = new Set(["failed", "timed_out"]);
const NO_DURATION = new Set(["skipped", "canceled", "queued", "running"]);

/**
 * The last runs' durations over time as server-rendered SVG: one mark per run, oldest on the
 * left, coloured and shaped by status (circles for successes, triangles for failures, squares
 * on the baseline for runs without a duration: skipped, canceled, not finished), each with a
 * <title> tooltip. The chart is an image with a text summary; the table beside it has the data.
 */
export function RunsChart(props: { runs: readonly Run[] }) {
  const runs = [...props.runs].reverse();
  if (runs.length === 0) return <p class="muted">No runs yet.</p>;
  const max = Math.max(1, ...runs.map((r) => r.duration_ms ?? 0));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (runs.length === 1 ? plotW / 2 : (i / (runs.length - 1)) * plotW);
  const y = (ms: number) => PAD.top + plotH - (ms / max) * plotH;
  const counts = new Map<string, number>();
  for (const r of runs) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  const summary = `Durations of the last ${runs.length} runs, oldest first. ${[...counts].map(([s, n]) => `${n} ${s}`).join(", ")}. Longest ${duration(max)}.`;
  const first = runs[0]?.scheduled_for.slice(0, 16).replace("T", " ");
  const last = runs[runs.length - 1]?.scheduled_for.slice(0, 16).replace("T", " ");
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="runs-chart-title runs-chart-desc" class="runs-chart">
        <title id="runs-chart-title">Run durations</title>
        <desc id="runs-chart-desc">{summary}</desc>
        <line class="axis" x1={PAD.left} y1={PAD.top + plotH} x2={W - PAD.right} y2={PAD.top + plotH} />
        <line class="axis" x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={PAD.top + plotH} />
        <text class="tick" x={PAD.left - 6} y={PAD.top + 10} text-anchor="end">
          {duration(max)}
        </text>
        <text class="tick" x={PAD.left - 6} y={PAD.top + plotH} text-anchor="end">
          0
        </text>
        <text class="tick" x={PAD.left} y={H - 10}>
          {`${first} UTC`}
        </text>
        <text class="tick" x={W - PAD.right} y={H - 10} text-anchor="end">
          {`${last} UTC`}
        </text>
        {runs.map((r, i) => {
          const label = `${r.status} · ${r.trigger} · scheduled ${r.scheduled_for} · ${duration(r.duration_ms)}${r.reason ? ` · ${r.reason}` : ""}`;
          const cx = x(i);
          if (NO_DURATION.has(r.status) || r.duration_ms === null) {
            return (
              <rect class={`mark s-${r.status}`} x={cx - 4} y={PAD.top + plotH - 9} width="8" height="8">
                <title>{label}</title>
              </rect>
            );
          }
          const cy = y(r.duration_ms);
          if (FAILED.has(r.status)) {
            return (
              <path class={`mark s-${r.status}`} d={`M${cx} ${cy - 6} L${cx + 6} ${cy + 5} L${cx - 6} ${cy + 5} Z`}>
                <title>{label}</title>
              </path>
            );
          }
          return (
            <circle class={`mark s-${r.status}`} cx={cx} cy={cy} r="4">
              <title>{label}</title>
            </circle>
          );
        })}
      </svg>
      <figcaption class="legend">
        <span class="key s-succeeded">● succeeded</span> <span class="key s-failed">▲ failed / timed out</span>{" "}
        <span class="key s-skipped">■ skipped, canceled or not finished (no duration)</span>
      </figcaption>
    </figure>
  );
}
