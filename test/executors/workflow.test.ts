import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Run } from "../../src/domain/run";
import type { Task } from "../../src/domain/task";
import type { Env } from "../../src/env";
import type { ExecContext } from "../../src/executors/types";
import { workflowExecutor } from "../../src/executors/workflow";
import { type Call, target } from "../helpers/engine";

afterEach(() => vi.restoreAllMocks());

const CURRENT = "whsec_workflow_current";
const NEXT = "whsec_workflow_next";
const SCHEDULED = Date.UTC(2026, 2, 8, 7, 30);
const task = (parameters: Record<string, unknown>, over: Partial<Task> = {}): Task =>
  ({
    id: "task_wf",
    org_id: "org_1",
    name: "nightly build",
    type: "workflow",
    parameters,
    timeout_seconds: 30,
    agent_id: null,
    ...over,
  }) as Task;
const run = (over: Partial<Run> = {}): Run =>
  ({ id: "run_wf", task_id: "task_wf", attempt: 2, scheduled_for: SCHEDULED, input: null, ...over }) as Run;
const withEnv = (over: Partial<Env>): Env => ({ ...env, ...over });
const ctx = (over: Partial<ExecContext> = {}): ExecContext => ({
  signal: new AbortController().signal,
  signingSecrets: [CURRENT],
  allowPrivateTargets: false,
  env,
  ...over,
});

