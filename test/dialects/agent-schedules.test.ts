import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { call, createTask, tenant } from "../helpers/api";
import { captureQueue, deliver, target } from "../helpers/engine";

// Dialect 004 (`/api/agents/{id}/schedules`): the seed's examples verbatim (host
// and token added), every documented field, filter, status and error, ownership
// by agent, and the same tasks seen through /v1.

afterEach(() => {
  vi.restoreAllMocks();
  delete (env as { WORKFLOW_ENDPOINT_URL?: string }).WORKFLOW_ENDPOINT_URL;
});

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const agent = () => `agent-${crypto.randomUUID().slice(0, 8)}`;
const path = (a: string, s = "") => `/api/agents/${a}/schedules${s ? `/${s}` : ""}`;

// The seed's request bodies, verbatim.
const DAILY_REPORT = {
  name: "Daily Report",
  type: "cron",
  cron_expression: "0 9 * * *",
  callback_type: "workflow",
  callback_id: "workflow-456",
  status: "active",
};
const SEND_REMINDER = {
  name: "Send Reminder",
  type: "once",
  next_run: "2024-12-20T15:00:00Z",
  callback_type: "workflow",
  callback_id: "workflow-789",
};
const FOLLOW_UP = { name: "Follow-up", type: "delayed", delay_seconds: 3600, callback_type: "workflow", callback_id: "workflow-123" };
const HOURLY_SYNC = {
  name: "Hourly Sync",
  type: "cron",
  cron_expression: "0 * * * *",
  callback_type: "workflow",
  callback_id: "sync-workflow",
};
const UPDATE = { name: "Updated Schedule", cron_expression: "0 10 * * *", status: "paused" };

