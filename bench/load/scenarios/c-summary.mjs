// Scenario C's checks and figures, from three independent views of the same minute:
// the API's run records, the sink's calls, and the server's own log (queue batches,
// ticks). The checks hold only when all of them agree.
import { N_DUE } from "../config.mjs";
import { serverStats } from "../server-log.mjs";
import { countBy, percentiles } from "../stats.mjs";

/** Builds scenario C's result (checks, pass and figures) once the runs are listed. */
export function summariseC({ due, dueIso, results, created, createdS, ids, sink, runsList, allDoneAt }) {
  const runs = runsList.items;
  const runsByTask = new Map();
  for (const r of runs) runsByTask.set(r.task_id, [...(runsByTask.get(r.task_id) ?? []), r]);
  const runStatuses = countBy(runs.map((r) => r.status));
  const triggers = countBy(runs.map((r) => r.trigger));
  const tasksWithOneRun = [...ids].filter((id) => (runsByTask.get(id) ?? []).length === 1).length;
  const tasksWithSucceeded = [...ids].filter((id) => (runsByTask.get(id) ?? []).some((r) => r.status === "succeeded")).length;
  const sinkCounts = [...ids].map((id) => (sink.calls.get(id) ?? []).length);
  const callsPerTask = countBy(sinkCounts);
  const unknownCalls = [...sink.calls.keys()].filter((id) => !ids.has(id)).length;
  const runIdMatches = [...ids].filter((id) => {
    const c = sink.calls.get(id) ?? [];
    const r = runsByTask.get(id) ?? [];
    return c.length === 1 && r.length === 1 && c[0].runId === r[0].id;
  }).length;
  const firstCalls = [...ids].map((id) => sink.calls.get(id)?.[0]?.at).filter((x) => x !== undefined);
  const lateness = firstCalls.map((at) => at - due);
  const startedLate = runs.filter((r) => r.started_at).map((r) => Date.parse(r.started_at) - Date.parse(r.scheduled_for));
  const finishedAts = runs.filter((r) => r.finished_at).map((r) => Date.parse(r.finished_at));
  const startedAts = runs.filter((r) => r.started_at).map((r) => Date.parse(r.started_at));
  const lastFinished = finishedAts.length ? Math.max(...finishedAts) : null;
  const firstStarted = startedAts.length ? Math.min(...startedAts) : null;
  const runsScheduledForDue = runs.filter((r) => Date.parse(r.scheduled_for) === due).length;
  const maxRunning = maxConcurrent(runs);
  const durations = runs.filter((r) => r.started_at && r.finished_at).map((r) => Date.parse(r.finished_at) - Date.parse(r.started_at));
  const batches = serverStats.queueBatches.filter((b) => b.at >= due - 1000);
  const earliestCall = firstCalls.length ? Math.min(...firstCalls) : null;
  const checks = {
    all_created: ids.size === N_DUE,
    every_task_succeeded: tasksWithSucceeded === N_DUE,
    exactly_one_run_per_task: tasksWithOneRun === N_DUE && runs.length === N_DUE,
    runs_total_exact: runsList.totals.length === 1 && runsList.totals[0] === N_DUE,
    every_target_called_exactly_once: (callsPerTask[1] ?? 0) === N_DUE && unknownCalls === 0,
    call_matches_run_id: runIdMatches === N_DUE,
    none_early: earliestCall === null || earliestCall >= due,
    scheduled_for_is_due: runsScheduledForDue === runs.length,
  };
  return {
    tasks: N_DUE,
    due_at: dueIso,
    created: created.length,
    created_but_answer_lost: results.filter((r) => r.answerLost).length,
    create_errors: results
      .filter((r) => r.status !== 201)
      .slice(0, 5)
      .map((r) => `${r.status} ${r.err}`),
    create_s: createdS,
    runs: runs.length,
    run_statuses: runStatuses,
    run_triggers: triggers,
    sink_calls: sink.total,
    sink_calls_per_task: callsPerTask,
    sink_calls_unknown_task: unknownCalls,
    due_to_last_finished_s: lastFinished === null ? null : Math.round(lastFinished - due) / 1000,
    due_to_last_call_s: firstCalls.length ? Math.round(Math.max(...firstCalls) - due) / 1000 : null,
    start_lateness_ms: percentiles(lateness),
    api_start_lateness_ms: percentiles(startedLate),
    run_duration_ms: percentiles(durations),
    max_runs_executing_at_once: maxRunning,
    queue_batches_after_due: {
      n: batches.length,
      sizes: countBy(batches.map((b) => b.size)),
      batch_ms: percentiles(batches.map((b) => b.ms)),
    },
    ticks: serverStats.ticks.filter((t) => !t.now || Date.parse(t.now) >= due - 120_000),
    runs_per_s:
      lastFinished && firstStarted && lastFinished > firstStarted
        ? Math.round((runs.length / ((lastFinished - firstStarted) / 1000)) * 10) / 10
        : null,
    wait_s: Math.round((allDoneAt - due) / 1000),
    checks,
    pass: Object.values(checks).every(Boolean),
  };
}

/** How many runs were executing at once (from the API's started_at/finished_at). */
function maxConcurrent(runs) {
  const edges = runs
    .filter((r) => r.started_at && r.finished_at)
    .flatMap((r) => [
      [Date.parse(r.started_at), 1],
      [Date.parse(r.finished_at), -1],
    ])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let running = 0;
  let maxRunning = 0;
  for (const [, d] of edges) {
    running += d;
    maxRunning = Math.max(maxRunning, running);
  }
  return maxRunning;
}
