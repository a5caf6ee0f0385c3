import { afterEach, describe, expect, it, vi } from "vitest";
import { apiKey, call, createTask as createV1Task, jwt, tenant } from "../helpers/api";
import { captureQueue, deliver, target, until } from "../helpers/engine";
import { BACKUP, CUSTOM, HEALTH, UPDATES } from "./platform-seed";

// Dialect 001 (container platform, /api/v1/tasks): every example of the seed verbatim,
// with the host and the token replaced.

afterEach(() => vi.restoreAllMocks());

const SECOND_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const BASE = "/api/v1/tasks";

const PROD_URL = "https://production.example.com/health";

/** An org with a read-write key and the seed's projects ("production", "my-project"). */
async function org() {
  const t = await tenant();
  for (const p of [
    { id: "production", name: "Production", url: PROD_URL },
    { id: "my-project", name: "My Project", url: "https://my-project.example.com/" },
  ]) {
    const r = await call("POST", "/v1/projects", { token: t.key, body: p });
    expect(r.status).toBe(201);
  }
  return t;
}

async function create(key: string, body: Record<string, unknown>) {
  const r = await call("POST", BASE, { token: key, body });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.task as Record<string, any>;
}

/** A runner on the project's hosts: claims the next run of `type` labelled with `project`, or answers the 204. */
async function claimAs(runnerKey: string, type: string, project = "production") {
  return call("POST", "/v1/runners/claim", {
    token: runnerKey,
    body: { runner_id: `host-${project}`, types: [type], labels: { project }, wait_seconds: 0 },
  });
}
async function completeAs(runnerKey: string, runId: string, report: Record<string, unknown>, project = "production") {
  const r = await call("POST", `/v1/runs/${runId}/complete`, { token: runnerKey, body: { runner_id: `host-${project}`, ...report } });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}

const v1Count = async (key: string) => (await call("GET", "/v1/tasks", { token: key })).body.total as number;

describe("POST /api/v1/tasks (Create Task)", () => {
  it.each([
    ["Health Check Task", HEALTH, "health_check", { targets: [{ name: "Production", url: PROD_URL }], check_containers: true }],
    ["Backup Task", BACKUP, "backup", { run_on: "runner", type: "full", destination: "s3", encrypt: true }],
    ["Container Update Task", UPDATES, "container_update", { pull: true, restart: true }],
    ["Custom Task", CUSTOM, "custom_script", { command: CUSTOM.customConfig.command }],
  ])("%s: 201 {success, task} as the seed shows, and the same task through /v1", async (_n, body, coreType, parameters) => {
    const { key } = await org();
    const r = await call("POST", BASE, { token: key, body });
    expect(r.status).toBe(201);
    expect(r.body.success).toBe(true);
    const t = r.body.task;
    expect(Object.keys(t).sort()).toEqual(["createdAt", "enabled", "id", "name", "nextRun", "type"]);
    expect(t).toMatchObject({ name: body.name, type: body.type, enabled: true });
    expect(typeof t.id).toBe("string");
    expect(t.nextRun).toMatch(SECOND_ISO);
    expect(Date.parse(t.nextRun)).toBeGreaterThan(Date.now());
    expect(t.createdAt).toMatch(SECOND_ISO);
    expect(Math.abs(Date.parse(t.createdAt) - Date.now())).toBeLessThan(60_000);

    const v1 = await call("GET", `/v1/tasks/${t.id}`, { token: key });
    expect(v1.status).toBe(200);
    expect(v1.body).toMatchObject({ id: t.id, name: body.name, type: coreType, project_id: "production", status: "active", parameters });
    expect(v1.body.schedule).toMatchObject({ kind: "cron", expression: body.cronExpression, timezone: body.timezone });
    expect(t.nextRun).toBe(v1.body.next_run_at.replace(/\.\d{3}Z$/, "Z"));
  });

  it("the backup example's next run is 02:00 in New York", async () => {
    const { key } = await org();
    const t = await create(key, BACKUP);
    expect(t.nextRun).toMatch(/T0[67]:00:00Z$/);
  });

  it("defaults: enabled true, timezone UTC, every health-check flag true", async () => {
    const { key } = await org();
    const { enabled, timezone, healthCheckConfig, ...rest } = HEALTH;
    const t = await create(key, rest);
    expect(t.enabled).toBe(true);
    const g = await call("GET", `${BASE}/${t.id}`, { token: key });
    expect(g.body).toMatchObject({
      timezone: "UTC",
      healthCheckConfig: { checkContainers: true, checkConnectivity: true, alertOnFailure: true },
    });
    const b = await create(key, { ...BACKUP, name: "b", backupConfig: undefined });
    expect((await call("GET", `${BASE}/${b.id}`, { token: key })).body.backupConfig).toEqual({
      type: "full",
      destination: "s3",
      encrypt: false,
    });
    const u = await create(key, { ...UPDATES, name: "u", containerUpdateConfig: {} });
    expect((await call("GET", `${BASE}/${u.id}`, { token: key })).body.containerUpdateConfig).toEqual({
      pullImages: true,
      restartAfterUpdate: true,
    });
  });

  it("enabled:false creates the task paused with nextRun null", async () => {
    const { key } = await org();
    const t = await create(key, { ...CUSTOM, enabled: false });
    expect(t).toMatchObject({ enabled: false, nextRun: null });
    expect((await call("GET", `/v1/tasks/${t.id}`, { token: key })).body.status).toBe("paused");
  });

  it("health-check flags round-trip when not all true", async () => {
    const { key } = await org();
    const t = await create(key, {
      ...HEALTH,
      healthCheckConfig: { checkContainers: false, checkConnectivity: true, alertOnFailure: false },
    });
    const g = await call("GET", `${BASE}/${t.id}`, { token: key });
    expect(g.body.healthCheckConfig).toEqual({ checkContainers: false, checkConnectivity: true, alertOnFailure: false });
  });
});

