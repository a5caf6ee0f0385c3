import { afterEach, describe, expect, it, vi } from "vitest";
import { apiKey, call, tenant } from "../helpers/api";
import { captureQueue, deliver, target, until } from "../helpers/engine";
import { HEALTH } from "./platform-seed";

// Dialect 001 (issue 10, item 1): the seed's documented "Health Check Task" body works for
// a project whose containers live on its hosts, behind no public url: the project's runner
// checks connectivity too, and the execution's result says who did.

afterEach(() => vi.restoreAllMocks());
const BASE = "/api/v1/tasks";

async function withProject(project: Record<string, unknown>) {
  const t = await tenant();
  const r = await call("POST", "/v1/projects", { token: t.key, body: project });
  expect(r.status).toBe(201);
  return { ...t, runnerKey: await apiKey(t.org, ["runner"]) };
}

/** POST /:id/run, delivered to the real consumer (the edge part has run); `pending` is the waiting request. */
async function startRun(key: string, id: string) {
  const q = captureQueue();
  const pending = call("POST", `${BASE}/${id}/run`, { token: key });
  await until(() => q.forTask(id).length > 0);
  await deliver(...q.take(id).map((m) => m.body));
  return { pending };
}

const claim = (runnerKey: string, project: string) =>
  call("POST", "/v1/runners/claim", {
    token: runnerKey,
    body: { runner_id: `host-${project}`, types: ["health_check"], labels: { project }, wait_seconds: 0 },
  });

describe("001 health check of a project without a url", () => {
  it("is accepted, and the project's runner checks connectivity and containers; the result says so", async () => {
    const { key, runnerKey } = await withProject({ id: "production", name: "Production" });
    const fake = target(() => new Response("never called"));
    const created = await call("POST", BASE, { token: key, body: HEALTH });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.task.id as string;
    // Read back: the seed's config, stored as a runner's connectivity + container check.
    expect((await call("GET", `${BASE}/${id}`, { token: key })).body.healthCheckConfig).toEqual({
      checkContainers: true,
      checkConnectivity: true,
      alertOnFailure: true,
    });
    expect((await call("GET", `/v1/tasks/${id}`, { token: key })).body.parameters).toMatchObject({
      targets: [],
      check_containers: true,
      runner_connectivity: true,
    });

    const { pending } = await startRun(key, id);
    // Only a runner of this project gets it; it is told to check connectivity too.
    expect((await claim(runnerKey, "staging")).status).toBe(204);
    const c = await claim(runnerKey, "production");
    expect(c.status).toBe(200);
    expect(c.body.task.parameters).toMatchObject({ runner_connectivity: true, check_containers: true });
    const done = await call("POST", `/v1/runs/${c.body.run.id}/complete`, {
      token: runnerKey,
      body: { runner_id: "host-production", status: "succeeded", exit_code: 0, stdout_tail: "web :8080 reachable\nweb Up 3 days\n" },
    });
    expect(done.status).toBe(200);
    const r = await pending;
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      success: true,
      execution: {
        status: "success",
        result: { connectivityCheckedBy: "runner", containers: { exit_code: 0, stdout_tail: "web :8080 reachable\nweb Up 3 days\n" } },
      },
    });
    // The edge probed nothing: there is no url to probe.
    expect(fake.calls).toEqual([]);
  });

  it("a connectivity-only check goes to the runner too, and its failure names the connectivity check", async () => {
    const { key, runnerKey } = await withProject({ id: "production", name: "Production" });
    const created = await call("POST", BASE, { token: key, body: { ...HEALTH, healthCheckConfig: { checkContainers: false } } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.task.id as string;
    const { pending } = await startRun(key, id);
    const c = await claim(runnerKey, "production");
    expect(c.body.task.parameters).toMatchObject({ runner_connectivity: true, check_containers: false });
    await call("POST", `/v1/runs/${c.body.run.id}/complete`, {
      token: runnerKey,
      body: { runner_id: "host-production", status: "failed", exit_code: 1, stdout_tail: "web :8080 unreachable\n" },
    });
    const r = await pending;
    expect(r.body).toMatchObject({
      success: false,
      error: "the connectivity check failed with exit code 1",
      execution: { status: "failed", result: { connectivityCheckedBy: "runner", connectivity: { exit_code: 1 } } },
    });
  });

  it("a project with a url is probed from the edge, as before, and the result says edge", async () => {
    const { key, runnerKey } = await withProject({ id: "production", name: "Production", url: "https://production.example.com/health" });
    const fake = target(() => new Response("ok"));
    const created = await call("POST", BASE, { token: key, body: HEALTH });
    expect(created.status).toBe(201);
    const id = created.body.task.id as string;
    expect((await call("GET", `/v1/tasks/${id}`, { token: key })).body.parameters).not.toHaveProperty("runner_connectivity");
    const { pending } = await startRun(key, id);
    expect(fake.calls.map((x) => x.url)).toEqual(["https://production.example.com/health"]);
    const c = await claim(runnerKey, "production");
    expect(c.body.task.parameters).not.toHaveProperty("runner_connectivity");
    await call("POST", `/v1/runs/${c.body.run.id}/complete`, {
      token: runnerKey,
      body: { runner_id: "host-production", status: "succeeded", exit_code: 0 },
    });
    expect((await pending).body).toMatchObject({
      success: true,
      execution: { result: { ok: 1, total: 1, connectivityCheckedBy: "edge", containers: { exit_code: 0 } } },
    });
  });

  it("validates the request's own fields before stored state: a bad cron is the seed's 400 whatever the project", async () => {
    const { key } = await withProject({ id: "production", name: "Production" });
    for (const projectId of ["production", "no-such-project"]) {
      const r = await call("POST", BASE, { token: key, body: { ...HEALTH, projectId, cronExpression: "every day" } });
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ success: false, error: "Invalid cron expression" });
    }
    // A good cron with an unknown project is the project's 400.
    expect((await call("POST", BASE, { token: key, body: { ...HEALTH, projectId: "no-such-project" } })).body).toEqual({
      success: false,
      error: "Project not found",
    });
    // PUT: the same order.
    const created = await call("POST", BASE, { token: key, body: HEALTH });
    const put = await call("PUT", `${BASE}/${created.body.task.id}`, {
      token: key,
      body: { projectId: "no-such-project", cronExpression: "every day" },
    });
    expect(put.body).toEqual({ success: false, error: "Invalid cron expression" });
    expect((await call("GET", "/v1/tasks", { token: key })).body.total).toBe(1);
  });
});
