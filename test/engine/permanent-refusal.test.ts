import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { apiKey, call, createTask, tenant } from "../helpers/api";
import { captureQueue, deliver, runsOf, target, tickAt } from "../helpers/engine";

// Issue 10, item 2: what the write-time check cannot judge (an endpoint the operator
// configures, a task stored while ALLOW_PRIVATE_TARGETS was on) is refused at run time,
// and that refusal is permanent: one final failed run, whatever the retry policy.

type Endpoints = { WORKFLOW_ENDPOINT_URL?: string; AGENT_ENDPOINT_URL?: string };
const endpoints = env as Endpoints;
const saved: Endpoints = { WORKFLOW_ENDPOINT_URL: endpoints.WORKFLOW_ENDPOINT_URL, AGENT_ENDPOINT_URL: endpoints.AGENT_ENDPOINT_URL };

afterEach(() => {
  vi.restoreAllMocks();
  for (const k of ["WORKFLOW_ENDPOINT_URL", "AGENT_ENDPOINT_URL"] as const) {
    if (saved[k] === undefined) delete endpoints[k];
    else endpoints[k] = saved[k];
  }
});

/** Follows every message the task's runs put on the queue (retries included), at most `rounds` times. */
async function drain(q: ReturnType<typeof captureQueue>, taskId: string, rounds = 6) {
  for (let i = 0; i < rounds; i++) {
    const msgs = q.take(taskId);
    if (msgs.length === 0) return;
    await deliver(...msgs.map((m) => m.body));
  }
}

/** Exactly one run, failed, final, refused for its address; the API shows it final too. */
async function expectOneFinalRefusal(key: string, taskId: string, pattern = /private or loopback/) {
  const runs = await runsOf(taskId);
  expect(runs.map((r) => [r.attempt, r.status, r.final])).toEqual([[1, "failed", 1]]);
  expect(String(runs[0]?.error)).toMatch(pattern);
  const listed = await call("GET", `/v1/tasks/${taskId}/runs`, { token: key });
  expect(listed.body.total).toBe(1);
  expect(listed.body.runs[0]).toMatchObject({ status: "failed", final: true });
}

describe("a private target refused at run time is a permanent failure", () => {
  it("a scheduled workflow callback to a private WORKFLOW_ENDPOINT_URL: one final failed run, no retry queued", async () => {
    endpoints.WORKFLOW_ENDPOINT_URL = "http://10.0.0.5:8080/wf";
    const { key } = await tenant();
    const q = captureQueue();
    const sink = target();
    // The default retry policy (3 retries) would call it three more times.
    const t = await createTask(key, { type: "workflow", parameters: { callback_type: "workflow", callback_id: "nightly" } });
    expect(t.retry.max_retries).toBe(3);
    await tickAt(Date.parse(t.next_run_at) - 10_000);
    expect(q.forTask(t.id)).toHaveLength(1);
    await drain(q, t.id);
    await expectOneFinalRefusal(key, t.id, /10\.0\.0\.5 is a private or loopback address/);
    expect(q.forTask(t.id)).toHaveLength(0);
    expect(sink.calls).toHaveLength(0);
  });

  it("an agent task whose AGENT_ENDPOINT_URL is loopback: one final failed run", async () => {
    endpoints.AGENT_ENDPOINT_URL = "http://127.0.0.1:11434/v1";
    const { key } = await tenant();
    const q = captureQueue();
    const sink = target();
    const t = await createTask(key, {
      type: "agent_task",
      parameters: { prompt: "summarise" },
      retry: { max_retries: 5, delay_seconds: 1, backoff: "fixed" },
    });
    await call("POST", `/v1/tasks/${t.id}/run`, { token: key });
    await drain(q, t.id);
    await expectOneFinalRefusal(key, t.id, /agent endpoint 127\.0\.0\.1 is a private or loopback address/);
    expect(sink.calls).toHaveLength(0);
  });

  it("an http task stored with a private url while they were allowed: one final failed run", async () => {
    const { key } = await tenant();
    const q = captureQueue();
    const sink = target();
    const t = await createTask(key);
    await env.DB.prepare("UPDATE tasks SET parameters = ? WHERE id = ?")
      .bind(JSON.stringify({ url: "http://0x7f000001/hook", method: "POST" }), t.id)
      .run();
    await call("POST", `/v1/tasks/${t.id}/run`, { token: key });
    await drain(q, t.id);
    await expectOneFinalRefusal(key, t.id);
    expect(sink.calls).toHaveLength(0);
  });

  it("a stored health check with one private target among public ones: probed once, final", async () => {
    const { key } = await tenant();
    const q = captureQueue();
    const sink = target();
    const t = await createTask(key, { type: "health_check", parameters: { targets: [{ url: "https://ok.example.com/health" }] } });
    const stored = { targets: [{ url: "https://ok.example.com/health" }, { name: "meta", url: "http://169.254.169.254/latest" }] };
    await env.DB.prepare("UPDATE tasks SET parameters = ? WHERE id = ?").bind(JSON.stringify(stored), t.id).run();
    await call("POST", `/v1/tasks/${t.id}/run`, { token: key });
    await drain(q, t.id);
    await expectOneFinalRefusal(key, t.id, /1 of 2 targets failed: meta/);
    expect(sink.calls.map((c) => c.url)).toEqual(["https://ok.example.com/health"]);
  });

  it("a health check whose edge part was refused stays final once its runner part succeeds", async () => {
    const { key, org } = await tenant();
    const runnerKey = await apiKey(org, ["runner"]);
    const q = captureQueue();
    target();
    const t = await createTask(key, {
      type: "health_check",
      parameters: { targets: [{ url: "https://ok.example.com/" }], check_containers: true },
    });
    const stored = { targets: [{ name: "lan", url: "http://10.0.0.1/health" }], check_containers: true };
    await env.DB.prepare("UPDATE tasks SET parameters = ? WHERE id = ?").bind(JSON.stringify(stored), t.id).run();
    await call("POST", `/v1/tasks/${t.id}/run`, { token: key });
    await drain(q, t.id);
    const claim = await call("POST", "/v1/runners/claim", {
      token: runnerKey,
      body: { runner_id: "host-1", types: ["health_check"], wait_seconds: 0 },
    });
    expect(claim.status, JSON.stringify(claim.body)).toBe(200);
    const done = await call("POST", `/v1/runs/${claim.body.run.id}/complete`, {
      token: runnerKey,
      body: { runner_id: "host-1", status: "succeeded", exit_code: 0 },
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    await drain(q, t.id);
    await expectOneFinalRefusal(key, t.id, /1 of 1 targets failed: lan/);
  });

  it("an ordinary failure of the same task is still retried (only the refusal is permanent)", async () => {
    endpoints.WORKFLOW_ENDPOINT_URL = "https://wf.example.com/hooks";
    const { key } = await tenant();
    const q = captureQueue();
    target(() => new Response("busy", { status: 503 }));
    const t = await createTask(key, {
      type: "workflow",
      parameters: { callback_type: "workflow", callback_id: "nightly" },
      retry: { max_retries: 2, delay_seconds: 1, backoff: "fixed" },
    });
    await call("POST", `/v1/tasks/${t.id}/run`, { token: key });
    await drain(q, t.id);
    const runs = await runsOf(t.id);
    expect(runs.map((r) => [r.attempt, r.status, r.final])).toEqual([
      [1, "failed", 0],
      [2, "failed", 0],
      [3, "failed", 1],
    ]);
  });
});