describe("GET /api/v1/tasks (List Tasks)", () => {
  it("answers {tasks:[...]} with the seed's fields, newest first; only tasks this face can express", async () => {
    const { key } = await org();
    await createV1Task(key); // an http task: not a platform task
    const a = await create(key, { ...BACKUP, name: "Daily Backup", projectId: "my-project" });
    const b = await create(key, HEALTH);
    const r = await call("GET", BASE, { token: key });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body)).toEqual(["tasks"]);
    expect(r.body.tasks.map((t: any) => t.id)).toEqual([b.id, a.id]);
    const item = r.body.tasks[1];
    expect(Object.keys(item).sort()).toEqual(
      [
        "createdAt",
        "cronExpression",
        "enabled",
        "id",
        "lastRun",
        "lastStatus",
        "name",
        "nextRun",
        "projectId",
        "projectName",
        "timezone",
        "type",
      ].sort(),
    );
    expect(item).toMatchObject({
      id: a.id,
      name: "Daily Backup",
      type: "backup",
      enabled: true,
      projectId: "my-project",
      projectName: "My Project",
      cronExpression: "0 2 * * *",
      timezone: "America/New_York",
      lastRun: null,
      lastStatus: null,
    });
    expect(item.nextRun).toMatch(SECOND_ISO);
    expect(item.createdAt).toBe(a.createdAt);
  });

  it("filters by projectId, type (backup, health-check) and enabled (true, false)", async () => {
    const { key } = await org();
    const backup = await create(key, { ...BACKUP, projectId: "my-project" });
    const health = await create(key, HEALTH);
    const custom = await create(key, { ...CUSTOM, enabled: false });
    const ids = async (q: string) => {
      const r = await call("GET", `${BASE}?${q}`, { token: key });
      expect(r.status).toBe(200);
      return r.body.tasks.map((t: any) => t.id).sort();
    };
    expect(await ids("projectId=my-project")).toEqual([backup.id]);
    expect(await ids("projectId=production")).toEqual([health.id, custom.id].sort());
    expect(await ids("type=backup")).toEqual([backup.id]);
    expect(await ids("type=health-check")).toEqual([health.id]);
    expect(await ids("type=custom")).toEqual([custom.id]);
    expect(await ids("enabled=true")).toEqual([backup.id, health.id].sort());
    expect(await ids("enabled=false")).toEqual([custom.id]);
    expect(await ids("projectId=production&type=health-check&enabled=true")).toEqual([health.id]);
    expect(await ids("projectId=nothing")).toEqual([]);
  });

  it("a bad filter is a 400 in the vendor's shape", async () => {
    const { key } = await org();
    for (const q of ["type=http", "enabled=yes"]) {
      const r = await call("GET", `${BASE}?${q}`, { token: key });
      expect(r.status).toBe(400);
      expect(r.body.success).toBe(false);
      expect(typeof r.body.error).toBe("string");
    }
  });
});

