// Scenario A: the unique name must hold under a race, where a read-then-write check
// would let two creates through.
import { apiKey, call } from "../client.mjs";
import { N_SAME } from "../config.mjs";
import { countBy, percentiles } from "../stats.mjs";
import { EVENT_SCHEDULE, stamp } from "./shared.mjs";

/** N_SAME concurrent POST /v1/tasks with one name: exactly one 201, the rest 409 name_taken. */
export async function scenarioA(sinkUrl) {
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
    errors: results
      .filter((r) => r.status !== 201 && r.status !== 409)
      .slice(0, 5)
      .map((r) => r.text?.slice(0, 300) ?? r.error),
    checks,
    pass: Object.values(checks).every(Boolean),
  };
}
