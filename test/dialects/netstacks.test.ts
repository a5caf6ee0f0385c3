import { afterEach, describe, expect, it, vi } from "vitest";
import { apiKey, call, createTask as createV1, jwt, newOrg, tenant } from "../helpers/api";
import { captureQueue, deliver, target } from "../helpers/engine";

afterEach(() => vi.restoreAllMocks());

const S = "/api/tasks/schedules";
const A = "/api/tasks/agent-schedules";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NS_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** A NetStacks user: a JWT bearer (the seed's auth) for a fresh organization. */
async function user(scope = "tasks:read tasks:write") {
  const org = newOrg();
  return { org, token: await jwt({ org, scope, sub: "netops@example.net" }) };
}

// The seed's examples, verbatim.
const BACKUP = {
  name: "Nightly DC1 Core Backup",
  description: "Backup running configs for all DC1 core routers",
  task_type: "backup",
  cron_expression: "0 2 * * *",
  timezone: "America/New_York",
  parameters: {
    device_ids: ["f47ac10b-58cc-4372-a567-0e02b2c3d479", "e36bd20a-47bb-3261-9456-1d13a1b2c368"],
    capture_running: true,
    capture_startup: true,
  },
  enabled: true,
};
const AGENT = {
  name: "Weekly Config Audit",
  description: "AI agent reviews config changes and flags anomalies",
  prompt: "Review all config backups from the past 7 days. Flag any unauthorized changes, security policy violations, or BGP route leaks.",
  cron_expression: "0 9 * * 1",
  timezone: "America/Chicago",
  enabled: true,
};
const health = (over: Record<string, unknown> = {}) => ({
  name: `dc1-health-${crypto.randomUUID().slice(0, 6)}`,
  task_type: "health_check",
  cron_expression: "*/5 * * * *",
  timezone: "UTC",
  parameters: {
    targets: [
      { name: "core-1", url: "https://core-1.dc1.example.net/health" },
      { name: "core-2", url: "https://core-2.dc1.example.net/health" },
    ],
  },
  ...over,
});

function expectNsError(r: { status: number; body: any }, status: number, code: string) {
  expect(r.status).toBe(status);
  expect(r.body).toEqual({ error: { code, message: expect.any(String), status, details: r.body.error.details } });
  expect(r.body.error.message.length).toBeGreaterThan(0);
  if (r.body.error.details !== null) expect(r.body.error.details).toEqual({ field: expect.any(String), message: expect.any(String) });
}

describe("NetStacks: create a scheduled backup task (seed example)", () => {
  it("answers 201 with the seed's fields and the documented additions", async () => {
    const { token } = await user();
    const r = await call("POST", S, { token, body: BACKUP });
    expect(r.status).toBe(201);
    const t = r.body;
    expect(Object.keys(t).sort()).toEqual(
      [
        "id",
        "name",
        "description",
        "task_type",
        "cron_expression",
        "timezone",
        "enabled",
        "parameters",
        "max_retries",
        "retry_delay_seconds",
        "timeout_seconds",
        "last_run_at",
        "next_run_at",
        "created_at",
        "updated_at",
      ].sort(),
    );
    expect(t.id).toMatch(UUID);
    expect(t).toMatchObject({
      name: "Nightly DC1 Core Backup",
      description: "Backup running configs for all DC1 core routers",
      task_type: "backup",
      cron_expression: "0 2 * * *",
      timezone: "America/New_York",
      enabled: true,
      parameters: BACKUP.parameters,
      max_retries: 3,
      retry_delay_seconds: 60,
      timeout_seconds: 300,
      last_run_at: null,
    });
    // 02:00 in New York is 06:00 or 07:00 UTC, as the seed's 07:00:00Z shows.
    expect(t.next_run_at).toMatch(/^\d{4}-\d{2}-\d{2}T0[67]:00:00Z$/);
    expect(Date.parse(t.next_run_at)).toBeGreaterThan(Date.now());
    expect(t.created_at).toMatch(NS_TIME);
    expect(Math.abs(Date.parse(t.created_at) - Date.now())).toBeLessThan(60_000);
    expect(r.headers.get("location")).toBe(`${S}/${t.id}`);
  });

  it("is the same task through /v1 with the mapped fields (fixed 60 s retries, cron schedule)", async () => {
    const { token } = await user();
    const t = (await call("POST", S, { token, body: BACKUP })).body;
    const v1 = await call("GET", `/v1/tasks/${t.id}`, { token });
    expect(v1.status).toBe(200);
    expect(v1.body).toMatchObject({
      id: t.id,
      name: BACKUP.name,
      description: BACKUP.description,
      type: "backup",
      parameters: BACKUP.parameters,
      schedule: { kind: "cron", expression: "0 2 * * *", timezone: "America/New_York" },
      status: "active",
      enabled: true,
      retry: { max_retries: 3, delay_seconds: 60, backoff: "fixed" },
      created_by: "netops@example.net",
    });
    expect(Date.parse(v1.body.next_run_at)).toBe(Date.parse(t.next_run_at));
  });

  it("takes max_retries and retry_delay_seconds top-level or inside parameters, and timezone defaults to UTC", async () => {
    const { token } = await user();
    const top = await call("POST", S, { token, body: health({ max_retries: 5, retry_delay_seconds: 30, timezone: undefined }) });
    expect(top.status).toBe(201);
    expect(top.body).toMatchObject({ max_retries: 5, retry_delay_seconds: 30, timezone: "UTC" });
    const inside = health({ parameters: { ...health().parameters, max_retries: 1, retry_delay_seconds: 10 } });
    const r = await call("POST", S, { token, body: inside });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ max_retries: 1, retry_delay_seconds: 10 });
    expect(r.body.parameters).not.toHaveProperty("max_retries");
    const v1 = await call("GET", `/v1/tasks/${r.body.id}`, { token });
    expect(v1.body.retry).toMatchObject({ max_retries: 1, delay_seconds: 10 });
  });

  it("creates a disabled task with no next run", async () => {
    const { token } = await user();
    const r = await call("POST", S, { token, body: health({ enabled: false }) });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ enabled: false, next_run_at: null });
  });
});