describe("GET /api/v1/tasks/:id (Get Task)", () => {
  it("answers the bare task with its config, projectName and history after an execution", async () => {
    const { key, org: orgId } = await org();
    const runnerKey = await apiKey(orgId, ["runner"]);
    const q = captureQueue();
    const t = await create(key, BACKUP);
    const pending = call("POST", `${BASE}/${t.id}/run`, { token: key });
    await until(() => q.forTask(t.id).length > 0);
    await deliver(...q.take(t.id).map((m) => m.body));
    // The backup is the project runner's: it gets the backupConfig and reports the seed's result.
    const c = await claimAs(runnerKey, "backup");
    expect(c.status).toBe(200);
    expect(c.body.task.parameters).toMatchObject({ run_on: "runner", type: "full", destination: "s3", encrypt: true });
    await completeAs(runnerKey, c.body.run.id, { status: "succeeded", exit_code: 0, result: { backup_id: "backup-789", size: 52428800 } });
    expect((await pending).status).toBe(200);
    const list = await call("GET", BASE, { token: key });
    const id = list.body.tasks[0].id;
    const r = await call("GET", `${BASE}/${id}`, { token: key });
    expect(r.status).toBe(200);
    const g = r.body;
    expect(Object.keys(g)).toEqual([
      "id",
      "name",
      "type",
      "enabled",
      "projectId",
      "projectName",
      "cronExpression",
      "timezone",
      "backupConfig",
      "nextRun",
      "lastRun",
      "lastStatus",
      "history",
      "createdAt",
    ]);
    expect(g).toMatchObject({
      id,
      name: "Daily Full Backup",
      type: "backup",
      enabled: true,
      projectId: "production",
      projectName: "Production",
      cronExpression: "0 2 * * *",
      timezone: "America/New_York",
      backupConfig: { type: "full", destination: "s3", encrypt: true },
      lastStatus: "success",
    });
    expect(g.nextRun).toMatch(/T0[67]:00:00Z$/);
    expect(g.lastRun).toMatch(SECOND_ISO);
    expect(g.createdAt).toMatch(SECOND_ISO);
    expect(g.history).toHaveLength(1);
    const h = g.history[0];
    expect(Object.keys(h).sort()).toEqual(["duration", "executedAt", "result", "status"]);
    expect(h.executedAt).toBe(g.lastRun);
    expect(h.status).toBe("success");
    expect(Number.isInteger(h.duration)).toBe(true);
    expect(h.duration).toBeGreaterThanOrEqual(0);
    expect(h.result).toEqual({ backupId: "backup-789", size: 52428800 });
  });

  it("each type answers its own config object", async () => {
    const { key } = await org();
    for (const body of [HEALTH, UPDATES, CUSTOM]) {
      const t = await create(key, body);
      const g = (await call("GET", `${BASE}/${t.id}`, { token: key })).body;
      const cfg = Object.keys(body).find((k) => k.endsWith("Config")) as keyof typeof body;
      expect(g[cfg]).toEqual(body[cfg]);
      expect(g).toMatchObject({ type: body.type, projectName: "Production", history: [], lastRun: null, lastStatus: null });
      for (const other of ["healthCheckConfig", "backupConfig", "containerUpdateConfig", "customConfig"].filter((k) => k !== cfg))
        expect(g).not.toHaveProperty(other);
    }
  });

  it('an unknown id is 404 {success:false, error:"Task not found"}', async () => {
    const { key } = await org();
    const r = await call("GET", `${BASE}/task-123`, { token: key });
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ success: false, error: "Task not found" });
  });
});

