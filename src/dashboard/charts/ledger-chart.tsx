import { isoDay } from "../format/timeline";

export type DayCounts = { day: string; skipped: number; failed: number; late: number };

const W = 720;
const H = 200;
const PAD = { left: 36, right: 8, top: 10, bottom: 40 };
const SERIES = [
  ["skipped", "did not run"],
  ["failed", "final failures"],
  ["late", "started > 5 s late"],
] as const;

/** Counts per UTC day for the `days` days ending with `today` (epoch ms of its midnight). */
export function countByDay(entries: { at: string; kind: "skipped" | "failed" | "late" }[], today: number, days: number): DayCounts[] {
  const out = Array.from({ length: days }, (_, i) => ({
    day: isoDay(today - (days - 1 - i) * 86_400_000),
    skipped: 0,
    failed: 0,
    late: 0,
  }));
  const index = new Map(out.map((d, i) => [d.day, i]));
  for (const e of entries) {
    const i = index.get(e.at.slice(0, 10));
    const d = i === undefined ? undefined : out[i];
    if (d) d[e.kind] += 1;
  }
  return out;
}

/** A stacked bar per day: what did not run, final failures and late starts. */
export function LedgerChart(props: { days: DayCounts[] }) {
  const max = Math.max(1, ...props.days.map((d) => d.skipped + d.failed + d.late));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const bw = plotW / props.days.length;
  const total = (k: (typeof SERIES)[number][0]) => props.days.reduce((n, d) => n + d[k], 0);
  const summary = `Per day over the last ${props.days.length} days (UTC): ${SERIES.map(([k, text]) => `${total(k)} ${text}`).join(", ")}.`;
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="ledger-chart-title ledger-chart-desc" class="runs-chart">
        <title id="ledger-chart-title">Missed, failed and late runs per day</title>
        <desc id="ledger-chart-desc">{summary}</desc>
        <line class="axis" x1={PAD.left} y1={PAD.top + plotH} x2={W - PAD.right} y2={PAD.top + plotH} />
        <text class="tick" x={PAD.left - 6} y={PAD.top + 10} text-anchor="end">
          {String(max)}
        </text>
        {props.days.map((d, i) => {
          let y = PAD.top + plotH;
          const x = PAD.left + i * bw + 2;
          return (
            <g>
              {SERIES.map(([k, text]) => {
                const h = (d[k] / max) * plotH;
                y -= h;
                return d[k] > 0 ? (
                  <rect class={`bar b-${k}`} x={x} y={y} width={Math.max(1, bw - 4)} height={h}>
                    <title>{`${d.day}: ${d[k]} ${text}`}</title>
                  </rect>
                ) : null;
              })}
              {i % 2 === 0 && (
                <text class="tick" x={x + (bw - 4) / 2} y={H - 22} text-anchor="middle">
                  {d.day.slice(5)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption class="legend">
        <span class="key b-skipped">■ did not run</span> <span class="key b-failed">■ final failure</span>{" "}
        <span class="key b-late">■ started more than 5 s late</span>
      </figcaption>
    </figure>
  );
}
