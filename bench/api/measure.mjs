// Closed-loop load: `connections` callers each send their next request as soon as the
// previous one answered, for a fixed time. The same loop measures every route, so the
// client's own cost is in every figure alike and the ratios compare the server.
import { call } from "../load/client.mjs";
import { countBy } from "../load/stats.mjs";

/** Nearest-rank percentiles (p50/p90/p99), max and mean, rounded to 0.1 ms. */
export function latency(values) {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return { n: 0 };
  const at = (p) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
  const r = (x) => Math.round(x * 10) / 10;
  return {
    n: s.length,
    p50: r(at(50)),
    p90: r(at(90)),
    p99: r(at(99)),
    max: r(s[s.length - 1]),
    mean: r(s.reduce((a, b) => a + b, 0) / s.length),
  };
}

/**
 * Runs `request(i)` (returning a `call` result) from `connections` loops for `seconds`,
 * after `warmup` seconds whose answers are not counted. `expected` is the status that
 * counts as success.
 */
export async function measure({ request, connections, seconds, warmup, expected }) {
  let i = 0;
  const loop = async (until, out) => {
    while (performance.now() < until) {
      const r = await request(i++);
      out?.push(r);
    }
  };
  const warm = [];
  if (warmup > 0) {
    const end = performance.now() + warmup * 1000;
    await Promise.all(Array.from({ length: connections }, () => loop(end, warm)));
  }
  const results = [];
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  await Promise.all(Array.from({ length: connections }, () => loop(end, results)));
  const wall = (performance.now() - t0) / 1000;
  const ok = results.filter((r) => r.status === expected);
  return {
    requests: results.length,
    statuses: countBy(results.map((r) => r.status)),
    per_s: Math.round((ok.length / wall) * 10) / 10,
    latency_ms: latency(results.map((r) => r.ms)),
    errors: results
      .filter((r) => r.status !== expected)
      .slice(0, 3)
      .map((r) => `${r.status} ${(r.text ?? r.error ?? "").slice(0, 200)}`),
    wall_s: Math.round(wall * 100) / 100,
    warmup_statuses: countBy(warm.map((r) => r.status)),
  };
}

/** A route's request function, given the bench's key: what each measured call sends. */
export function routes(key, stamp) {
  return {
    healthz: { expected: 200, request: () => call("GET", "/healthz") },
    list: { expected: 200, request: () => call("GET", "/v1/tasks?limit=10", { token: key }) },
    create: {
      expected: 201,
      request: (i) =>
        call("POST", "/v1/tasks", {
          token: key,
          body: {
            name: `bench-api-${stamp}-${i}`,
            type: "http",
            parameters: { url: "https://example.com/hook" },
            schedule: { kind: "event", event: "bench-never-fired" },
          },
        }),
    },
    preview: {
      expected: 200,
      request: () =>
        call("POST", "/v1/schedules/preview", {
          token: key,
          body: {
            schedule: { kind: "cron", expression: "30 2 * * *", timezone: "America/New_York" },
            count: 5,
            after: "2026-03-07T00:00:00Z",
          },
        }),
    },
  };
}