describe("PUT /api/v1/tasks/:id (Update Task)", () => {
  it("the seed's request answers the seed's short task, with nextRun null when disabled", async () => {
    const { key } = await org();
    const t = await create(key, BACKUP);
    const r = await call("PUT", `${BASE}/${t.id}`, {
      token: key,
      body: { name: "Updated Task Name", enabled: false, cronExpression: "0 3 * * *" },
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      success: true,
      task: { id: t.id, name: "Updated Task Name", enabled: false, cronExpression: "0 3 * * *", nextRun: null },
    });
    const v1 = (await call("GET", `/v1/tasks/${t.id}`, { token: key })).body;
    expect(v1).toMatchObject({
      name: "Updated Task Name",
      status: "paused",
      next_run_at: null,
      schedule: { expression: "0 3 * * *", timezone: "America/New_York" },
    });
    // What the request did not mention is unchanged.
    expect(v1.parameters).toEqual({ run_on: "runner", type: "full", destination: "s3", encrypt: true });
    const on = await call("PUT", `${BASE}/${t.id}`, { token: key, body: { enabled: true } });
    expect(on.body.task.nextRun).toMatch(/T0[78]:00:00Z$/);
  });

  it("changes a config, the timezone, the project or the type", async () => {
    const { key } = await org();
    const t = await create(key, HEALTH);
    let r = await call("PUT", `${BASE}/${t.id}`, {
      token: key,
      body: { healthCheckConfig: { alertOnFailure: false }, timezone: "Europe/London" },
    });
    expect(r.status).toBe(200);
    let g = (await call("GET", `${BASE}/${t.id}`, { token: key })).body;
    expect(g).toMatchObject({
      timezone: "Europe/London",
      cronExpression: "*/5 * * * *",
      healthCheckConfig: { checkContainers: true, checkConnectivity: true, alertOnFailure: false },
    });
    r = await call("PUT", `${BASE}/${t.id}`, { token: key, body: { projectId: "my-project" } });
    expect(r.status).toBe(200);
    expect((await call("GET", `/v1/tasks/${t.id}`, { token: key })).body.parameters.targets).toEqual([
      { name: "My Project", url: "https://my-project.example.com/" },
    ]);
    r = await call("PUT", `${BASE}/${t.id}`, { token: key, body: { type: "custom", customConfig: { command: "uptime" } } });
    expect(r.status).toBe(200);
    g = (await call("GET", `${BASE}/${t.id}`, { token: key })).body;
    expect(g).toMatchObject({ type: "custom", customConfig: { command: "uptime" }, projectId: "my-project", projectName: "My Project" });
    expect(g).not.toHaveProperty("healthCheckConfig");
    const v1 = (await call("GET", `/v1/tasks/${t.id}`, { token: key })).body;
    expect(v1).toMatchObject({ type: "custom_script", parameters: { command: "uptime" }, description: null });
  });

  it("accepts a task read back with its read-only fields", async () => {
    const { key } = await org();
    const t = await create(key, UPDATES);
    const g = (await call("GET", `${BASE}/${t.id}`, { token: key })).body;
    const r = await call("PUT", `${BASE}/${t.id}`, {
      token: key,
      body: { ...g, name: "Renamed", containerUpdateConfig: { pullImages: false, restartAfterUpdate: true } },
    });
    expect(r.status).toBe(200);
    expect((await call("GET", `/v1/tasks/${t.id}`, { token: key })).body.parameters).toEqual({ pull: false, restart: true });
  });

  it("errors: invalid cron 400, unknown project 400, unknown task 404; nothing changes", async () => {
    const { key } = await org();
    const t = await create(key, CUSTOM);
    const bad = await call("PUT", `${BASE}/${t.id}`, { token: key, body: { cronExpression: "0 25 * * *" } });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ success: false, error: "Invalid cron expression" });
    const proj = await call("PUT", `${BASE}/${t.id}`, { token: key, body: { projectId: "nope" } });
    expect(proj.status).toBe(400);
    expect(proj.body).toEqual({ success: false, error: "Project not found" });
    const missing = await call("PUT", `${BASE}/00000000-0000-4000-8000-000000000000`, { token: key, body: { name: "x" } });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ success: false, error: "Task not found" });
    const v1 = (await call("GET", `/v1/tasks/${t.id}`, { token: key })).body;
    expect(v1).toMatchObject({ project_id: "production", schedule: { expression: "0 5 * * 0" } });
  });
});

describe("DELETE /api/v1/tasks/:id (Delete Task)", () => {
  it('answers {success:true, message:"Task deleted"}; the task is gone from every face', async () => {
    const { key } = await org();
    const t = await create(key, CUSTOM);
    const r = await call("DELETE", `${BASE}/${t.id}`, { token: key });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ success: true, message: "Task deleted" });
    expect((await call("GET", `${BASE}/${t.id}`, { token: key })).body).toEqual({ success: false, error: "Task not found" });
    expect((await call("GET", `/v1/tasks/${t.id}`, { token: key })).status).toBe(404);
    const again = await call("DELETE", `${BASE}/${t.id}`, { token: key });
    expect(again.status).toBe(404);
    expect(again.body).toEqual({ success: false, error: "Task not found" });
  });
});

