// The burst on our service: N `once` http tasks due at one whole minute D, each calling
// the sink. D is chosen from the create rate measured just before, so that all N are
// created before the tick of the minute before D, which claims them together, as it
// claims a burst of cron tasks due at one minute. (Tasks created inside the window a tick
// already claimed are claimed by their own writes instead: one message each.) The wait
// then runs past the next tick after the last call, so a doubled run would be seen.
import { apiKey, createTask, listAll } from "../load/client.mjs";
import { WAIT_MINUTES } from "../load/config.mjs";
import { EVENT_SCHEDULE, stamp } from "../load/scenarios/shared.mjs";
import { countBy } from "../load/stats.mjs";
import { log, now, pool, sleep } from "../load/util.mjs";
import { judge } from "./lateness.mjs";
import { CREATE_CONCURRENCY, N } from "./options.mjs";

/** Creates/s of never-due tasks, so the lead time fits this machine and this engine. */
async function measureCreateRate(key) {
  const n = Math.min(200, Math.max(CREATE_CONCURRENCY, Math.ceil(N / 20)));
  const t0 = performance.now();
  await pool(n, CREATE_CONCURRENCY, (i) =>
    createTask(key, { name: `probe-${i}`, type: "http", parameters: { url: "http://127.0.0.1:9/" }, schedule: EVENT_SCHEDULE }),
  );
  return n / ((performance.now() - t0) / 1000);
}

/** Runs the burst against the started server; `sink` from load/sink.mjs. */
export async function burstOurs(sink) {
  const key = await apiKey(`bench-burst-${stamp}`);
  const rate = await measureCreateRate(key);
  // Twice the estimate (a slower stretch, another process, GC, still finishes first), then
  // past the claim window (next minute boundary + 15 s) of the tick that runs meanwhile.
  const due = Math.ceil((now() + 2 * (N / rate) * 1000 + 76_000) / 60_000) * 60_000;
  const dueIso = new Date(due).toISOString();
  log(`ours: ${Math.round(rate)} creates/s measured; creating ${N} once tasks due at ${dueIso} (in ${Math.round((due - now()) / 1000)} s)`);
  const c0 = now();
  const results = await pool(N, CREATE_CONCURRENCY, async (i) => {
    const r = await createTask(key, {
      name: `burst-${String(i).padStart(5, "0")}`,
      type: "http",
      parameters: { url: `http://127.0.0.1:${sink.port}/burst/${i}` },
      schedule: { kind: "once", at: dueIso },
      retry: { max_retries: 0 },
    });
    return { status: r.status, id: r.id, at: now(), err: r.status === 201 ? undefined : (r.text?.slice(0, 200) ?? r.error) };
  });
  const created = results.filter((r) => r.status === 201);
  const ids = new Set(created.map((r) => r.id));
  const createS = (now() - c0) / 1000;
  log(`ours: ${ids.size}/${N} created in ${createS} s, ${Math.round((due - now()) / 1000)} s before due`);

  // Until the sink has heard from every task (or the deadline), then past the next tick.
  const deadline = due + WAIT_MINUTES * 60_000;
  let lastReport = 0;
  while (now() < deadline && [...ids].some((id) => !sink.calls.has(id))) {
    if (now() - lastReport > 15_000) {
      lastReport = now();
      log(`ours: ${now() < due ? `due in ${Math.round((due - now()) / 1000)} s; ` : ""}sink calls ${sink.total}/${ids.size}`);
    }
    await sleep(500);
  }
  const settle = Math.ceil((now() + 1) / 60_000) * 60_000 + 10_000;
  log(`ours: ${sink.total} sink calls; watching for doubles until the next tick has passed (${Math.round((settle - now()) / 1000)} s)`);
  while (now() < settle) await sleep(1000);

  const sinkView = judge(sink.calls, ids, () => due);
  // The API's own record: one run per task. Under `wrangler dev` a burst of many thousands
  // can leave the dev server without file descriptors (its inspector proxy posts 4 debug
  // lines per subrequest of the Worker over connections that outlive them), and then the
  // API stops answering: the sink's view above stands, and the report says the check failed.
  let runs = [];
  let apiCheckError;
  try {
    runs = (await withTimeout(listAll("/v1/runs", key, "runs"), 180_000)).items;
  } catch (e) {
    apiCheckError = e instanceof Error ? e.message : String(e);
    log(`ours: the API's run list could not be read (${apiCheckError}); reporting the sink's view only`);
  }
  const perTask = countBy(runs.map((r) => r.task_id));
  const runsPerTask = apiCheckError ? null : countBy([...ids].map((id) => perTask[id] ?? 0));
  return {
    n: N,
    due_at: dueIso,
    create_rate_probe_per_s: Math.round(rate),
    create_s: createS,
    created: ids.size,
    created_after_due: created.filter((r) => r.at >= due).length,
    create_errors: results
      .filter((r) => r.status !== 201)
      .slice(0, 5)
      .map((r) => `${r.status} ${r.err}`),
    lead_s: Math.round((due - c0) / 1000),
    ...sinkView,
    due_to_last_call_s: sinkView.last_call_at === null ? null : (sinkView.last_call_at - due) / 1000,
    signed_calls: [...sink.calls.values()].flat().filter((c) => c.signed).length,
    api_runs: apiCheckError ? null : runs.length,
    ...(apiCheckError && { api_check_error: apiCheckError }),
    api_runs_per_task: runsPerTask,
    api_run_statuses: countBy(runs.map((r) => r.status)),
    created_at_ms: c0,
    ids,
  };
}

/** Rejects when `p` has not settled after `ms`. */
function withTimeout(p, ms) {
  let timer;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
    }),
  ]);
}
