// Summaries of measured values, in the shapes the results JSON records.

/** n, min, p50, p90, p95, p99, max and mean (nearest-rank percentiles, rounded to 0.1). */
export function percentiles(values) {
  if (values.length === 0) return { n: 0 };
  const s = [...values].sort((a, b) => a - b);
  const at = (p) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
  const round = (x) => Math.round(x * 10) / 10;
  return {
    n: s.length,
    min: round(s[0]),
    p50: round(at(50)),
    p90: round(at(90)),
    p95: round(at(95)),
    p99: round(at(99)),
    max: round(s[s.length - 1]),
    mean: round(s.reduce((a, b) => a + b, 0) / s.length),
  };
}

/** How many times each value occurs, e.g. { 201: 49, 409: 1 }. */
export function countBy(values) {
  const out = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}