describe("POST /api/v1/tasks/:id/run (Run Task Immediately)", () => {
  /** Starts the request, delivers the queued run to the real consumer, then awaits the answer. */
  async function runThroughConsumer(key: string, id: string) {
    const q = captureQueue();
    const pending = call("POST", `${BASE}/${id}/run`, { token: key });
    await until(() => q.forTask(id).length > 0);
    await deliver(...q.take(id).map((m) => m.body));
    return pending;
  }

  it("health check: the edge probes the project's url, the project's runner checks the containers, one finished execution answers", async () => {
    const { key, org: orgId } = await org();
    const runnerKey = await apiKey(orgId, ["runner"]);
    const fake = target(() => new Response("ok"));
    const t = await create(key, { ...HEALTH, enabled: false });
    const q = captureQueue();
    const pending = call("POST", `${BASE}/${t.id}/run`, { token: key });
    await until(() => q.forTask(t.id).length > 0);
    await deliver(...q.take(t.id).map((m) => m.body));
    // The edge part ran at delivery; the container part waits for a runner of this project only.
    expect(fake.calls.map((c) => c.url)).toEqual([PROD_URL]);
    expect((await claimAs(runnerKey, "health_check", "my-project")).status).toBe(204);
    const c = await claimAs(runnerKey, "health_check");
    expect(c.status).toBe(200);
    expect(c.body.task.parameters).toMatchObject({ check_containers: true });
    await completeAs(runnerKey, c.body.run.id, { status: "succeeded", exit_code: 0, stdout_tail: "production-web Up 3 days\n" });
    const r = await pending;
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      success: true,
      execution: {
        status: "success",
        result: { ok: 1, failed: 0, total: 1, containers: { exit_code: 0, stdout_tail: "production-web Up 3 days\n" } },
      },
    });
    expect(Number.isInteger(r.body.execution.duration)).toBe(true);
    expect(r.body).not.toHaveProperty("error");
    expect(fake.calls.map((c) => c.url)).toEqual([PROD_URL]);
    const g = (await call("GET", `${BASE}/${t.id}`, { token: key })).body;
    expect(g).toMatchObject({ lastStatus: "success", history: [{ status: "success", duration: r.body.execution.duration }] });
    // "regardless of schedule": the disabled task ran, and stays disabled.
    expect(g).toMatchObject({ enabled: false, nextRun: null });
  });

  it("a container check that fails fails the execution, even when the url answers", async () => {
    const { key, org: orgId } = await org();
    const runnerKey = await apiKey(orgId, ["runner"]);
    target(() => new Response("ok"));
    const t = await create(key, HEALTH);
    const q = captureQueue();
    const pending = call("POST", `${BASE}/${t.id}/run`, { token: key });
    await until(() => q.forTask(t.id).length > 0);
    await deliver(...q.take(t.id).map((m) => m.body));
    const c = await claimAs(runnerKey, "health_check");
    await completeAs(runnerKey, c.body.run.id, { status: "failed", exit_code: 1, stderr_tail: "production-db Exited (1)" });
    const r = await pending;
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      success: false,
      error: "the container check failed with exit code 1",
      execution: { status: "failed", result: { ok: 1, failed: 0 } },
    });
  });

  it("a container-only check (checkConnectivity false) probes nothing from the edge", async () => {
    const { key, org: orgId } = await org();
    const runnerKey = await apiKey(orgId, ["runner"]);
    const fake = target(() => new Response("ok"));
    const t = await create(key, { ...HEALTH, healthCheckConfig: { checkConnectivity: false } });
    expect((await call("GET", `/v1/tasks/${t.id}`, { token: key })).body.parameters).toMatchObject({ targets: [], check_containers: true });
    expect((await call("GET", `${BASE}/${t.id}`, { token: key })).body.healthCheckConfig).toEqual({
      checkContainers: true,
      checkConnectivity: false,
      alertOnFailure: true,
    });
    const q = captureQueue();
    const pending = call("POST", `${BASE}/${t.id}/run`, { token: key });
    await until(() => q.forTask(t.id).length > 0);
    await deliver(...q.take(t.id).map((m) => m.body));
    const c = await claimAs(runnerKey, "health_check");
    await completeAs(runnerKey, c.body.run.id, { status: "succeeded", exit_code: 0 });
    expect((await pending).body).toMatchObject({ success: true, execution: { status: "success" } });
    expect(fake.calls).toEqual([]);
  });

  it("a failed execution answers status failed with the reason", async () => {
    const { key } = await org();
    target(() => new Response("down", { status: 503 }));
    const t = await create(key, { ...HEALTH, healthCheckConfig: { checkContainers: false } });
    const r = await runThroughConsumer(key, t.id);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      success: false,
      error: expect.stringContaining("1 of 1 targets failed"),
      execution: { status: "failed", result: { ok: 0, failed: 1, total: 1 } },
    });
    const g = (await call("GET", `${BASE}/${t.id}`, { token: key })).body;
    expect(g.lastStatus).toBe("failed");
    expect(g.history[0]).toMatchObject({ status: "failed", error: expect.any(String) });
  });

  it("backup: a runner labelled with the project does it; answers the seed's {backupId, size}", async () => {
    const { key, org: orgId } = await org();
    const runnerKey = await apiKey(orgId, ["runner"]);
    const fake = target(() => new Response("never called"));
    const t = await create(key, { ...BACKUP, backupConfig: { type: "full", destination: "s3", encrypt: false } });
    const q = captureQueue();
    const pending = call("POST", `${BASE}/${t.id}/run`, { token: key });
    await until(() => q.forTask(t.id).length > 0);
    await deliver(...q.take(t.id).map((m) => m.body));
    expect((await claimAs(runnerKey, "backup", "my-project")).status).toBe(204);
    const c = await claimAs(runnerKey, "backup");
    expect(c.status).toBe(200);
    await completeAs(runnerKey, c.body.run.id, { status: "succeeded", exit_code: 0, result: { backup_id: "backup-790", size: 52428800 } });
    const r = await pending;
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      success: true,
      execution: { id: c.body.run.id, status: "success", duration: expect.any(Number), result: { backupId: "backup-790", size: 52428800 } },
    });
    expect(fake.calls).toEqual([]); // nothing was fetched from the edge
  });

  it("custom: a runner labelled with the project claims it; the answer carries its output", async () => {
    const { key, org: orgId } = await org();
    const runnerKey = await apiKey(orgId, ["runner"]);
    const t = await create(key, CUSTOM);
    const q = captureQueue();
    const pending = call("POST", `${BASE}/${t.id}/run`, { token: key });
    await until(() => q.forTask(t.id).length > 0);
    await deliver(...q.take(t.id).map((m) => m.body));
    // A runner of another project does not get it.
    const other = await call("POST", "/v1/runners/claim", {
      token: runnerKey,
      body: { runner_id: "h0", types: ["custom_script"], labels: { project: "my-project" }, wait_seconds: 0 },
    });
    expect(other.status).toBe(204);
    const c = await call("POST", "/v1/runners/claim", {
      token: runnerKey,
      body: { runner_id: "h1", types: ["custom_script"], labels: { project: "production" }, wait_seconds: 0 },
    });
    expect(c.status).toBe(200);
    expect(c.body.task.parameters.command).toBe(CUSTOM.customConfig.command);
    await call("POST", `/v1/runs/${c.body.run.id}/complete`, {
      token: runnerKey,
      body: { runner_id: "h1", status: "succeeded", exit_code: 0, stdout_tail: "VACUUM\n" },
    });
    const r = await pending;
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      success: true,
      execution: { id: c.body.run.id, status: "success", result: { exitCode: 0, stdoutTail: "VACUUM\n" } },
    });
  });

  it("answers 202 with the execution still running when the task's timeout passes first", async () => {
    const { key } = await org();
    const t = await create(key, UPDATES);
    expect((await call("PATCH", `/v1/tasks/${t.id}`, { token: key, body: { timeout_seconds: 1 } })).status).toBe(200);
    captureQueue();
    const started = Date.now();
    const r = await call("POST", `${BASE}/${t.id}/run`, { token: key });
    expect(r.status).toBe(202);
    expect(r.body).toEqual({ success: true, execution: { id: expect.any(String), status: "running" } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect((await call("GET", `/v1/runs/${r.body.execution.id}`, { token: key })).body).toMatchObject({ task_id: t.id, trigger: "manual" });
  });

  it("an unknown task is 404", async () => {
    const { key } = await org();
    const r = await call("POST", `${BASE}/task-123/run`, { token: key });
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ success: false, error: "Task not found" });
  });
});

