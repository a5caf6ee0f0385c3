import { runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { apiKey, call, createTask, tenant } from "../helpers/api";
import { captureQueue, deliver, runsOf } from "../helpers/engine";
import { expireLeases, lockStorage } from "../helpers/lock";

afterEach(() => vi.restoreAllMocks());

const script = (over: Record<string, unknown> = {}) => ({ type: "custom_script", parameters: { command: "echo hello" }, ...over });

/** An org with a writer key and a runner key, and a custom_script run handed to runners. */
async function handed(over: Record<string, unknown> = {}) {
  const { key, org } = await tenant();
  const runnerKey = await apiKey(org, ["runner"]);
  const q = captureQueue();
  const t = await createTask(key, script(over));
  const run = await call("POST", `/v1/tasks/${t.id}/run`, { token: key });
  await deliver(...q.take(t.id).map((m) => m.body));
  return { key, org, runnerKey, q, t, runId: run.body.id as string };
}
const claim = (token: string, body: Record<string, unknown> = {}) =>
  call("POST", "/v1/runners/claim", {
    token,
    body: { runner_id: "host-1", types: ["custom_script", "container_update"], wait_seconds: 0, ...body },
  });

describe("runners", () => {
  it("claim → heartbeat → complete: the run succeeds with the command's output", async () => {
    const { runnerKey, runId, t, key } = await handed();
    expect((await runsOf(t.id)).map((r) => [r.status, r.runner_ready_at !== null])).toEqual([["queued", true]]);
    const c = await claim(runnerKey);
    expect(c.status).toBe(200);
    expect(c.body.run).toMatchObject({ id: runId, status: "running", runner_id: "host-1" });
    expect(c.body.task).toMatchObject({ id: t.id, type: "custom_script", parameters: { command: "echo hello" } });
    expect(c.body.heartbeat_interval_seconds).toBe(15);
    expect(Date.parse(c.body.lease_expires_at)).toBeGreaterThan(Date.now());
    const hb = await call("POST", `/v1/runs/${runId}/heartbeat`, { token: runnerKey, body: { runner_id: "host-1", stdout_tail: "hel" } });
    expect(hb.status).toBe(200);
    expect(hb.body.cancel).toBe(false);
    // Output streams back with each heartbeat while the command runs.
    expect((await call("GET", `/v1/runs/${runId}`, { token: key })).body.result).toEqual({
      partial: true,
      stdout_tail: "hel",
      stderr_tail: "",
    });
    const done = await call("POST", `/v1/runs/${runId}/complete`, {
      token: runnerKey,
      body: { runner_id: "host-1", status: "succeeded", exit_code: 0, stdout_tail: "hello\n", stderr_tail: "" },
    });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: "succeeded", result: { exit_code: 0, stdout_tail: "hello\n" } });
    expect((await call("GET", `/v1/tasks/${t.id}`, { token: key })).body.last_status).toBe("succeeded");
    // The lock is free again and a second report is refused.
    expect((await lockStorage(t.id)).state.leases).toEqual([]);
    expect(
      (await call("POST", `/v1/runs/${runId}/complete`, { token: runnerKey, body: { runner_id: "host-1", status: "succeeded" } })).status,
    ).toBe(409);
  });

  it("GET /v1/runners lists the runners seen, with labels, types, last claim or heartbeat and runs in flight", async () => {
    const { runnerKey, runId, key, org } = await handed();
    expect((await call("GET", "/v1/runners", { token: key })).body).toEqual({ runners: [] });
    expect((await claim(runnerKey, { labels: { project: "p1" } })).body.run.id).toBe(runId);
    await claim(await apiKey(org, ["runner"]), { runner_id: "host-2", types: ["backup"] });
    const before = (await call("GET", "/v1/runners", { token: key })).body.runners;
    expect(before.map((r: any) => r.id).sort()).toEqual(["host-1", "host-2"]);
    const host1 = before.find((r: any) => r.id === "host-1");
    expect(host1).toMatchObject({ labels: { project: "p1" }, types: ["custom_script", "container_update"], runs_in_flight: 1 });
    expect(before.find((r: any) => r.id === "host-2")).toMatchObject({ labels: {}, types: ["backup"], runs_in_flight: 0 });
    await new Promise((r) => setTimeout(r, 5));
    await call("POST", `/v1/runs/${runId}/heartbeat`, { token: runnerKey, body: { runner_id: "host-1" } });
    const after = (await call("GET", "/v1/runners", { token: key })).body.runners;
    // A heartbeat moves last_seen_at and keeps the labels of the last claim.
    expect(after[0]).toMatchObject({ id: "host-1", labels: { project: "p1" }, runs_in_flight: 1 });
    expect(Date.parse(after[0].last_seen_at)).toBeGreaterThan(Date.parse(host1.last_seen_at));
    // Another organization sees none of them.
    expect((await call("GET", "/v1/runners", { token: (await tenant()).key })).body).toEqual({ runners: [] });
  });

  it("answers 204 when there is nothing to do, after waiting up to wait_seconds", async () => {
    const { org } = await tenant();
    const runnerKey = await apiKey(org, ["runner"]);
    const started = Date.now();
    const r = await claim(runnerKey, { wait_seconds: 1 });
    expect(r.status).toBe(204);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it("two runners never get the same run", async () => {
    const { runnerKey } = await handed();
    const [a, b] = await Promise.all([claim(runnerKey, { runner_id: "a" }), claim(runnerKey, { runner_id: "b" })]);
    expect([a.status, b.status].sort()).toEqual([200, 204]);
  });

  it("a lapsed lease (no heartbeat) times the run out and retries it by the task's rules", async () => {
    const { runnerKey, runId, t, q } = await handed({ retry: { max_retries: 1, delay_seconds: 2, backoff: "fixed" } });
    expect((await claim(runnerKey)).status).toBe(200);
    const stub = await expireLeases(t.id);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const runs = await runsOf(t.id);
    expect(runs.map((r) => [r.attempt, r.status])).toEqual([
      [1, "timed_out"],
      [2, "queued"],
    ]);
    expect(String(runs[0]?.error)).toMatch(/host-1 stopped sending heartbeats/);
    expect((await call("POST", `/v1/runs/${runId}/heartbeat`, { token: runnerKey, body: { runner_id: "host-1" } })).status).toBe(409);
    // The retry goes back to the runners.
    await deliver(...q.take(t.id).map((m) => m.body));
    const again = await claim(runnerKey);
    expect(again.body.run).toMatchObject({ attempt: 2, trigger: "retry" });
  });

  it("a failed command is retried; its exit code and stderr are recorded", async () => {
    const { runnerKey, runId, t } = await handed({ retry: { max_retries: 1, delay_seconds: 1, backoff: "fixed" } });
    await claim(runnerKey);
    const r = await call("POST", `/v1/runs/${runId}/complete`, {
      token: runnerKey,
      body: { runner_id: "host-1", status: "failed", exit_code: 2, stderr_tail: "no such file" },
    });
    expect(r.body).toMatchObject({
      status: "failed",
      error: "the command failed with exit code 2",
      result: { exit_code: 2, stderr_tail: "no such file" },
    });
    expect((await runsOf(t.id)).map((x) => x.status)).toEqual(["failed", "queued"]);
  });

  it("a heartbeat tells the runner to stop once the task is canceled", async () => {
    const { runnerKey, runId, t, key } = await handed();
    await claim(runnerKey);
    await call("POST", `/v1/tasks/${t.id}/cancel`, { token: key });
    const hb = await call("POST", `/v1/runs/${runId}/heartbeat`, { token: runnerKey, body: { runner_id: "host-1" } });
    expect(hb.body.cancel).toBe(true);
  });

  it("only the runner that claimed a run may report on it", async () => {
    const { runnerKey, runId } = await handed();
    await claim(runnerKey);
    const r = await call("POST", `/v1/runs/${runId}/complete`, { token: runnerKey, body: { runner_id: "impostor", status: "succeeded" } });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe("not_claimed");
  });

  it("a task of a project goes only to runners labelled with that project", async () => {
    const { key, org } = await tenant();
    await call("POST", "/v1/projects", { token: key, body: { id: "prod", name: "Production" } });
    const runnerKey = await apiKey(org, ["runner"]);
    const q = captureQueue();
    const t = await createTask(key, script({ project_id: "prod" }));
    await call("POST", `/v1/tasks/${t.id}/run`, { token: key });
    await deliver(...q.take(t.id).map((m) => m.body));
    expect((await claim(runnerKey)).status).toBe(204);
    expect((await claim(runnerKey, { labels: { project: "staging" } })).status).toBe(204);
    expect((await claim(runnerKey, { labels: { project: "prod" } })).status).toBe(200);
  });

  it("a runner of another organization sees nothing and can touch nothing", async () => {
    const { runId } = await handed();
    const other = await tenant();
    const otherRunner = await apiKey(other.org, ["runner"]);
    expect((await claim(otherRunner)).status).toBe(204);
    expect((await call("POST", `/v1/runs/${runId}/heartbeat`, { token: otherRunner, body: { runner_id: "host-1" } })).status).toBe(404);
    expect(
      (await call("POST", `/v1/runs/${runId}/complete`, { token: otherRunner, body: { runner_id: "host-1", status: "succeeded" } })).status,
    ).toBe(404);
  });

  it("runner routes need the runner scope", async () => {
    const { key } = await tenant();
    expect((await claim(key)).status).toBe(403);
    const bad = await call("POST", "/v1/runners/claim", { token: key, body: { runner_id: "x", types: ["http"] } });
    expect(bad.status).toBe(403);
  });

  it("refuses types a runner cannot run and bad runner ids", async () => {
    const { org } = await tenant();
    const runnerKey = await apiKey(org, ["runner"]);
    expect((await claim(runnerKey, { types: ["http"] })).status).toBe(400);
    expect((await claim(runnerKey, { runner_id: "has space" })).status).toBe(400);
  });
});
