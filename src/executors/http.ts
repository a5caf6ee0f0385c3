import type { Run } from "../domain/run";
import type { Task } from "../domain/task";
import { isPrivateTarget, refusedTarget } from "./safety";
import { signatureHeader } from "./signature";
import type { ExecContext, Executor, Outcome } from "./types";

const BODY_CAP = 8192;

/** Reads at most `cap` bytes of a body, then stops (a huge answer never fills memory). */
export async function readCapped(res: Response, cap: number): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < cap) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => undefined);
  const all = new Uint8Array(Math.min(size, cap));
  let offset = 0;
  for (const c of chunks) {
    const part = c.subarray(0, Math.min(c.byteLength, all.byteLength - offset));
    all.set(part, offset);
    offset += part.byteLength;
  }
  return new TextDecoder().decode(all);
}

/** A Retry-After header (seconds or an HTTP date) as seconds from now, capped at one day. */
export function retryAfterSeconds(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const secs = /^\d+$/.test(header.trim()) ? Number(header) : (Date.parse(header) - now) / 1000;
  return Number.isFinite(secs) ? Math.max(0, Math.min(86_400, Math.ceil(secs))) : undefined;
}

/** The universal webhook executor: one signed HTTP request per run. */
export const httpExecutor: Executor = {
  async execute(task: Task, run: Run, ctx: ExecContext): Promise<Outcome> {
    const p = task.parameters as {
      url: string;
      method?: string;
      headers?: Record<string, string>;
      body?: unknown;
      expected_status?: number | number[];
    };
    const url = new URL(p.url);
    if (!ctx.allowPrivateTargets && isPrivateTarget(url)) {
      return {
        status: "failed",
        error: refusedTarget(`target ${url.hostname}`),
        permanent: true,
      };
    }
    const method = p.method ?? "POST";
    const hasBody = method !== "GET" && method !== "HEAD";
    const body = hasBody
      ? typeof p.body === "string"
        ? p.body
        : JSON.stringify(p.body ?? { task_id: task.id, run_id: run.id, input: run.input })
      : "";
    const headers = new Headers(p.headers);
    if (hasBody && !headers.has("content-type")) headers.set("content-type", "application/json");
    headers.set("x-task-id", task.id);
    headers.set("x-run-id", run.id);
    headers.set("x-attempt", String(run.attempt));
    if (ctx.signingSecrets.length > 0)
      headers.set("x-signature", await signatureHeader(ctx.signingSecrets, body, Math.floor(Date.now() / 1000)));
    const started = Date.now();
    try {
      const res = await fetch(url, { method, headers, body: hasBody ? body : undefined, signal: ctx.signal, redirect: "manual" });
      const text = await readCapped(res, BODY_CAP);
      const latency = Date.now() - started;
      const expected = p.expected_status === undefined ? null : Array.isArray(p.expected_status) ? p.expected_status : [p.expected_status];
      const ok = expected ? expected.includes(res.status) : res.status >= 200 && res.status < 300;
      const result = { status_code: res.status, latency_ms: latency, body: text };
      if (ok) return { status: "succeeded", result };
      return {
        status: "failed",
        result,
        error: `target answered ${res.status}`,
        retryAfterSeconds: retryAfterSeconds(res.headers.get("retry-after"), Date.now()),
      };
    } catch (e) {
      if (ctx.signal.aborted) return { status: "timed_out", error: `no answer within ${task.timeout_seconds} s` };
      return { status: "failed", error: `request failed: ${e instanceof Error ? e.message : String(e)}` };
    }
  },
};