describe("errors (the seed's Error Responses)", () => {
  it("Invalid Cron Expression: 400 for any cron problem; nothing written", async () => {
    const { key } = await org();
    for (const cron of ["not a cron", "0 0 2 * * *", "61 * * * *", "* * * *", "0 0 31 2 *", "x".repeat(300)]) {
      const r = await call("POST", BASE, { token: key, body: { ...BACKUP, cronExpression: cron } });
      expect(r.status, cron).toBe(400);
      expect(r.body).toEqual({ success: false, error: "Invalid cron expression" });
    }
    expect(await v1Count(key)).toBe(0);
  });

  it("the seed's cron examples are accepted", async () => {
    const { key } = await org();
    for (const [i, cron] of ["*/5 * * * *", "0 * * * *", "0 2 * * *", "0 2 * * 0", "0 2 1 * *"].entries()) {
      const t = await create(key, { ...CUSTOM, name: `c${i}`, cronExpression: cron });
      expect((await call("GET", `${BASE}/${t.id}`, { token: key })).body.cronExpression).toBe(cron);
    }
  });

  it("Project Not Found: 400; another org's project too", async () => {
    const { key } = await org();
    const other = await org();
    for (const projectId of ["nope", "production-x"]) {
      const r = await call("POST", BASE, { token: key, body: { ...CUSTOM, projectId } });
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ success: false, error: "Project not found" });
    }
    await call("POST", "/v1/projects", { token: other.key, body: { id: "theirs", name: "Theirs" } });
    expect((await call("POST", BASE, { token: key, body: { ...CUSTOM, projectId: "theirs" } })).body).toEqual({
      success: false,
      error: "Project not found",
    });
    expect(await v1Count(key)).toBe(0);
  });

  it("other bad input: 4xx {success:false, error:<message>}, nothing written", async () => {
    const { key } = await org();
    await call("POST", "/v1/projects", { token: key, body: { id: "no-url", name: "No URL" } });
    const cases: [number, { body?: unknown; raw?: string; headers?: Record<string, string> }, RegExp][] = [
      [400, { body: { ...CUSTOM, timezone: "Mars/Olympus" } }, /^Invalid timezone/],
      [400, {}, /name.*type.*projectId/],
      [400, { body: { ...CUSTOM, name: undefined } }, /name/],
      [400, { body: { ...CUSTOM, type: "shell" } }, /type/],
      [400, { body: { ...CUSTOM, customConfig: undefined } }, /customConfig\.command is required/],
      [400, { body: { ...CUSTOM, customConfig: { command: "" } } }, /customConfig\.command/],
      [400, { body: { ...CUSTOM, backupConfig: { encrypt: true } } }, /backupConfig does not apply to a custom task/],
      [400, { body: { ...CUSTOM, colour: "red" } }, /colour/],
      // The request's own fields come before stored state: a bad cron for a project without a url.
      [400, { body: { ...HEALTH, projectId: "no-url", cronExpression: "every day" } }, /^Invalid cron expression$/],
      [400, { body: { ...HEALTH, projectId: "missing", cronExpression: "every day" } }, /^Invalid cron expression$/],
      [400, { body: { ...BACKUP, projectId: undefined } }, /projectId/],
      [
        400,
        { body: { ...HEALTH, healthCheckConfig: { checkConnectivity: false, checkContainers: false } } },
        /checkConnectivity or checkContainers must be true/,
      ],
      [400, { body: { ...BACKUP, backupConfig: { type: "incremental" } } }, /full/],
      [400, { body: { ...BACKUP, backupConfig: { destination: "local" } } }, /s3/],
      [400, { raw: "{not json", headers: { "content-type": "application/json" } }, /JSON/],
      [415, { raw: "name=x", headers: { "content-type": "application/x-www-form-urlencoded" } }, /application\/json/],
      [
        413,
        {
          raw: JSON.stringify({ ...CUSTOM, customConfig: { command: "x".repeat(300_000) } }),
          headers: { "content-type": "application/json" },
        },
        /256 KiB/,
      ],
    ];
    for (const [status, opts, message] of cases) {
      const r = await call("POST", BASE, { token: key, ...opts });
      expect(r.status, JSON.stringify(r.body)).toBe(status);
      expect(r.body.success).toBe(false);
      expect(r.body.error).toMatch(message);
      expect(Object.keys(r.body).sort()).toEqual(["error", "success"]);
    }
    expect(await v1Count(key)).toBe(0);
  });

  it("a duplicate name is 409", async () => {
    const { key } = await org();
    await create(key, CUSTOM);
    const r = await call("POST", BASE, { token: key, body: CUSTOM });
    expect(r.status).toBe(409);
    expect(r.body).toEqual({ success: false, error: expect.stringContaining("already exists") });
  });

  it("an unknown route under the base is a 404 in the vendor's shape", async () => {
    const { key } = await org();
    const r = await call("PATCH", `${BASE}/x`, { token: key, body: {} });
    expect(r.status).toBe(404);
    expect(r.body.success).toBe(false);
  });
});

