// Scenario C: many `once` tasks due at the same whole minute, run by the ticker's own
// minute ticks as in production. Each must run exactly once; the wait runs past the
// next tick after the last run so a duplicate would show up.
import { apiKey, call, createTask, listAll } from "../client.mjs";
import { CONCURRENCY, N_DUE, WAIT_MINUTES } from "../config.mjs";
import { log, now, pool, sleep } from "../util.mjs";
import { summariseC } from "./c-summary.mjs";
import { stamp } from "./shared.mjs";

/** N_DUE http tasks calling the sink, due at one minute; `createRate` (creates/s from B) sizes the lead time. */
export async function scenarioC(sink, createRate) {
  const key = await apiKey(`bench-c-${stamp}`);
  // Every task is due at the same whole minute D, far enough ahead that all can be created
  // before it. The ticker's tick at D (or the one before it) claims them; none is early.
  const estimateMs = (N_DUE / Math.max(5, createRate)) * 1000;
  const due = Math.ceil((now() + 2 * estimateMs + 15_000) / 60_000) * 60_000;
  const dueIso = new Date(due).toISOString();
  log(`C: creating ${N_DUE} once tasks due at ${dueIso} (in ${Math.round((due - now()) / 1000)} s)`);
  const c0 = performance.now();
  const results = await pool(N_DUE, CONCURRENCY, async (i) => {
    const r = await createTask(key, {
      name: `bench-c-${String(i).padStart(5, "0")}`,
      type: "http",
      parameters: { url: `http://127.0.0.1:${sink.port}/c/${i}` },
      schedule: { kind: "once", at: dueIso },
      retry: { max_retries: 0 },
    });
    return { status: r.status, id: r.id, answerLost: r.answerLost, err: r.status === 201 ? undefined : (r.text?.slice(0, 300) ?? r.error) };
  });
  const createdS = Math.round(performance.now() - c0) / 1000;
  const created = results.filter((r) => r.status === 201);
  const ids = new Set(created.map((r) => r.id));
  log(`C: ${created.length}/${N_DUE} created in ${createdS} s, ${Math.round((due - now()) / 1000)} s before they are due`);

  // Wait (bounded) until every task has a finished run according to the API.
  const deadline = due + WAIT_MINUTES * 60_000;
  let succeeded = 0;
  let lastReport = 0;
  const total = async (q) => (await call("GET", `/v1/runs?${q}limit=1`, { token: key })).json?.total;
  while (now() < deadline) {
    succeeded = (await total("status=succeeded&")) ?? succeeded;
    if (succeeded >= ids.size && now() > due) break;
    const pending = now() > due ? ((await total("status=queued&")) ?? 1) + ((await total("status=running&")) ?? 1) : 1;
    const all = now() > due ? ((await total("")) ?? 0) : 0;
    if (now() > due + 30_000 && pending === 0 && all >= ids.size) break; // everything finished, not all succeeded
    if (now() - lastReport > 15_000) {
      lastReport = now();
      log(
        `C: ${now() < due ? `due in ${Math.round((due - now()) / 1000)} s; ` : ""}runs succeeded ${succeeded}/${ids.size}, sink calls ${sink.total}`,
      );
    }
    await sleep(now() < due - 5000 ? 5000 : 1000);
  }
  const allDoneAt = now();
  // Let the next tick (and its sweep) pass, so a duplicate run would show up.
  const settleUntil = Math.min(deadline + 60_000, Math.ceil((allDoneAt + 1) / 60_000) * 60_000 + 10_000);
  log(
    `C: ${succeeded}/${ids.size} succeeded; watching for duplicates until the next tick has passed (${Math.round((settleUntil - now()) / 1000)} s)`,
  );
  while (now() < settleUntil) await sleep(1000);

  const runsList = await listAll("/v1/runs", key, "runs");
  return summariseC({ due, dueIso, results, created, createdS, ids, sink, runsList, allDoneAt });
}