describe("NetStacks: list scheduled tasks (seed example)", () => {
  it("GET ?limit=20 answers {tasks, total, limit, offset} with the list fields", async () => {
    const { token } = await user();
    const created = (await call("POST", S, { token, body: BACKUP })).body;
    const r = await call("GET", `${S}?limit=20`, { token });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ total: 1, limit: 20, offset: 0 });
    const [item] = r.body.tasks;
    expect(item).toMatchObject({
      id: created.id,
      name: "Nightly DC1 Core Backup",
      task_type: "backup",
      cron_expression: "0 2 * * *",
      timezone: "America/New_York",
      enabled: true,
      last_run_at: null,
      next_run_at: created.next_run_at,
    });
  });

  it("pages with limit/offset (default 50), newest first, and filters by task_type and enabled", async () => {
    const { token } = await user();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await call("POST", S, { token, body: health({ name: `h${i}`, enabled: i !== 1 }) })).body.id);
    await call("POST", S, { token, body: BACKUP });
    const all = await call("GET", S, { token });
    expect(all.body).toMatchObject({ total: 4, limit: 50, offset: 0 });
    const page = await call("GET", `${S}?limit=2&offset=1`, { token });
    expect(page.body).toMatchObject({ total: 4, limit: 2, offset: 1 });
    expect(page.body.tasks.map((t: any) => t.name)).toEqual(["h2", "h1"]);
    const hc = await call("GET", `${S}?task_type=health_check&enabled=false`, { token });
    expect(hc.body.total).toBe(1);
    expect(hc.body.tasks[0]).toMatchObject({ id: ids[1], enabled: false });
    expectNsError(await call("GET", `${S}?limit=0`, { token }), 422, "VALIDATION_ERROR");
  });

  it("shows the organization's tasks only", async () => {
    const a = await user();
    const b = await user();
    await call("POST", S, { token: a.token, body: BACKUP });
    expect((await call("GET", S, { token: b.token })).body).toMatchObject({ tasks: [], total: 0 });
  });
});

