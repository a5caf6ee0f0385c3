import type { Run } from "../domain/run";
import type { Task } from "../domain/task";
import { readCapped } from "./http";
import { signatureHeader } from "./signature";
import { isPrivateTarget } from "./safety";
import type { ExecContext, Executor, Outcome } from "./types";

type Probe = { name?: string; url: string; method?: string; expected_status?: number; body_contains?: string; max_latency_ms?: number };
/** Per-target timeout when the task does not set parameters.timeout_seconds. */
export const DEFAULT_PROBE_TIMEOUT_S = 30;

type Params = { targets: Probe[]; timeout_seconds?: number; alert?: { url: string }; alert_on_failure?: boolean };

/** What the run records for one probed target. */
export type TargetReport = { name: string; url: string; ok: boolean; status: number | null; latency_ms: number; error: string | null };
type AlertReport = { url: string; status: number | null; error?: string };

// `body_contains` is searched in this much of the answer; bodies are never recorded here.
const SEARCH_CAP = 65_536;
// The alert receiver gets the same budget as run notifications (README: 10 s).
const ALERT_TIMEOUT_MS = 10_000;
const REFUSED = "private or loopback address refused";

/** Probes every target concurrently; succeeds only when all answer as expected. Alerts on failure. */
export const healthCheckExecutor: Executor = {
  async execute(task: Task, run: Run, ctx: ExecContext): Promise<Outcome> {
    const p = task.parameters as Params;
    // A probe must give up before the run does, or one hanging target would time out the
    // whole run and lose every result and the alert: default 30 s, always under the run's timeout.
    const timeoutS = Math.max(1, Math.min(p.timeout_seconds ?? DEFAULT_PROBE_TIMEOUT_S, task.timeout_seconds - 5));
    const checkedAt = new Date().toISOString();
    const entries = await Promise.all(p.targets.map((t) => probe(t, timeoutS, task, run, ctx)));
    const failing = entries.filter((e) => !e.ok);
    // The result says who checked connectivity: here the edge; a runner's part says "runner" (services/runners.ts).
    const result: { ok: number; failed: number; total: number; connectivity_checked_by: "edge"; alert?: AlertReport } = {
      ok: entries.length - failing.length,
      failed: failing.length,
      total: entries.length,
      connectivity_checked_by: "edge",
    };
    if (ctx.signal.aborted) {
      // The run itself was cut short (timeout or canceled): report what we have, no alert.
      return { status: "timed_out", result, targets: entries, error: `health check did not finish within ${task.timeout_seconds} s` };
    }
    if (failing.length === 0) return { status: "succeeded", result, targets: entries };
    if (p.alert && p.alert_on_failure !== false) result.alert = await sendAlert(p.alert.url, failing, checkedAt, task, run, ctx);
    // A refused target fails every attempt alike: no retry can cure it.
    const permanent = failing.some((e) => e.error === REFUSED);
    return {
      status: "failed",
      result,
      targets: entries,
      error: `${failing.length} of ${entries.length} targets failed: ${failing.map((e) => e.name).join(", ")}`,
      ...(permanent && { permanent }),
    };
  },
};

/** One target: never throws; every way of not being healthy becomes an `error` string. */
async function probe(t: Probe, timeoutS: number, task: Task, run: Run, ctx: ExecContext): Promise<TargetReport> {
  const url = new URL(t.url);
  const base = { name: t.name ?? url.host, url: t.url };
  if (!ctx.allowPrivateTargets && isPrivateTarget(url)) return { ...base, ok: false, status: null, latency_ms: 0, error: REFUSED };
  const method = t.method ?? "GET";
  const headers = new Headers({ "x-task-id": task.id, "x-run-id": run.id });
  // Probes carry no body; signing the empty body keeps "every outbound request is signed" true.
  if (ctx.signingSecrets.length > 0)
    headers.set("x-signature", await signatureHeader(ctx.signingSecrets, "", Math.floor(Date.now() / 1000)));
  const timeout = AbortSignal.timeout(timeoutS * 1000);
  const signal = AbortSignal.any([ctx.signal, timeout]);
  const started = Date.now();
  try {
    const res = await fetch(url, { method, headers, signal, redirect: "manual" });
    // Latency is time to the answer, plus reading it when it must be searched; an unread body is cancelled.
    const text = await readCapped(res, t.body_contains === undefined ? 0 : SEARCH_CAP);
    const latency = Date.now() - started;
    const problems: string[] = [];
    const statusOk = t.expected_status === undefined ? res.status >= 200 && res.status < 300 : res.status === t.expected_status;
    if (!statusOk) problems.push(`expected status ${t.expected_status ?? "2xx"}, got ${res.status}`);
    if (t.body_contains !== undefined && !text.includes(t.body_contains))
      problems.push(`body does not contain ${JSON.stringify(t.body_contains)}`);
    if (t.max_latency_ms !== undefined && latency > t.max_latency_ms)
      problems.push(`latency ${latency} ms over max ${t.max_latency_ms} ms`);
    return {
      ...base,
      ok: problems.length === 0,
      status: res.status,
      latency_ms: latency,
      error: problems.length ? problems.join("; ") : null,
    };
  } catch (e) {
    const latency = Date.now() - started;
    if (ctx.signal.aborted)
      return { ...base, ok: false, status: null, latency_ms: latency, error: "aborted: the run timed out or was canceled" };
    if (timeout.aborted) return { ...base, ok: false, status: null, latency_ms: latency, error: `timed out after ${timeoutS} s` };
    return {
      ...base,
      ok: false,
      status: null,
      latency_ms: latency,
      error: `connection failed: ${e instanceof Error ? e.message : String(e)}`,
    };
  }
}

/** POSTs the signed alert; its failure is recorded, never thrown, and never changes the run's status. */
async function sendAlert(
  alertUrl: string,
  failing: TargetReport[],
  checkedAt: string,
  task: Task,
  run: Run,
  ctx: ExecContext,
): Promise<AlertReport> {
  const url = new URL(alertUrl);
  if (!ctx.allowPrivateTargets && isPrivateTarget(url)) return { url: alertUrl, status: null, error: REFUSED };
  const body = JSON.stringify({
    event: "health_check.failed",
    task_id: task.id,
    task_name: task.name,
    run_id: run.id,
    failing,
    checked_at: checkedAt,
  });
  const headers = new Headers({ "content-type": "application/json", "x-task-id": task.id, "x-run-id": run.id });
  if (ctx.signingSecrets.length > 0)
    headers.set("x-signature", await signatureHeader(ctx.signingSecrets, body, Math.floor(Date.now() / 1000)));
  try {
    const res = await fetch(url, {
      method: "POST",
      headers,
      body,
      signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(ALERT_TIMEOUT_MS)]),
      redirect: "manual",
    });
    await res.body?.cancel().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return { url: alertUrl, status: res.status };
    return { url: alertUrl, status: res.status, error: `alert receiver answered ${res.status}` };
  } catch (e) {
    return { url: alertUrl, status: null, error: `alert not sent: ${e instanceof Error ? e.message : String(e)}` };
  }
}
