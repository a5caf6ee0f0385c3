import { afterEach, describe, expect, it, vi } from "vitest";
import { apiKey, call, createTask, tenant } from "../helpers/api";
import { captureQueue, deliver, linesDuring, target } from "../helpers/engine";

// Issue 11: every line a request causes, in the services and in the engine they call,
// carries that request's request_id; engine lines carry task_id and run_id.

afterEach(() => vi.restoreAllMocks());

describe("request_id on every line a request causes", () => {
  it("a runner's claim and complete: the service's and the engine's lines carry their request's id", async () => {
    const { key, org } = await tenant();
    const runnerKey = await apiKey(org, ["runner"]);
    const q = captureQueue();
    target(() => new Response("ok"));
    const t = await createTask(key, {
      type: "custom_script",
      parameters: { command: "echo hi" },
      on_success_url: "https://hooks.example.com/done",
    });
    const run = await call("POST", `/v1/tasks/${t.id}/run`, { token: key });
    await deliver(...q.take(t.id).map((m) => m.body));

    const claimLines = await linesDuring(() =>
      call("POST", "/v1/runners/claim", {
        token: runnerKey,
        headers: { "x-request-id": "req-claim-1" },
        body: { runner_id: "host-1", types: ["custom_script"], wait_seconds: 0 },
      }),
    );
    const completeLines = await linesDuring(() =>
      call("POST", `/v1/runs/${run.body.id}/complete`, {
        token: runnerKey,
        headers: { "x-request-id": "req-complete-1" },
        body: { runner_id: "host-1", status: "succeeded", exit_code: 0 },
      }),
    );
    expect(claimLines.map((l) => l.event)).toContain("run.claimed");
    expect(claimLines.every((l) => l.request_id === "req-claim-1")).toBe(true);
    expect(completeLines.map((l) => l.event)).toEqual(expect.arrayContaining(["run.finished", "run.notified"]));
    for (const line of completeLines) {
      expect(line, JSON.stringify(line)).toMatchObject({ request_id: "req-complete-1" });
      if (String(line.event).startsWith("run.")) expect(line).toMatchObject({ task_id: t.id, run_id: run.body.id });
    }
  });
});