describe("NetStacks: get, run, executions", () => {
  it("GET one has details and the execution history; run answers 202 as in the seed", async () => {
    const { token } = await user();
    const q = captureQueue();
    const t = (await call("POST", S, { token, body: health({ description: "DC1 probes", max_retries: 0 }) })).body;
    const run = await call("POST", `${S}/${t.id}/run`, { token });
    expect(run.status).toBe(202);
    expect(run.body).toEqual({
      id: expect.stringMatching(UUID),
      task_id: t.id,
      status: "running",
      trigger: "manual",
      started_at: expect.stringMatching(NS_TIME),
    });
    // The execution is the core's run, readable through /v1.
    expect((await call("GET", `/v1/runs/${run.body.id}`, { token })).body).toMatchObject({ task_id: t.id, trigger: "manual" });

    const before = await call("GET", `${S}/${t.id}`, { token });
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({
      id: t.id,
      description: "DC1 probes",
      max_retries: 0,
      retry_delay_seconds: 60,
      parameters: { targets: expect.any(Array) },
    });
    expect(before.body.executions).toEqual([
      expect.objectContaining({ id: run.body.id, task_id: t.id, status: "running", trigger: "manual", attempt: 1, completed_at: null }),
    ]);

    target((c) => (c.url.includes("core-2") ? new Response("down", { status: 503 }) : new Response("OK")));
    await deliver(...q.take(t.id).map((m) => m.body));
    const after = (await call("GET", `${S}/${t.id}`, { token })).body;
    const [ex] = after.executions;
    expect(ex).toMatchObject({
      id: run.body.id,
      status: "failed",
      trigger: "manual",
      started_at: expect.stringMatching(NS_TIME),
      completed_at: expect.stringMatching(NS_TIME),
    });
    expect(typeof ex.duration_ms).toBe("number");
    expect(typeof ex.error).toBe("string");
    expect(ex.targets.map((x: any) => [x.name, x.ok])).toEqual([
      ["core-1", true],
      ["core-2", false],
    ]);
    expect(after.last_run_at).toMatch(NS_TIME);
  });

  it("the seed's backup of device_ids is done by a runner on the devices' network, and its report is the execution's result", async () => {
    const { org, token } = await user();
    const runnerKey = await apiKey(org, ["runner"]);
    const fake = target(() => new Response("never called"));
    const q = captureQueue();
    const t = (await call("POST", S, { token, body: BACKUP })).body;
    const run = await call("POST", `${S}/${t.id}/run`, { token });
    expect(run.status).toBe(202);
    await deliver(...q.take(t.id).map((m) => m.body));
    const c = await call("POST", "/v1/runners/claim", {
      token: runnerKey,
      body: { runner_id: "dc1-collector", types: ["backup"], wait_seconds: 0 },
    });
    expect(c.status).toBe(200);
    expect(c.body.run.id).toBe(run.body.id);
    expect(c.body.task.parameters).toEqual(BACKUP.parameters);
    const devices = BACKUP.parameters.device_ids.map((id) => ({ device_id: id, ok: true, bytes: 18_432 }));
    const done = await call("POST", `/v1/runs/${run.body.id}/complete`, {
      token: runnerKey,
      body: { runner_id: "dc1-collector", status: "succeeded", exit_code: 0, result: { devices } },
    });
    expect(done.status).toBe(200);
    const [ex] = (await call("GET", `${S}/${t.id}`, { token })).body.executions;
    expect(ex).toMatchObject({ id: run.body.id, status: "completed", error: null, result: { exit_code: 0, output: { devices } } });
    expect(fake.calls).toEqual([]); // the edge fetched nothing: the devices are the runner's to reach
  });

  it("an execution that succeeds is completed", async () => {
    const { token } = await user();
    const q = captureQueue();
    const t = (await call("POST", S, { token, body: health() })).body;
    await call("POST", `${S}/${t.id}/run`, { token });
    target(() => new Response("OK"));
    await deliver(...q.take(t.id).map((m) => m.body));
    const [ex] = (await call("GET", `${S}/${t.id}`, { token })).body.executions;
    expect(ex).toMatchObject({ status: "completed", error: null });
    expect(ex.targets).toHaveLength(2);
  });
});