/** The seed's curl examples send JSON; this adds the host and the bearer token. */
const post = (key: string, a: string, body: unknown) => call("POST", path(a), { token: key, body });
async function made(key: string, a: string, body: unknown) {
  const r = await post(key, a, body);
  if (r.status !== 201) throw new Error(`create: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}
const list = async (key: string, a: string, q = "") => (await call("GET", `${path(a)}${q}`, { token: key })).body.schedules;

function expectError(r: { status: number; body: any }, status: number, message: string | RegExp) {
  expect(r.status).toBe(status);
  expect(r.body).toEqual({ error: expect.any(String), code: expect.any(String), ...(r.body?.details && { details: expect.any(Array) }) });
  expect(r.body.error).toMatch(message);
}
const INVALID = /^Invalid schedule data: ./;

/** Every field of a list item, of the create answer and of GET one. */
function expectSchedule(s: any, want: Record<string, unknown>) {
  expect(s).toEqual({
    id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    name: expect.any(String),
    type: expect.any(String),
    cron_expression: null,
    next_run: expect.stringMatching(ISO),
    last_run: null,
    callback_type: "workflow",
    callback_id: expect.any(String),
    status: "active",
    delay_seconds: null,
    timezone: "UTC",
    created_at: expect.stringMatching(ISO),
    updated_at: expect.stringMatching(ISO),
    ...want,
  });
}

describe("Create Schedule", () => {
  it("Cron Schedule example: 201 with id, name, type, cron_expression, next_run, status, created_at", async () => {
    const { key } = await tenant();
    const a = agent();
    const r = await post(key, a, DAILY_REPORT);
    expect(r.status).toBe(201);
    expect(r.headers.get("location")).toBe(path(a, r.body.id));
    expectSchedule(r.body, {
      name: "Daily Report",
      type: "cron",
      cron_expression: "0 9 * * *",
      callback_id: "workflow-456",
      status: "active",
    });
    expect(r.body.next_run).toMatch(/T09:00:00\.000Z$/);
    expect(Date.parse(r.body.next_run)).toBeGreaterThan(Date.now());
    expect(Math.abs(Date.parse(r.body.created_at) - Date.now())).toBeLessThan(60_000);
  });

  it("One-Time Schedule example, verbatim: its 2024 next_run has passed, so it is due as soon as possible", async () => {
    const { key } = await tenant();
    const a = agent();
    const before = Date.now();
    const due = await post(key, a, SEND_REMINDER);
    expect(due.status).toBe(201);
    expect(due.body).toMatchObject({ name: "Send Reminder", type: "once", status: "active" });
    expect(Date.parse(due.body.next_run)).toBeGreaterThan(before);
    expect(Date.parse(due.body.next_run) - before).toBeLessThan(5000);
    const next = "2030-12-20T15:00:00Z";
    const r = await post(key, a, { ...SEND_REMINDER, next_run: next });
    expect(r.status).toBe(201);
    expectSchedule(r.body, { name: "Send Reminder", type: "once", next_run: "2030-12-20T15:00:00.000Z", callback_id: "workflow-789" });
  });

  it("Delayed Schedule example: runs delay_seconds after creation", async () => {
    const { key } = await tenant();
    const before = Date.now();
    const r = await post(key, agent(), FOLLOW_UP);
    expect(r.status).toBe(201);
    expectSchedule(r.body, { name: "Follow-up", type: "delayed", delay_seconds: 3600, callback_id: "workflow-123" });
    const due = Date.parse(r.body.next_run);
    expect(due).toBeGreaterThanOrEqual(before + 3_600_000 - 1000);
    expect(due).toBeLessThanOrEqual(Date.now() + 3_600_000 + 1000);
  });

  it("Create Hourly Schedule example (status defaults to active)", async () => {
    const { key } = await tenant();
    const r = await post(key, agent(), HOURLY_SYNC);
    expect(r.status).toBe(201);
    expectSchedule(r.body, {
      name: "Hourly Sync",
      type: "cron",
      cron_expression: "0 * * * *",
      callback_id: "sync-workflow",
      status: "active",
    });
    expect(r.body.next_run).toMatch(/T\d{2}:00:00\.000Z$/);
    expect(Date.parse(r.body.next_run) - Date.now()).toBeLessThanOrEqual(3_600_000);
  });

  it("every cron expression of the seed's table is accepted and fires when it says", async () => {
    const { key } = await tenant();
    const a = agent();
    const table: [string, (d: Date) => boolean][] = [
      ["* * * * *", (d) => d.getTime() - Date.now() <= 60_000],
      ["0 * * * *", (d) => d.getUTCMinutes() === 0],
      ["0 9 * * *", (d) => d.getUTCHours() === 9 && d.getUTCMinutes() === 0],
      ["0 9 * * 1", (d) => d.getUTCDay() === 1 && d.getUTCHours() === 9],
      ["0 9 1 * *", (d) => d.getUTCDate() === 1 && d.getUTCHours() === 9],
    ];
    for (const [expr, ok] of table) {
      const s = await made(key, a, { ...HOURLY_SYNC, cron_expression: expr });
      expect(ok(new Date(s.next_run))).toBe(true);
    }
  });

  it("names need not be unique; two agents may use the same name too", async () => {
    const { key } = await tenant();
    const a = agent();
    const one = await made(key, a, DAILY_REPORT);
    const two = await made(key, a, DAILY_REPORT);
    const other = await made(key, agent(), DAILY_REPORT);
    expect(new Set([one.id, two.id, other.id]).size).toBe(3);
    expect([one.name, two.name, other.name]).toEqual(["Daily Report", "Daily Report", "Daily Report"]);
  });

  it("a paused schedule can be created", async () => {
    const { key } = await tenant();
    const r = await post(key, agent(), { ...DAILY_REPORT, status: "paused" });
    expectSchedule(r.body, {
      name: "Daily Report",
      type: "cron",
      cron_expression: "0 9 * * *",
      callback_id: "workflow-456",
      status: "paused",
      next_run: null,
    });
  });

  it("invalid schedule data is 400 with the seed's message, and nothing is written", async () => {
    const { key } = await tenant();
    const a = agent();
    const bad: Record<string, unknown>[] = [
      { ...DAILY_REPORT, cron_expression: "0 25 * * *" },
      { ...DAILY_REPORT, cron_expression: "0 0 9 * * *" },
      { ...DAILY_REPORT, cron_expression: undefined },
      { ...DAILY_REPORT, type: "weekly" },
      { ...DAILY_REPORT, name: "" },
      { ...DAILY_REPORT, name: undefined },
      { ...DAILY_REPORT, callback_id: undefined },
      { ...DAILY_REPORT, callback_type: "function" },
      { ...DAILY_REPORT, status: "completed" },
      { ...DAILY_REPORT, next_run: "2030-01-01T00:00:00Z" },
      { ...DAILY_REPORT, timezone: "EST" },
      { ...DAILY_REPORT, surprise: 1 },
      { ...SEND_REMINDER, next_run: "next tuesday" },
      { ...SEND_REMINDER, next_run: undefined },
      { ...SEND_REMINDER, timezone: "Europe/London" },
      { ...FOLLOW_UP, delay_seconds: 0 },
      { ...FOLLOW_UP, delay_seconds: "3600" },
      { ...FOLLOW_UP, delay_seconds: undefined },
    ];
    for (const body of bad) expectError(await post(key, a, body), 400, INVALID);
    const cron = await post(key, a, { ...DAILY_REPORT, cron_expression: "0 25 * * *" });
    expect(cron.body).toMatchObject({ code: "invalid_cron", details: [{ path: "cron_expression" }] });
    expectError(await call("POST", path(a), { token: key, raw: "{bad", headers: { "content-type": "application/json" } }), 400, INVALID);
    expectError(await call("POST", path(a), { token: key, raw: "name=x", headers: { "content-type": "text/plain" } }), 415, /JSON/);
    expectError(await post(key, a, { ...DAILY_REPORT, callback_id: "x".repeat(300 * 1024) }), 413, /256 KiB/);
    expect(await list(key, a)).toEqual([]);
  });
});

describe("List Schedules", () => {
  it("lists the agent's schedules with the seed's fields, filtered by status and type", async () => {
    const { key } = await tenant();
    const a = agent();
    const daily = await made(key, a, DAILY_REPORT);
    const hourly = await made(key, a, HOURLY_SYNC);
    const once = await made(key, a, { ...SEND_REMINDER, next_run: "2030-12-20T15:00:00Z" });
    const delayed = await made(key, a, FOLLOW_UP);
    await call("PUT", path(a, hourly.id), { token: key, body: { status: "paused" } });
    const all = await call("GET", path(a), { token: key });
    expect(all.status).toBe(200);
    expect(Object.keys(all.body)).toEqual(["schedules"]);
    expect(all.body.schedules.map((s: { id: string }) => s.id).sort()).toEqual([daily.id, hourly.id, once.id, delayed.id].sort());
    const item = all.body.schedules.find((s: { id: string }) => s.id === daily.id);
    expect(item).toEqual({ ...daily });
    const ids = async (q: string) => (await list(key, a, q)).map((s: { id: string }) => s.id).sort();
    expect(await ids("?status=active")).toEqual([daily.id, once.id, delayed.id].sort());
    expect(await ids("?status=paused")).toEqual([hourly.id]);
    expect(await ids("?status=completed")).toEqual([]);
    expect(await ids("?type=cron")).toEqual([daily.id, hourly.id].sort());
    expect(await ids("?type=once")).toEqual([once.id]);
    expect(await ids("?type=delayed")).toEqual([delayed.id]);
    expect(await ids("?type=cron&status=active")).toEqual([daily.id]);
    expectError(await call("GET", `${path(a)}?status=sleeping`, { token: key }), 400, INVALID);
    expectError(await call("GET", `${path(a)}?type=rrule`, { token: key }), 400, INVALID);
  });

  it("shows only the agent's own schedules; another agent's schedule is 404", async () => {
    const { key } = await tenant();
    const a = agent();
    const b = agent();
    const mine = await made(key, a, DAILY_REPORT);
    await made(key, b, HOURLY_SYNC);
    expect((await list(key, a)).map((s: { id: string }) => s.id)).toEqual([mine.id]);
    expectError(await call("GET", path(b, mine.id), { token: key }), 404, "Schedule not found");
    expectError(await call("PUT", path(b, mine.id), { token: key, body: { status: "paused" } }), 404, "Schedule not found");
    expectError(await call("DELETE", path(b, mine.id), { token: key }), 404, "Schedule not found");
    expect((await call("GET", path(a, mine.id), { token: key })).body.status).toBe("active");
  });

  it("another organization's schedule is 404 and its list is empty", async () => {
    const one = await tenant();
    const two = await tenant();
    const a = agent();
    const s = await made(one.key, a, DAILY_REPORT);
    expectError(await call("GET", path(a, s.id), { token: two.key }), 404, "Schedule not found");
    expectError(await call("PUT", path(a, s.id), { token: two.key, body: { status: "paused" } }), 404, "Schedule not found");
    expectError(await call("DELETE", path(a, s.id), { token: two.key }), 404, "Schedule not found");
    expect(await list(two.key, a)).toEqual([]);
  });
});

describe("Get Schedule", () => {
  it("includes executions: id, executed_at and status (success, failed, ...), and last_run", async () => {
    const { key } = await tenant();
    const a = agent();
    const q = captureQueue();
    let fail = false;
    const sink = target(() => (fail ? new Response("down", { status: 500 }) : Response.json({ ok: true })));
    (env as { WORKFLOW_ENDPOINT_URL?: string }).WORKFLOW_ENDPOINT_URL = "https://wf.example.com/run";
    const s = await made(key, a, DAILY_REPORT);
    const fresh = await call("GET", path(a, s.id), { token: key });
    expect(fresh.status).toBe(200);
    expect(fresh.body).toEqual({ ...s, executions: [] });

    await call("POST", `/v1/tasks/${s.id}/run`, { token: key });
    await deliver(...q.take(s.id).map((m) => m.body));
    expect(sink.calls[0]?.url).toBe("https://wf.example.com/run/workflow-456");
    fail = true;
    await new Promise((r) => setTimeout(r, 5));
    await call("POST", `/v1/tasks/${s.id}/run`, { token: key });
    await deliver(...q.take(s.id).map((m) => m.body));

    const r = await call("GET", path(a, s.id), { token: key });
    expect(r.body).toMatchObject({
      id: s.id,
      name: "Daily Report",
      type: "cron",
      cron_expression: "0 9 * * *",
      callback_type: "workflow",
      callback_id: "workflow-456",
      status: "active",
    });
    expect(r.body.last_run).toMatch(ISO);
    const statuses = r.body.executions.map((e: { status: string }) => e.status);
    // Newest first: the failed run's queued retry, the failure, the success.
    expect(statuses).toEqual(["pending", "failed", "success"]);
    for (const e of r.body.executions)
      expect(e).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        executed_at: expect.stringMatching(ISO),
        status: expect.any(String),
      });
  });

  it("an unknown schedule is 404 with the seed's message", async () => {
    const { key } = await tenant();
    expectError(await call("GET", path(agent(), "schedule-123"), { token: key }), 404, "Schedule not found");
    expectError(await call("GET", path(agent(), crypto.randomUUID()), { token: key }), 404, "Schedule not found");
  });
});

describe("Update and Delete Schedule", () => {
  it("Update Schedule example: name, cron_expression and status change; other fields stay", async () => {
    const { key } = await tenant();
    const a = agent();
    const s = await made(key, a, DAILY_REPORT);
    const r = await call("PUT", path(a, s.id), { token: key, body: UPDATE });
    expect(r.status).toBe(200);
    expectSchedule(r.body, {
      id: s.id,
      name: "Updated Schedule",
      type: "cron",
      cron_expression: "0 10 * * *",
      status: "paused",
      next_run: null,
      callback_id: "workflow-456",
      created_at: s.created_at,
    });
    expect((await call("GET", path(a, s.id), { token: key })).body).toMatchObject({ name: "Updated Schedule", status: "paused" });
  });

  it("Pause Schedule example, then back to active", async () => {
    const { key } = await tenant();
    const a = agent();
    const s = await made(key, a, HOURLY_SYNC);
    const p = await call("PUT", path(a, s.id), { token: key, body: { status: "paused" } });
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ status: "paused", next_run: null, name: "Hourly Sync", cron_expression: "0 * * * *" });
    const back = await call("PUT", path(a, s.id), { token: key, body: { status: "active" } });
    expect(back.body).toMatchObject({ status: "active", next_run: expect.stringMatching(/T\d{2}:00:00\.000Z$/) });
  });

  it("changes type, callback and timing; refuses invalid data and changes nothing", async () => {
    const { key } = await tenant();
    const a = agent();
    const s = await made(key, a, DAILY_REPORT);
    const d = await call("PUT", path(a, s.id), { token: key, body: { type: "delayed", delay_seconds: 120, callback_id: "wf-9" } });
    expect(d.body).toMatchObject({ type: "delayed", delay_seconds: 120, cron_expression: null, callback_id: "wf-9", name: "Daily Report" });
    const o = await call("PUT", path(a, s.id), { token: key, body: { type: "once", next_run: "2031-01-01T00:00:00+02:00" } });
    expect(o.body).toMatchObject({ type: "once", next_run: "2030-12-31T22:00:00.000Z", delay_seconds: null });
    const before = (await call("GET", path(a, s.id), { token: key })).body;
    const bad: Record<string, unknown>[] = [
      { type: "cron" },
      { cron_expression: "* * *" },
      { next_run: "not a date" },
      { status: "completed" },
      { status: "sleeping" },
      { name: "" },
      { id: "x" },
    ];
    for (const body of bad) expectError(await call("PUT", path(a, s.id), { token: key, body }), 400, INVALID);
    expect((await call("GET", path(a, s.id), { token: key })).body).toEqual(before);
  });

  it("Delete Schedule: 200, then 404 everywhere, gone from the list and from /v1", async () => {
    const { key } = await tenant();
    const a = agent();
    const s = await made(key, a, DAILY_REPORT);
    const r = await call("DELETE", path(a, s.id), { token: key });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ id: s.id, deleted: true });
    expectError(await call("GET", path(a, s.id), { token: key }), 404, "Schedule not found");
    expectError(await call("DELETE", path(a, s.id), { token: key }), 404, "Schedule not found");
    expect(await list(key, a)).toEqual([]);
    expect((await call("GET", `/v1/tasks/${s.id}`, { token: key })).status).toBe(404);
  });
});

describe("auth and routes", () => {
  it("needs a bearer token (401) with the right scope (403), in the vendor's shape", async () => {
    const a = agent();
    expectError(await call("GET", path(a)), 401, /credential/);
    expectError(await call("POST", path(a), { body: DAILY_REPORT }), 401, /credential/);
    const ro = await tenant(["tasks:read"]);
    expectError(await post(ro.key, a, DAILY_REPORT), 403, /tasks:write/);
    expect((await call("GET", path(a), { token: ro.key })).status).toBe(200);
    const runner = await tenant(["runner"]);
    expectError(await call("GET", path(a), { token: runner.key }), 403, /tasks:read/);
  });

  it("unknown paths and methods under /api/agents answer 404 in the vendor's shape", async () => {
    const { key } = await tenant();
    expectError(await call("GET", "/api/agents/a1", { token: key }), 404, /no route/);
    expectError(await call("PATCH", path("a1", crypto.randomUUID()), { token: key, body: {} }), 404, /no route/);
  });
});

describe("cross-dialect: the same tasks through /v1", () => {
  it("a schedule created here is the agent's /v1 workflow task with the same id", async () => {
    const { key } = await tenant();
    const a = agent();
    const s = await made(key, a, DAILY_REPORT);
    const v = await call("GET", `/v1/tasks/${s.id}`, { token: key });
    expect(v.status).toBe(200);
    expect(v.body).toMatchObject({
      id: s.id,
      agent_id: a,
      type: "workflow",
      parameters: { callback_type: "workflow", callback_id: "workflow-456" },
      schedule: { kind: "cron", expression: "0 9 * * *", timezone: "UTC" },
      status: "active",
      next_run_at: s.next_run,
    });
    expect(v.body.name).toMatch(/^Daily Report #[0-9a-f]{8}$/);
  });

  it("a workflow task created through /v1 for the agent reads here; rrule ones and other types do not", async () => {
    const { key } = await tenant();
    const a = agent();
    const wf = await createTask(key, {
      name: "nightly build",
      agent_id: a,
      type: "workflow",
      parameters: { callback_type: "workflow", callback_id: "build" },
      schedule: { kind: "cron", expression: "30 1 * * *", timezone: "Europe/London" },
    });
    await createTask(key, { agent_id: a });
    await createTask(key, {
      agent_id: a,
      type: "workflow",
      parameters: { callback_type: "workflow", callback_id: "r" },
      schedule: { kind: "rrule", rule: "FREQ=DAILY", timezone: "UTC" },
    });
    const r = await call("GET", path(a, wf.id), { token: key });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      id: wf.id,
      name: "nightly build",
      type: "cron",
      cron_expression: "30 1 * * *",
      next_run: wf.next_run_at,
      last_run: null,
      callback_type: "workflow",
      callback_id: "build",
      status: "active",
      delay_seconds: null,
      timezone: "Europe/London",
      created_at: wf.created_at,
      updated_at: wf.updated_at,
      executions: [],
    });
    expect((await list(key, a)).map((s: { id: string }) => s.id)).toEqual([wf.id]);
    // Renaming here keeps the core name unique with a suffix; the display name is what was sent.
    const renamed = await call("PUT", path(a, wf.id), { token: key, body: { name: "nightly build" } });
    expect(renamed.body.name).toBe("nightly build");
    // Canceled through /v1: never runs again, so it reads as completed.
    await call("POST", `/v1/tasks/${wf.id}/cancel`, { token: key });
    expect((await call("GET", path(a, wf.id), { token: key })).body.status).toBe("completed");
    expect((await list(key, a, "?status=completed")).map((s: { id: string }) => s.id)).toEqual([wf.id]);
    expectError(await call("PUT", path(a, wf.id), { token: key, body: { status: "active" } }), 409, /canceled/);
  });

  it("a 002 task whose created_by is the agent is one of its schedules", async () => {
    const { key } = await tenant();
    const agentUuid = crypto.randomUUID();
    const t = await call("POST", "/tasks", {
      token: key,
      body: { title: "etl", description: "d", schedule_kind: "cron", schedule_expr: "0 3 * * *", payload: { p: 1 }, created_by: agentUuid },
    });
    expect(t.status).toBe(201);
    const s = await call("GET", path(agentUuid, t.body.id), { token: key });
    expect(s.body).toMatchObject({
      id: t.body.id,
      name: "etl",
      type: "cron",
      cron_expression: "0 3 * * *",
      callback_id: "pipeline",
      status: "active",
    });
  });
});

describe("OpenAPI", () => {
  it("documents every route under the dialect's own tag", async () => {
    const doc = (await call("GET", "/openapi.json")).body;
    const tag = "Dialect: agent Schedules (004)";
    const ops = Object.entries(doc.paths as Record<string, Record<string, { tags?: string[] }>>).flatMap(([p, methods]) =>
      Object.entries(methods)
        .filter(([, op]) => op.tags?.includes(tag))
        .map(([m]) => `${m.toUpperCase()} ${p}`),
    );
    const one = "/api/agents/{id}/schedules/{scheduleId}";
    expect(ops.sort()).toEqual(
      ["GET /api/agents/{id}/schedules", "POST /api/agents/{id}/schedules", `GET ${one}`, `PUT ${one}`, `DELETE ${one}`].sort(),
    );
  });
});