const hex = (buf: ArrayBuffer) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");
/** The `v1=` values a receiver would compute for each secret, and the ones the request carries. */
async function signatures(c: Call, secrets: string[]) {
  const header = c.headers.get("x-signature") ?? "";
  const t = /^t=(\d+)/.exec(header)?.[1] ?? "";
  const carried = [...header.matchAll(/v1=([0-9a-f]{64})/g)].map((m) => m[1]);
  const expected: string[] = [];
  for (const s of secrets) {
    const k = await crypto.subtle.importKey("raw", new TextEncoder().encode(s), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    expected.push(hex(await crypto.subtle.sign("HMAC", k, new TextEncoder().encode(`${t}.${c.body}`))));
  }
  return { t: Number(t), carried, expected };
}

describe("workflow executor", () => {
  it("a workflow callback goes to WORKFLOW_ENDPOINT_URL/<callback_id>, signed, with the run's details", async () => {
    const sink = target(() => Response.json({ accepted: true, execution: "ex_1" }, { status: 202 }));
    const t = task({ callback_type: "workflow", callback_id: "deploy/prod 1", input: { branch: "main" } });
    const out = await workflowExecutor.execute(
      t,
      run({ input: { ignored: true } }),
      ctx({ env: withEnv({ WORKFLOW_ENDPOINT_URL: "https://wf.example.com/hooks/" }), signingSecrets: [CURRENT, NEXT] }),
    );
    expect(out).toEqual({
      status: "succeeded",
      result: { status_code: 202, latency_ms: expect.any(Number), body: { accepted: true, execution: "ex_1" } },
    });
    expect(sink.calls).toHaveLength(1);
    const c = sink.calls[0] as Call;
    expect(c.url).toBe("https://wf.example.com/hooks/deploy%2Fprod%201");
    expect(c.init.method).toBe("POST");
    expect(c.init.redirect).toBe("manual");
    expect(c.headers.get("content-type")).toBe("application/json");
    expect(c.headers.get("x-task-id")).toBe("task_wf");
    expect(c.headers.get("x-run-id")).toBe("run_wf");
    expect(c.headers.get("x-attempt")).toBe("2");
    expect(JSON.parse(c.body)).toEqual({
      callback_type: "workflow",
      callback_id: "deploy/prod 1",
      task_id: "task_wf",
      run_id: "run_wf",
      attempt: 2,
      scheduled_for: "2026-03-08T07:30:00.000Z",
      input: { branch: "main" },
    });
    // During a rotation the request carries one v1= per secret, current first.
    const sig = await signatures(c, [CURRENT, NEXT]);
    expect(Math.abs(sig.t - Date.now() / 1000)).toBeLessThan(60);
    expect(sig.carried).toEqual(sig.expected);
  });

  it("a webhook callback goes to the task's url (even when an endpoint is configured); a text answer is kept as text", async () => {
    const sink = target(() => new Response("queued", { status: 200, headers: { "content-type": "text/plain" } }));
    const t = task({ callback_type: "webhook", callback_id: "cb_9", url: "https://hooks.example.org/in?x=1" });
    const out = await workflowExecutor.execute(
      t,
      run({ input: { event: "build.done" } }),
      ctx({ env: withEnv({ WORKFLOW_ENDPOINT_URL: "https://wf.example.com/hooks" }) }),
    );
    expect(out).toEqual({ status: "succeeded", result: { status_code: 200, latency_ms: expect.any(Number), body: "queued" } });
    const c = sink.calls[0] as Call;
    expect(c.url).toBe("https://hooks.example.org/in?x=1");
    expect(JSON.parse(c.body)).toMatchObject({ callback_type: "webhook", callback_id: "cb_9", input: { event: "build.done" } });
    const sig = await signatures(c, [CURRENT]);
    expect(sig.carried).toEqual(sig.expected);
  });

  it("input is null when neither the task nor the run has one", async () => {
    const sink = target(() => new Response(null, { status: 204 }));
    await workflowExecutor.execute(task({ callback_type: "webhook", callback_id: "cb", url: "https://hooks.example.org/" }), run(), ctx());
    expect(JSON.parse(sink.calls[0]?.body ?? "{}").input).toBeNull();
  });

  it("no endpoint and no url: a clear failure, nothing called", async () => {
    const sink = target();
    const out = await workflowExecutor.execute(
      task({ callback_type: "workflow", callback_id: "wf_1" }),
      run(),
      ctx({ env: withEnv({ WORKFLOW_ENDPOINT_URL: undefined }) }),
    );
    expect(out).toEqual({ status: "failed", error: "no workflow endpoint: set WORKFLOW_ENDPOINT_URL or give the task a url" });
    expect(sink.calls).toHaveLength(0);
  });

  it("a 500 fails with the answer recorded and Retry-After honoured", async () => {
    target(() => Response.json({ error: "engine down" }, { status: 503, headers: { "retry-after": "120" } }));
    const out = await workflowExecutor.execute(
      task({ callback_type: "webhook", callback_id: "cb", url: "https://hooks.example.org/" }),
      run(),
      ctx(),
    );
    expect(out).toEqual({
      status: "failed",
      result: { status_code: 503, latency_ms: expect.any(Number), body: { error: "engine down" } },
      error: "webhook endpoint answered 503",
      retryAfterSeconds: 120,
    });
    target(() => new Response("boom", { status: 500 }));
    const plain = await workflowExecutor.execute(
      task({ callback_type: "webhook", callback_id: "cb", url: "https://hooks.example.org/" }),
      run(),
      ctx(),
    );
    expect(plain).toMatchObject({ status: "failed", error: "webhook endpoint answered 500", result: { status_code: 500, body: "boom" } });
    expect(plain.retryAfterSeconds).toBeUndefined();
  });

  it("a private WORKFLOW_ENDPOINT_URL is refused unless private targets are allowed", async () => {
    const sink = target();
    const private_ = withEnv({ WORKFLOW_ENDPOINT_URL: "http://10.0.0.5:8080/wf" });
    const out = await workflowExecutor.execute(task({ callback_type: "workflow", callback_id: "a" }), run(), ctx({ env: private_ }));
    expect(out.status).toBe("failed");
    expect(out.error).toContain("10.0.0.5 is a private or loopback address");
    expect(out.permanent).toBe(true);
    expect(sink.calls).toHaveLength(0);
    const allowed = await workflowExecutor.execute(
      task({ callback_type: "workflow", callback_id: "a" }),
      run(),
      ctx({ env: private_, allowPrivateTargets: true }),
    );
    expect(allowed.status).toBe("succeeded");
    expect(sink.calls.map((c) => c.url)).toEqual(["http://10.0.0.5:8080/wf/a"]);
  });

  it("a connection error fails; an aborted run is timed_out", async () => {
    target(() => Promise.reject(new TypeError("Network connection lost.")));
    const t = task({ callback_type: "webhook", callback_id: "cb", url: "https://hooks.example.org/" });
    expect(await workflowExecutor.execute(t, run(), ctx())).toEqual({
      status: "failed",
      error: "request failed: Network connection lost.",
    });
    target((c) => new Promise<Response>((_, reject) => c.init.signal?.addEventListener("abort", () => reject(c.init.signal?.reason))));
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error("timeout")), 30);
    expect(await workflowExecutor.execute(t, run(), ctx({ signal: ac.signal }))).toEqual({
      status: "timed_out",
      error: "no answer within 30 s",
    });
  });
});