describe("NetStacks: toggle, update, delete", () => {
  it("toggle with {enabled:false} (seed example) disables; no body flips back", async () => {
    const { token } = await user();
    const t = (await call("POST", S, { token, body: BACKUP })).body;
    const off = await call("POST", `${S}/${t.id}/toggle`, { token, body: { enabled: false } });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ id: t.id, enabled: false, next_run_at: null });
    expect((await call("GET", `/v1/tasks/${t.id}`, { token })).body.status).toBe("paused");
    const on = await call("POST", `${S}/${t.id}/toggle`, { token });
    expect(on.body).toMatchObject({ enabled: true, next_run_at: expect.stringMatching(NS_TIME) });
    expectNsError(await call("POST", `${S}/${t.id}/toggle`, { token, body: { enabled: "no" } }), 422, "VALIDATION_ERROR");
  });

  it("PUT changes only the fields sent and ignores read-only fields echoed from GET", async () => {
    const { token } = await user();
    const t = (await call("POST", S, { token, body: BACKUP })).body;
    const got = (await call("GET", `${S}/${t.id}`, { token })).body;
    const r = await call("PUT", `${S}/${t.id}`, { token, body: { ...got, cron_expression: "30 3 * * *", max_retries: 1 } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      id: t.id,
      name: BACKUP.name,
      cron_expression: "30 3 * * *",
      timezone: "America/New_York",
      max_retries: 1,
      retry_delay_seconds: 60,
      parameters: BACKUP.parameters,
    });
    expect(r.body.next_run_at).toMatch(/T0[78]:30:00Z$/);
    const renamed = await call("PUT", `${S}/${t.id}`, { token, body: { name: "Renamed", enabled: false } });
    expect(renamed.body).toMatchObject({ name: "Renamed", enabled: false, cron_expression: "30 3 * * *" });
    expectNsError(await call("PUT", `${S}/${t.id}`, { token, body: { timezone: "EST" } }), 400, "BAD_REQUEST");
    expectNsError(await call("PUT", `${S}/${t.id}`, { token, body: { colour: "red" } }), 422, "VALIDATION_ERROR");
    expect((await call("GET", `${S}/${t.id}`, { token })).body.timezone).toBe("America/New_York");
  });

  it("DELETE answers 204; the task is gone from every face and its name is free", async () => {
    const { token } = await user();
    const t = (await call("POST", S, { token, body: BACKUP })).body;
    const d = await call("DELETE", `${S}/${t.id}`, { token });
    expect(d.status).toBe(204);
    expect(d.body).toBeNull();
    expectNsError(await call("GET", `${S}/${t.id}`, { token }), 404, "TASK_NOT_FOUND");
    expect((await call("GET", `/v1/tasks/${t.id}`, { token })).status).toBe(404);
    expect((await call("POST", S, { token, body: BACKUP })).status).toBe(201);
  });
});

describe("NetStacks: agent schedules (seed example)", () => {
  it("creates an agent_task with the prompt and the 1 h timeout", async () => {
    const { token } = await user();
    const r = await call("POST", A, { token, body: AGENT });
    expect(r.status).toBe(201);
    expect(r.body.id).toMatch(UUID);
    expect(r.body).toMatchObject({
      name: AGENT.name,
      description: AGENT.description,
      prompt: AGENT.prompt,
      task_type: "agent_task",
      cron_expression: "0 9 * * 1",
      timezone: "America/Chicago",
      enabled: true,
      max_retries: 3,
      retry_delay_seconds: 60,
      timeout_seconds: 3600,
      next_run_at: expect.stringMatching(/T1[45]:00:00Z$/),
      created_at: expect.stringMatching(NS_TIME),
    });
    const v1 = await call("GET", `/v1/tasks/${r.body.id}`, { token });
    expect(v1.body).toMatchObject({
      id: r.body.id,
      type: "agent_task",
      parameters: { prompt: AGENT.prompt },
      timeout_seconds: 3600,
      schedule: { kind: "cron", expression: "0 9 * * 1", timezone: "America/Chicago" },
    });
    // Visible in the general list too, as an agent_task.
    const all = await call("GET", `${S}?task_type=agent_task`, { token });
    expect(all.body.tasks.map((t: any) => t.id)).toEqual([r.body.id]);
  });

  it("lists only agent tasks and supports get, update, toggle, run and delete", async () => {
    const { token } = await user();
    const backup = (await call("POST", S, { token, body: BACKUP })).body;
    const a = (await call("POST", A, { token, body: AGENT })).body;
    const list = await call("GET", A, { token });
    expect(list.body).toMatchObject({ total: 1, limit: 50, offset: 0 });
    expect(list.body.tasks[0]).toMatchObject({ id: a.id, prompt: AGENT.prompt });
    expectNsError(await call("GET", `${A}/${backup.id}`, { token }), 404, "TASK_NOT_FOUND");

    const got = await call("GET", `${A}/${a.id}`, { token });
    expect(got.body).toMatchObject({ id: a.id, prompt: AGENT.prompt, executions: [] });
    const put = await call("PUT", `${A}/${a.id}`, { token, body: { prompt: "Only BGP leaks.", cron_expression: "0 10 * * 1" } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      prompt: "Only BGP leaks.",
      cron_expression: "0 10 * * 1",
      timezone: "America/Chicago",
      name: AGENT.name,
    });
    expect((await call("POST", `${A}/${a.id}/toggle`, { token, body: { enabled: false } })).body.enabled).toBe(false);
    captureQueue();
    const run = await call("POST", `${A}/${a.id}/run`, { token });
    expect(run.status).toBe(202);
    expect(run.body).toMatchObject({ task_id: a.id, status: "running", trigger: "manual" });
    expect((await call("DELETE", `${A}/${a.id}`, { token })).status).toBe(204);
    expectNsError(await call("DELETE", `${A}/${a.id}`, { token }), 404, "TASK_NOT_FOUND");
  });

  it("refuses a missing prompt with 422 and writes nothing", async () => {
    const { token } = await user();
    const { prompt, ...noPrompt } = AGENT;
    void prompt;
    const r = await call("POST", A, { token, body: noPrompt });
    expectNsError(r, 422, "VALIDATION_ERROR");
    expect(r.body.error.details.field).toBe("prompt");
    expect((await call("GET", A, { token })).body.total).toBe(0);
  });
});

