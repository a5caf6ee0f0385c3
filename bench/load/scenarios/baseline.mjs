// Context for the figures, not a check: the same client against a route with no
// storage and a cheap authenticated read shows what the machine and dev server cost
// before any scheduler work.
import { apiKey, call } from "../client.mjs";
import { BASELINE_REQUESTS, CONCURRENCY } from "../config.mjs";
import { countBy, percentiles } from "../stats.mjs";
import { pool } from "../util.mjs";
import { stamp } from "./shared.mjs";

/** BASELINE_REQUESTS × GET /healthz, then as many GET /v1/tasks?limit=1. */
export async function baseline() {
  const key = await apiKey(`bench-base-${stamp}`);
  const measure = async (route, token) => {
    const t0 = performance.now();
    const rs = await pool(BASELINE_REQUESTS, CONCURRENCY, () => call("GET", route, { token }));
    const wall = performance.now() - t0;
    return {
      route,
      requests: BASELINE_REQUESTS,
      statuses: countBy(rs.map((r) => r.status)),
      per_s: Math.round((BASELINE_REQUESTS / (wall / 1000)) * 10) / 10,
      latency_ms: percentiles(rs.map((r) => r.ms)),
    };
  };
  const health = await measure("/healthz");
  const read = await measure("/v1/tasks?limit=1", key);
  return {
    healthz: health,
    authenticated_read: read,
    pass: health.statuses[200] === BASELINE_REQUESTS && read.statuses[200] === BASELINE_REQUESTS,
    informational: true,
  };
}
