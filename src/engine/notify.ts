import type { Run } from "../domain/run";
import type { Task } from "../domain/task";
import { signatureHeader } from "../executors/signature";
import { isPrivateTarget, refusedTarget } from "../executors/safety";
import { iso, isoOrNull } from "../domain/time";

/** A receiver gets this long to answer; it never holds up the run's outcome for longer. */
export const NOTIFY_TIMEOUT_MS = 10_000;
/** Errors are cut to this length in the summary (a run's error can quote a long answer). */
const ERROR_CAP = 1000;

export type NotifyResult = { url: string; status: number | null; error?: string };
export type NotifyOptions = { signingSecrets: string[]; allowPrivateTargets: boolean; signal?: AbortSignal };

/** Where a finished run's outcome goes: successes to on_success_url, final failures to on_failure_url. */
/** Where a recorded run is announced, or null when the task asks for no notification of this outcome. */
export function destination(task: Task, run: Run): { url: string; event: "run.succeeded" | "run.failed" } | null {
  if (run.status === "succeeded" && task.on_success_url) return { url: task.on_success_url, event: "run.succeeded" };
  // A failure that a retry follows is not an outcome yet: only the last attempt notifies.
  if (run.final && (run.status === "failed" || run.status === "timed_out") && task.on_failure_url) {
    return { url: task.on_failure_url, event: "run.failed" };
  }
  return null;
}

/**
 * The summary sent to a receiver. Deliberately no parameters, headers, input or
 * result body: those can hold credentials, and the receiver may be a third party.
 */
export function outcomeSummary(task: Task, run: Run, event: "run.succeeded" | "run.failed") {
  return {
    event,
    task_id: task.id,
    task_name: task.name,
    run_id: run.id,
    status: run.status,
    attempt: run.attempt,
    final: run.final,
    trigger: run.trigger,
    scheduled_for: iso(run.scheduled_for),
    started_at: isoOrNull(run.started_at),
    finished_at: isoOrNull(run.finished_at),
    duration_ms: run.duration_ms,
    error: run.error === null ? null : run.error.slice(0, ERROR_CAP),
  };
}

/**
 * After a run finishes, POSTs a signed JSON summary to the task's on_success_url
 * (it succeeded) or on_failure_url (it failed for good). Returns null when there is
 * nothing to send. Never throws: a failing receiver must not fail the run, so its
 * error is returned instead.
 */
export async function notifyOutcome(task: Task, run: Run, opts: NotifyOptions): Promise<NotifyResult | null> {
  const dest = destination(task, run);
  if (!dest) return null;
  const { url } = dest;
  try {
    const target = new URL(url);
    if (target.protocol !== "https:" && target.protocol !== "http:")
      return { url, status: null, error: `unsupported scheme ${target.protocol}` };
    if (!opts.allowPrivateTargets && isPrivateTarget(target)) {
      return {
        url,
        status: null,
        error: refusedTarget(`target ${target.hostname}`),
      };
    }
    const body = JSON.stringify(outcomeSummary(task, run, dest.event));
    // Signed exactly like the http executor, so one verifier serves both.
    const headers = new Headers({ "content-type": "application/json", "x-task-id": task.id, "x-run-id": run.id });
    if (opts.signingSecrets.length > 0)
      headers.set("x-signature", await signatureHeader(opts.signingSecrets, body, Math.floor(Date.now() / 1000)));
    const timeout = AbortSignal.timeout(NOTIFY_TIMEOUT_MS);
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
    const res = await fetch(target, { method: "POST", headers, body, signal, redirect: "manual" });
    // Only the status matters; release the connection without reading the answer.
    await res.body?.cancel().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return { url, status: res.status };
    const why = res.status >= 300 && res.status < 400 ? " (redirects are not followed)" : "";
    return { url, status: res.status, error: `receiver answered ${res.status}${why}` };
  } catch (e) {
    if (opts.signal?.aborted) return { url, status: null, error: "aborted before the receiver answered" };
    if (e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError")) {
      return { url, status: null, error: `no answer within ${NOTIFY_TIMEOUT_MS / 1000} s` };
    }
    return { url, status: null, error: `request failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}