describe("NetStacks: errors", () => {
  it("400 for a cron with seconds, with the seed's wording", async () => {
    const { token } = await user();
    const r = await call("POST", S, { token, body: { ...BACKUP, cron_expression: "0 0 2 * * *" } });
    expectNsError(r, 400, "BAD_REQUEST");
    expect(r.body.error.message).toContain("Extended expressions with seconds are not supported");
    expect(r.body.error.details.field).toBe("cron_expression");
  });

  it("400 for an invalid cron expression", async () => {
    const { token } = await user();
    for (const cron of ["61 * * * *", "not a cron", "0 2 * *"]) {
      const r = await call("POST", S, { token, body: { ...BACKUP, cron_expression: cron } });
      expectNsError(r, 400, "BAD_REQUEST");
      expect(r.body.error.message).toMatch(/^Invalid cron expression/);
    }
  });

  it("400 for a non-IANA timezone (EST, GMT)", async () => {
    const { token } = await user();
    for (const tz of ["EST", "GMT", "Mars/Olympus"]) {
      const r = await call("POST", S, { token, body: { ...BACKUP, timezone: tz } });
      expectNsError(r, 400, "BAD_REQUEST");
      expect(r.body.error.message).toMatch(/^Invalid timezone/);
      expect(r.body.error.details.field).toBe("timezone");
    }
  });

  it("409 for a duplicate name in the organization, not across organizations", async () => {
    const a = await user();
    const b = await user();
    expect((await call("POST", S, { token: a.token, body: BACKUP })).status).toBe(201);
    expectNsError(await call("POST", S, { token: a.token, body: BACKUP }), 409, "CONFLICT");
    expectNsError(await call("POST", A, { token: a.token, body: { ...AGENT, name: BACKUP.name } }), 409, "CONFLICT");
    expect((await call("POST", S, { token: b.token, body: BACKUP })).status).toBe(201);
  });

  it("404 for an unknown id (also one too long to be an id) and for another organization's task, on every verb", async () => {
    const a = await user();
    const b = await user();
    const t = (await call("POST", S, { token: a.token, body: BACKUP })).body;
    for (const id of [t.id, crypto.randomUUID(), "nope", "x".repeat(101)]) {
      expectNsError(await call("GET", `${S}/${id}`, { token: b.token }), 404, "TASK_NOT_FOUND");
      expectNsError(await call("PUT", `${S}/${id}`, { token: b.token, body: { name: "x" } }), 404, "TASK_NOT_FOUND");
      expectNsError(await call("DELETE", `${S}/${id}`, { token: b.token }), 404, "TASK_NOT_FOUND");
      expectNsError(await call("POST", `${S}/${id}/run`, { token: b.token }), 404, "TASK_NOT_FOUND");
      expectNsError(await call("POST", `${S}/${id}/toggle`, { token: b.token }), 404, "TASK_NOT_FOUND");
    }
    expect((await call("GET", `${S}/${t.id}`, { token: a.token })).body.enabled).toBe(true);
  });

  it("bad input is refused in NetStacks' shape and nothing is written", async () => {
    const { token } = await user();
    expectNsError(await call("POST", S, { token, body: { ...BACKUP, name: undefined } }), 422, "VALIDATION_ERROR");
    expectNsError(await call("POST", S, { token, body: { ...BACKUP, task_type: "reboot" } }), 422, "VALIDATION_ERROR");
    expectNsError(await call("POST", S, { token, body: { ...BACKUP, extra: 1 } }), 422, "VALIDATION_ERROR");
    const params = await call("POST", S, { token, body: { ...BACKUP, parameters: {} } });
    expectNsError(params, 400, "BAD_REQUEST");
    expectNsError(
      await call("POST", S, { token, raw: "{not json", headers: { "content-type": "application/json" } }),
      400,
      "INVALID_REQUEST",
    );
    expectNsError(
      await call("POST", S, { token, raw: JSON.stringify(BACKUP), headers: { "content-type": "text/plain" } }),
      415,
      "INVALID_REQUEST",
    );
    const big = { ...BACKUP, description: "x".repeat(300 * 1024) };
    expectNsError(await call("POST", S, { token, body: big }), 413, "PAYLOAD_TOO_LARGE");
    expect((await call("GET", S, { token })).body.total).toBe(0);
  });

  it("401 without or with a bad token, 403 without the scope", async () => {
    expectNsError(await call("GET", S), 401, "UNAUTHORIZED");
    expectNsError(await call("GET", S, { token: "eyJhbGciOiJIUzI1NiIs..." }), 401, "INVALID_TOKEN");
    const expired = await jwt({ org: newOrg(), scope: "tasks:read" }, { expiresIn: Math.floor(Date.now() / 1000) - 60 });
    expectNsError(await call("GET", S, { token: expired }), 401, "TOKEN_EXPIRED");
    const reader = await user("tasks:read");
    expect((await call("GET", S, { token: reader.token })).status).toBe(200);
    expectNsError(await call("POST", S, { token: reader.token, body: BACKUP }), 403, "FORBIDDEN");
    expect((await call("GET", S, { token: reader.token })).body.total).toBe(0);
  });

  it("API keys work as well as JWTs; an unknown route answers NOT_FOUND", async () => {
    const { key } = await tenant();
    expect((await call("POST", S, { token: key, body: BACKUP })).status).toBe(201);
    expect((await call("GET", S, { headers: { authorization: `UserKey ${key}` } })).body.total).toBe(1);
    expectNsError(await call("GET", "/api/tasks/nothing-here", { token: key }), 404, "NOT_FOUND");
  });
});

