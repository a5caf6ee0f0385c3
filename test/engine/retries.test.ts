import { afterEach, describe, expect, it, vi } from "vitest";
import { call, createTask, tenant } from "../helpers/api";
import { captureQueue, deliver, runsOf, target } from "../helpers/engine";

afterEach(() => vi.restoreAllMocks());

/** Runs a task whose target always fails, following every retry, and returns the delays the queue was given. */
async function failThrough(retry: Record<string, unknown>, answer: () => Response = () => new Response("down", { status: 500 })) {
  const { key } = await tenant();
  const q = captureQueue();
  const sink = target(answer);
  const t = await createTask(key, { retry });
  await call("POST", `/v1/tasks/${t.id}/run`, { token: key });
  const delays: (number | undefined)[] = [];
  for (let guard = 0; guard < 10; guard++) {
    const msgs = q.take(t.id);
    if (msgs.length === 0) break;
    if (guard > 0) delays.push(...msgs.map((m) => m.delaySeconds));
    await deliver(...msgs.map((m) => m.body));
  }
  return { key, t, sink, delays, runs: await runsOf(t.id) };
}

describe("retries", () => {
  it("fixed: max_retries retries, each after the same delay, then a final failure", async () => {
    const { runs, delays, sink, key, t } = await failThrough({ max_retries: 2, delay_seconds: 10, backoff: "fixed" });
    expect(runs.map((r) => [r.attempt, r.trigger, r.status, r.final])).toEqual([
      [1, "manual", "failed", 0],
      [2, "retry", "failed", 0],
      [3, "retry", "failed", 1],
    ]);
    expect(delays).toEqual([10, 10]);
    expect(sink.calls.map((c) => c.headers.get("x-attempt"))).toEqual(["1", "2", "3"]);
    expect(runs[1]?.retry_of).toBe(runs[0]?.id);
    expect((await call("GET", `/v1/tasks/${t.id}`, { token: key })).body.last_status).toBe("failed");
  });

  it("linear: delay × attempt", async () => {
    const { delays } = await failThrough({ max_retries: 3, delay_seconds: 10, backoff: "linear" });
    expect(delays).toEqual([10, 20, 30]);
  });

  it("exponential_jitter: full jitter over delay × 2^(attempt−1), capped by max_delay_seconds", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0.5);
    const { delays } = await failThrough({ max_retries: 4, delay_seconds: 10, backoff: "exponential_jitter", max_delay_seconds: 30 });
    expect(delays).toEqual([5, 10, 15, 15]);
  });

  it("a target's Retry-After overrides the computed delay", async () => {
    const { delays } = await failThrough(
      { max_retries: 1, delay_seconds: 600, backoff: "fixed" },
      () => new Response("slow down", { status: 429, headers: { "retry-after": "7" } }),
    );
    expect(delays).toEqual([7]);
  });

  it("max_retries 0: the first failure is final", async () => {
    const { runs } = await failThrough({ max_retries: 0 });
    expect(runs.map((r) => [r.status, r.final])).toEqual([["failed", 1]]);
  });

  it("a final failure is listed and can be re-run", async () => {
    const { key, runs, t } = await failThrough({ max_retries: 1, delay_seconds: 1, backoff: "fixed" });
    const finals = await call("GET", `/v1/runs?status=failed&final=true&task_id=${t.id}`, { token: key });
    expect(finals.body.runs.map((r: { id: string }) => r.id)).toEqual([runs[1]?.id]);
    const again = await call("POST", `/v1/runs/${runs[1]?.id}/retry`, { token: key });
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ trigger: "retry", attempt: 3, status: "queued", retry_of: runs[1]?.id });
  });

  it("a paused task gets no further retries", async () => {
    const { key } = await tenant();
    const q = captureQueue();
    target(() => new Response("down", { status: 500 }));
    const t = await createTask(key, { retry: { max_retries: 3, delay_seconds: 1, backoff: "fixed" } });
    await call("POST", `/v1/tasks/${t.id}/run`, { token: key });
    await call("POST", `/v1/tasks/${t.id}/pause`, { token: key });
    await deliver(...q.take(t.id).map((m) => m.body));
    const runs = await runsOf(t.id);
    expect(runs.map((r) => [r.status, r.final])).toEqual([["failed", 1]]);
    expect(q.forTask(t.id)).toHaveLength(0);
  });
});

describe("timeouts", () => {
  it("a target that hangs past timeout_seconds: the run is timed_out and retried", async () => {
    const { key } = await tenant();
    const q = captureQueue();
    const sink = target();
    sink.hold();
    const t = await createTask(key, { timeout_seconds: 1, retry: { max_retries: 1, delay_seconds: 5, backoff: "fixed" } });
    await call("POST", `/v1/tasks/${t.id}/run`, { token: key });
    await deliver(...q.take(t.id).map((m) => m.body));
    const runs = await runsOf(t.id);
    expect(runs.map((r) => [r.attempt, r.status])).toEqual([
      [1, "timed_out"],
      [2, "queued"],
    ]);
    expect(sink.calls[0]?.init.signal?.aborted).toBe(true);
    expect(q.forTask(t.id).map((m) => m.delaySeconds)).toEqual([5]);
  });
});