describe("permissions", () => {
  it("no or bad credential → 401; tasks:read reads but cannot write (403); runner-only cannot read", async () => {
    const { key, org: orgId } = await org();
    const t = await create(key, CUSTOM);
    for (const token of [undefined, "tk_wrong"]) {
      const r = await call("GET", BASE, { token });
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ success: false, error: expect.any(String) });
    }
    const reader = await apiKey(orgId, ["tasks:read"]);
    expect((await call("GET", BASE, { token: reader })).status).toBe(200);
    expect((await call("GET", `${BASE}/${t.id}`, { token: reader })).status).toBe(200);
    for (const [method, path, body] of [
      ["POST", BASE, { ...CUSTOM, name: "x" }],
      ["PUT", `${BASE}/${t.id}`, { name: "y" }],
      ["DELETE", `${BASE}/${t.id}`, undefined],
      ["POST", `${BASE}/${t.id}/run`, undefined],
    ] as const) {
      const r = await call(method, path, { token: reader, body });
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(r.body).toEqual({ success: false, error: expect.stringContaining("tasks:write") });
    }
    const runner = await apiKey(orgId, ["runner"]);
    expect((await call("GET", BASE, { token: runner })).status).toBe(403);
    expect((await call("GET", `${BASE}/${t.id}`, { token: key })).body.name).toBe(CUSTOM.name);
  });

  it("a JWT bearer with tasks:write and an X-API-Key header both work", async () => {
    const { key, org: orgId } = await org();
    const token = await jwt({ org: orgId, scope: "tasks:read tasks:write", sub: "user-1" });
    const t = await create(token, CUSTOM);
    const r = await call("GET", `${BASE}/${t.id}`, { headers: { "x-api-key": key } });
    expect(r.status).toBe(200);
    expect(r.body.id).toBe(t.id);
  });

  it("tenant isolation: another org's task is 404 Task not found on every route", async () => {
    const a = await org();
    const b = await org();
    const t = await create(a.key, CUSTOM);
    for (const [method, path, body] of [
      ["GET", `${BASE}/${t.id}`, undefined],
      ["PUT", `${BASE}/${t.id}`, { name: "mine" }],
      ["DELETE", `${BASE}/${t.id}`, undefined],
      ["POST", `${BASE}/${t.id}/run`, undefined],
    ] as const) {
      const r = await call(method, path, { token: b.key, body });
      expect(r.status).toBe(404);
      expect(r.body).toEqual({ success: false, error: "Task not found" });
    }
    expect((await call("GET", BASE, { token: b.key })).body.tasks).toEqual([]);
    expect((await call("GET", `${BASE}/${t.id}`, { token: a.key })).body.name).toBe(CUSTOM.name);
  });
});