describe("NetStacks ⇄ /v1", () => {
  it("a task created through /v1 of a NetStacks type is readable here; others are not", async () => {
    const org = newOrg();
    const key = await apiKey(org);
    const hc = await createV1(key, {
      name: "v1 health",
      type: "health_check",
      parameters: { targets: [{ url: "https://core-1.dc1.example.net/health" }] },
      schedule: { kind: "cron", expression: "0 * * * *", timezone: "Europe/London" },
      retry: { max_retries: 2, delay_seconds: 15 },
    });
    const http = await createV1(key, { name: "v1 hook" });
    const once = await createV1(key, {
      name: "v1 once",
      type: "agent_task",
      parameters: { prompt: "hi" },
      schedule: { kind: "once", at: "2099-01-01T00:00:00Z" },
    });
    const r = await call("GET", `${S}/${hc.id}`, { token: key });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      id: hc.id,
      name: "v1 health",
      task_type: "health_check",
      cron_expression: "0 * * * *",
      timezone: "Europe/London",
      enabled: true,
      max_retries: 2,
      retry_delay_seconds: 15,
      executions: [],
    });
    expect(Date.parse(r.body.next_run_at)).toBe(Date.parse(hc.next_run_at));
    expectNsError(await call("GET", `${S}/${http.id}`, { token: key }), 404, "TASK_NOT_FOUND");
    expectNsError(await call("GET", `${A}/${once.id}`, { token: key }), 404, "TASK_NOT_FOUND");
    const list = await call("GET", S, { token: key });
    expect(list.body.tasks.map((t: any) => t.id)).toEqual([hc.id]);
    expect(list.body.total).toBe(1);
  });
});

describe("NetStacks in the OpenAPI document", () => {
  it("lists both sub-routers under their own tag", async () => {
    const doc = (await call("GET", "/openapi.json")).body;
    for (const p of [S, `${S}/{id}`, `${S}/{id}/run`, `${S}/{id}/toggle`, A, `${A}/{id}`, `${A}/{id}/run`, `${A}/{id}/toggle`])
      expect(doc.paths[p]).toBeDefined();
    expect(doc.paths[S].post.tags).toEqual(["Dialect: NetStacks (000)"]);
    expect(Object.keys(doc.paths[S].post.responses)).toEqual(expect.arrayContaining(["201", "400", "401", "403", "404", "409", "422"]));
  });
});
