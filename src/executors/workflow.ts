import type { Env } from "../env";
import type { Run } from "../domain/run";
import type { Task } from "../domain/task";
import { readCapped, retryAfterSeconds } from "./http";
import { signatureHeader } from "./signature";
import { isPrivateTarget, refusedTarget } from "./safety";
import type { ExecContext, Executor, Outcome } from "./types";

type Params = { callback_type: "workflow" | "webhook"; callback_id: string; url?: string; input?: unknown };

const BODY_CAP = 8192;
export const NO_WORKFLOW_ENDPOINT = "no workflow endpoint: set WORKFLOW_ENDPOINT_URL or give the task a url";

/** An answer body as JSON when it says it is JSON (and parses), else the capped text. */
export function parseBody(text: string, contentType: string | null): unknown {
  if (!contentType || !/\bjson\b/i.test(contentType)) return text;
  try {
    return JSON.parse(text);
  } catch {
    // Truncated at the cap or simply not JSON despite its header: keep the text.
    return text;
  }
}

/** The callback's URL: the task's own, else the organization's endpoint for `workflow` callbacks. */
export function workflowUrl(p: Params, env: Env): string | null {
  if (p.url) return p.url;
  if (p.callback_type !== "workflow" || !env.WORKFLOW_ENDPOINT_URL) return null;
  return `${env.WORKFLOW_ENDPOINT_URL.replace(/\/+$/, "")}/${encodeURIComponent(p.callback_id)}`;
}

/** Delivers a signed callback to a workflow engine or webhook receiver; 2xx means it was accepted. */
export const workflowExecutor: Executor = {
  async execute(task: Task, run: Run, ctx: ExecContext): Promise<Outcome> {
    const p = task.parameters as Params;
    const target = workflowUrl(p, ctx.env);
    if (!target) return { status: "failed", error: NO_WORKFLOW_ENDPOINT };
    // Only the environment's URL can be malformed: task URLs are validated when written.
    const url = URL.canParse(target) ? new URL(target) : null;
    if (!url || (url.protocol !== "https:" && url.protocol !== "http:"))
      return { status: "failed", error: "WORKFLOW_ENDPOINT_URL is not a valid http(s) URL" };
    if (!ctx.allowPrivateTargets && isPrivateTarget(url)) {
      return {
        status: "failed",
        error: refusedTarget(`target ${url.hostname}`),
        permanent: true,
      };
    }
    const body = JSON.stringify({
      callback_type: p.callback_type,
      callback_id: p.callback_id,
      task_id: task.id,
      run_id: run.id,
      attempt: run.attempt,
      scheduled_for: new Date(run.scheduled_for).toISOString(),
      input: p.input ?? run.input ?? null,
    });
    const headers = new Headers({
      "content-type": "application/json",
      "x-task-id": task.id,
      "x-run-id": run.id,
      "x-attempt": String(run.attempt),
    });
    if (ctx.signingSecrets.length > 0)
      headers.set("x-signature", await signatureHeader(ctx.signingSecrets, body, Math.floor(Date.now() / 1000)));
    const started = Date.now();
    try {
      const res = await fetch(url, { method: "POST", headers, body, signal: ctx.signal, redirect: "manual" });
      const text = await readCapped(res, BODY_CAP);
      const result = { status_code: res.status, latency_ms: Date.now() - started, body: parseBody(text, res.headers.get("content-type")) };
      if (res.status >= 200 && res.status < 300) return { status: "succeeded", result };
      return {
        status: "failed",
        result,
        error: `${p.callback_type} endpoint answered ${res.status}`,
        retryAfterSeconds: retryAfterSeconds(res.headers.get("retry-after"), Date.now()),
      };
    } catch (e) {
      if (ctx.signal.aborted) return { status: "timed_out", error: `no answer within ${task.timeout_seconds} s` };
      return { status: "failed", error: `request failed: ${e instanceof Error ? e.message : String(e)}` };
    }
  },
};
