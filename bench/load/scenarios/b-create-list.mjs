// Scenario B: many concurrent creates, then offset paging must list every one exactly
// once with a stable `total` (no page skipped or repeated while the store is busy).
import { apiKey, createTask, listAll } from "../client.mjs";
import { CONCURRENCY, N_TASKS } from "../config.mjs";
import { countBy, percentiles } from "../stats.mjs";
import { log, pool } from "../util.mjs";
import { EVENT_SCHEDULE, stamp } from "./shared.mjs";

/** N_TASKS creates, CONCURRENCY in flight, then GET /v1/tasks page by page (limit 200). */
export async function scenarioB(sinkUrl) {
  const key = await apiKey(`bench-b-${stamp}`);
  const name = (i) => `bench-b-${String(i).padStart(6, "0")}`;
  log(`B: creating ${N_TASKS} tasks, ${CONCURRENCY} in flight`);
  const t0 = performance.now();
  let done = 0;
  const results = await pool(N_TASKS, CONCURRENCY, async (i) => {
    const r = await createTask(key, { name: name(i), type: "http", parameters: { url: `${sinkUrl}/b/${i}` }, schedule: EVENT_SCHEDULE });
    if (++done % 1000 === 0) log(`B: ${done}/${N_TASKS} created (${Math.round(done / ((performance.now() - t0) / 1000))}/s)`);
    return {
      status: r.status,
      ms: r.ms,
      id: r.id,
      answerLost: r.answerLost,
      err: r.status === 201 ? undefined : (r.text?.slice(0, 300) ?? r.error),
    };
  });
  const wallMs = performance.now() - t0;
  const statuses = countBy(results.map((r) => r.status));
  const createdIds = new Set(results.filter((r) => r.status === 201).map((r) => r.id));

  log("B: listing every task page by page (limit 200)");
  const l0 = performance.now();
  const list = await listAll("/v1/tasks", key, "tasks");
  const listMs = performance.now() - l0;
  const listedIds = list.items.map((t) => t.id);
  const uniqueListed = new Set(listedIds);
  const names = new Set(list.items.map((t) => t.name));
  const missing = [...createdIds].filter((id) => !uniqueListed.has(id)).length;
  const checks = {
    all_201: (statuses[201] ?? 0) === N_TASKS,
    listed_count_exact: listedIds.length === N_TASKS,
    listed_no_duplicates: uniqueListed.size === listedIds.length,
    every_created_id_listed: missing === 0 && createdIds.size === N_TASKS,
    every_name_listed: names.size === N_TASKS && Array.from({ length: N_TASKS }, (_, i) => names.has(name(i))).every(Boolean),
    total_exact_on_every_page: list.totals.length === 1 && list.totals[0] === N_TASKS,
  };
  return {
    creates: N_TASKS,
    concurrency: CONCURRENCY,
    statuses,
    created_but_answer_lost: results.filter((r) => r.answerLost).length,
    wall_s: Math.round(wallMs) / 1000,
    creates_per_s: Math.round((N_TASKS / (wallMs / 1000)) * 10) / 10,
    latency_ms: percentiles(results.map((r) => r.ms)),
    errors: results
      .filter((r) => r.status !== 201)
      .slice(0, 5)
      .map((r) => `${r.status} ${r.err}`),
    list: {
      pages: list.pages,
      items: listedIds.length,
      unique: uniqueListed.size,
      missing_created_ids: missing,
      totals_seen: list.totals,
      wall_s: Math.round(listMs) / 1000,
      page_latency_ms: list.pageMs,
    },
    checks,
    pass: Object.values(checks).every(Boolean),
  };
}