describe("one core, several faces", () => {
  it("a task created through /v1 with a project is readable here; an http task is not", async () => {
    const { key } = await org();
    const cu = await createV1Task(key, {
      name: "v1 updates",
      type: "container_update",
      project_id: "production",
      parameters: { pull: false },
      schedule: { kind: "cron", expression: "0 4 * * 0", timezone: "UTC" },
    });
    const hc = await createV1Task(key, {
      name: "v1 health",
      type: "health_check",
      parameters: { targets: [{ url: "https://a.example.com" }] },
    });
    const http = await createV1Task(key);
    const g = await call("GET", `${BASE}/${cu.id}`, { token: key });
    expect(g.status).toBe(200);
    expect(g.body).toMatchObject({
      id: cu.id,
      name: "v1 updates",
      type: "container-update",
      projectId: "production",
      projectName: "Production",
      containerUpdateConfig: { pullImages: false, restartAfterUpdate: true },
    });
    // Without a project and without the dialect's marker, the flags are what the parameters imply.
    expect((await call("GET", `${BASE}/${hc.id}`, { token: key })).body).toMatchObject({
      type: "health-check",
      projectId: null,
      projectName: null,
      healthCheckConfig: { checkContainers: false, checkConnectivity: true, alertOnFailure: false },
    });
    // A rename here keeps the targets /v1 set.
    expect((await call("PUT", `${BASE}/${hc.id}`, { token: key, body: { name: "renamed" } })).status).toBe(200);
    expect((await call("GET", `/v1/tasks/${hc.id}`, { token: key })).body.parameters.targets).toEqual([{ url: "https://a.example.com" }]);
    expect((await call("GET", `${BASE}/${http.id}`, { token: key })).status).toBe(404);
  });

  it("the router is in the OpenAPI document under its own tag", async () => {
    const doc = (await call("GET", "/openapi.json")).body;
    expect(doc.paths["/api/v1/tasks"].get.tags).toEqual(["Dialect: container platform (001)"]);
    expect(Object.keys(doc.paths["/api/v1/tasks/{id}"]).sort()).toEqual(["delete", "get", "put"]);
    expect(doc.paths["/api/v1/tasks/{id}/run"].post).toBeDefined();
  });
});
