import { createExecutionContext, createMessageBatch, createScheduledController, env, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { call, createTask, tenant } from "../helpers/api";

async function tickAt(ms: number) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: ms, cron: "* * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

async function deliver(body: unknown) {
  const batch = createMessageBatch("tasks-runs", [{ id: crypto.randomUUID(), timestamp: new Date(), attempts: 1, body }]);
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  await waitOnExecutionContext(ctx);
  return getQueueResult(batch, ctx);
}

afterEach(() => vi.restoreAllMocks());

describe("tick → queue → consumer", () => {
  it("claims a due task once, even when the tick for that minute runs twice", async () => {
    const { key } = await tenant();
    const t = await createTask(key, { schedule: { kind: "cron", expression: "* * * * *", timezone: "UTC" } });
    const due = Date.parse(t.next_run_at);
    const sent = vi.spyOn(env.RUNS, "sendBatch");
    await tickAt(due - 20_000);
    await tickAt(due - 20_000);
    const runs = await call("GET", `/v1/tasks/${t.id}/runs`, { token: key });
    const forDue = runs.body.runs.filter((r: { scheduled_for: string }) => Date.parse(r.scheduled_for) === due);
    expect(forDue).toHaveLength(1);
    expect(forDue[0]).toMatchObject({ trigger: "schedule", status: "queued" });
    const mine = sent.mock.calls.flatMap((c) => [...c[0]]).filter((m) => (m.body as { task_id: string }).task_id === t.id);
    expect(mine).toHaveLength(1);
    // A run due 20 s after the tick waits 20 s in the queue: never early.
    expect(mine[0]?.delaySeconds).toBe(20);
    const after = await call("GET", `/v1/tasks/${t.id}`, { token: key });
    expect(Date.parse(after.body.next_run_at)).toBe(due + 60_000);
  });

  it("executes an http run: signed request, recorded outcome, once even if redelivered", async () => {
    const { key, org } = await tenant();
    const t = await createTask(key, { parameters: { url: "https://sink.example.com/hook", body: { hello: "world" } } });
    const fetchSpy = vi.spyOn(globalThis, "fetch").mockResolvedValue(new Response("ok from sink", { status: 200 }));
    const run = await call("POST", `/v1/tasks/${t.id}/run`, { token: key });
    // The message exactly as the API enqueued it.
    const message = { v: 1, kind: "run", run_id: run.body.id, task_id: t.id, org_id: org };
    const result = await deliver(message);
    expect(result.explicitAcks).toHaveLength(1);
    expect(fetchSpy).toHaveBeenCalledTimes(1);
    const [url, init] = fetchSpy.mock.calls[0] ?? [];
    expect(String(url)).toBe("https://sink.example.com/hook");
    const headers = new Headers((init as RequestInit).headers);
    expect(headers.get("x-task-id")).toBe(t.id);
    expect(headers.get("x-run-id")).toBe(run.body.id);
    expect(headers.get("x-signature")).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const done = await call("GET", `/v1/runs/${run.body.id}`, { token: key });
    expect(done.body).toMatchObject({ status: "succeeded", result: { status_code: 200, body: "ok from sink" } });
    expect(done.body.duration_ms).toBeGreaterThanOrEqual(0);
    await deliver(message);
    expect(fetchSpy).toHaveBeenCalledTimes(1);
    const task = await call("GET", `/v1/tasks/${t.id}`, { token: key });
    expect(task.body.last_status).toBe("succeeded");
  });
});
