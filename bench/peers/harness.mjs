// One peer run, the same shape for each system: start a fresh sink, fork the system's
// worker and wait until it is consuming, enqueue N jobs due at one instant D (a whole
// second, far enough ahead for the enqueue to finish first), wait for the sink to hear
// from every job, give doubles a few seconds to show, stop the worker and judge.
import { fork } from "node:child_process";
import { WAIT_MINUTES } from "../load/config.mjs";
import { startSink } from "../load/sink.mjs";
import { countBy } from "../load/stats.mjs";
import { log, now, sleep } from "../load/util.mjs";
import { judge } from "../burst/lateness.mjs";

const SETTLE_MS = 5_000;

/**
 * `workerFile` (a module using deliver.mjs's workerMain) gets `workerConfig` plus
 * `sinkUrl`; `produce(due, keys)` enqueues one job per key due at `due`. `leadMs` is
 * how far ahead D is put.
 */
export async function runPeer({ system, settings, workerFile, workerConfig, produce, n, leadMs }) {
  const sink = await startSink();
  const sinkUrl = `http://127.0.0.1:${sink.port}/peer`;
  const child = fork(workerFile, [], {
    env: { ...process.env, PEER_CONFIG: JSON.stringify({ ...workerConfig, sinkUrl }) },
    stdio: "inherit",
  });
  const fromChild = (pred) =>
    new Promise((resolve, reject) => {
      child.on("message", (m) => pred(m) && resolve(m));
      child.once("exit", (code) => reject(new Error(`${system} worker exited (${code})`)));
    });
  try {
    await fromChild((m) => m === "ready");
    const keys = Array.from({ length: n }, (_, i) => `${system}-${String(i).padStart(5, "0")}`);
    const due = Math.ceil((now() + leadMs) / 1000) * 1000;
    log(`${system}: enqueueing ${n} jobs due at ${new Date(due).toISOString()} (in ${Math.round((due - now()) / 1000)} s)`);
    const t0 = now();
    await produce(due, keys);
    const enqueuedAt = now();
    log(`${system}: enqueued in ${(enqueuedAt - t0) / 1000} s, ${Math.round((due - enqueuedAt) / 1000)} s before due`);
    const deadline = due + WAIT_MINUTES * 60_000;
    while (now() < deadline && keys.some((k) => !sink.calls.has(k))) await sleep(200);
    await sleep(SETTLE_MS);
    const counts = fromChild((m) => typeof m === "object" && m?.runs);
    child.send("stop");
    const { runs } = await counts;
    const view = judge(sink.calls, new Set(keys), () => due);
    return {
      system,
      settings,
      n,
      due_at: new Date(due).toISOString(),
      enqueue_s: (enqueuedAt - t0) / 1000,
      enqueued_before_due_s: (due - enqueuedAt) / 1000,
      ...view,
      due_to_last_call_s: view.last_call_at === null ? null : (view.last_call_at - due) / 1000,
      handler_runs_per_job: countBy(keys.map((k) => runs[k] ?? 0)),
    };
  } finally {
    if (child.exitCode === null) child.kill("SIGTERM");
    sink.srv.closeAllConnections?.();
    sink.srv.close();
  }
}
