// Issue 12's targets for the burst, judged from one run's report. Correctness targets
// (none early, none missing, none doubled) decide the exit code; the speed and cost
// targets are reported PASS/FAIL, or n/a when a figure they need is absent (no peers
// run, or the engine does not log costs yet).

export const COST_LIMITS = { d1_statements: 3, d1_rows_written: 3, do_requests: 2 };

const verdict = (ok) => (ok === null ? "n/a" : ok ? "PASS" : "FAIL");

/** [{ target, value, result }] for one burst report. */
export function burstTargets(r) {
  const ours = r.ours ?? {};
  const bull = r.peers?.bullmq;
  const out = [];
  const add = (target, value, ok) => out.push({ target, value, result: verdict(ok) });
  const has = (x) => typeof x === "number";
  add("no early starts", ours.early, has(ours.early) ? ours.early === 0 : null);
  add("no runs missing (sink calls per task = 1)", ours.missing, has(ours.missing) ? ours.missing === 0 : null);
  add(
    "no runs doubled (sink calls and API runs per task = 1)",
    `${ours.doubled} doubled; API runs per task ${JSON.stringify(ours.api_runs_per_task ?? {})}`,
    has(ours.doubled) ? ours.doubled === 0 && Object.keys(ours.api_runs_per_task ?? {}).every((k) => k === "1") : null,
  );
  const factor = r.config.n <= 1000 ? 1 : 2;
  const ourP99 = ours.lateness_ms?.p99;
  const bullP99 = bull?.lateness_ms?.p99;
  add(
    `lateness p99 ≤ ${factor === 1 ? "" : "2× "}BullMQ p99`,
    has(ourP99) && has(bullP99) ? `${ourP99} ms vs ${factor}× ${bullP99} ms` : "–",
    has(ourP99) && has(bullP99) ? ourP99 <= factor * bullP99 : null,
  );
  const perRun = ours.cost?.per_run;
  for (const [k, limit] of Object.entries(COST_LIMITS)) {
    const v = perRun?.[k];
    add(`${k} per run ≤ ${limit}`, has(v) ? v : "n/a", has(v) ? v <= limit : null);
  }
  const usd = ours.dollars?.usd_per_million_runs;
  add(
    `$ per million runs below QStash ($${ours.dollars?.qstash_usd_per_million ?? 10})`,
    has(usd) ? `$${usd}` : "n/a",
    has(usd) ? ours.dollars.below_qstash : null,
  );
  return out;
}

/** Whether the correctness targets held (the bench's exit code). */
export const correct = (r) => !r.error && r.ours?.early === 0 && r.ours?.missing === 0 && r.ours?.doubled === 0;
