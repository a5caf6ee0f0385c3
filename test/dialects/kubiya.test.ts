import { describe, expect, it } from "vitest";
import { apiKey, call, createTask as createV1, newOrg, tenant } from "../helpers/api";

const B = "/api/v1/scheduled_tasks";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NAIVE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

/** Kubiya's documented header: `Authorization: UserKey YOUR_API_KEY`. */
const userKey = (key: string) => ({ authorization: `UserKey ${key}` });
const k = (method: string, path: string, key: string, body?: unknown) => call(method, path, { headers: userKey(key), body });

const ONE_TIME = {
  task_description: "Check the disk usage on the production cluster and report anything above 80%",
  selected_agent: "devops-agent",
  channel_id: "C08041WFAKT",
  schedule_time: "2099-12-01T05:00:00",
  cron_string: "",
};
const RECURRING = { ...ONE_TIME, task_description: "Post the on-call summary", schedule_time: undefined, cron_string: "0 9 * * MON-FRI" };
const PARAMS_FORM = {
  task_type: "delayed_task",
  scheduled_time: "2099-06-01T12:30:00Z",
  channel_id: "C082X4R0FL0",
  parameters: {
    message_text: "Rotate the staging database credentials",
    selected_agent: "agent-7f3a",
    selected_agent_name: "Security Agent",
    cron_string: "",
    context: "Security Agent",
  },
};

function expectMsg(r: { status: number; body: any }, status: number) {
  expect(r.status).toBe(status);
  expect(typeof r.body.msg).toBe("string");
  expect(r.body.msg.length).toBeGreaterThan(0);
  expect(Object.keys(r.body).every((x) => x === "msg" || x === "details")).toBe(true);
}

describe("Kubiya: create", () => {
  it("one-time task from {task_description, selected_agent, channel_id, schedule_time, cron_string:''} (UserKey)", async () => {
    const { key } = await tenant();
    const r = await k("POST", B, key, ONE_TIME);
    expect(r.status).toBe(200);
    const t = r.body;
    expect(t.task_id).toMatch(UUID);
    expect(t).toEqual({
      task_id: t.task_id,
      task_uuid: t.task_id,
      user_email: expect.stringMatching(/^api_key:/),
      channel_id: "C08041WFAKT",
      channel_name: "C08041WFAKT",
      description: ONE_TIME.task_description,
      task_description: ONE_TIME.task_description,
      agent: "devops-agent",
      task_type: "prompt",
      scheduled_time: "2099-12-01T05:00:00",
      next_schedule_time: "2099-12-01T05:00:00",
      status: "scheduled",
      parameters: {
        selected_agent: "devops-agent",
        selected_agent_name: "devops-agent",
        cron_string: "",
        message_text: ONE_TIME.task_description,
        context: "devops-agent",
        repeat: false,
      },
      created_at: expect.stringMatching(NAIVE),
    });
    // The same task through /v1: a one-time agent_task in UTC.
    const v1 = await call("GET", `/v1/tasks/${t.task_id}`, { token: key });
    expect(v1.status).toBe(200);
    expect(v1.body).toMatchObject({
      id: t.task_id,
      type: "agent_task",
      agent_id: "devops-agent",
      description: ONE_TIME.task_description,
      parameters: { prompt: ONE_TIME.task_description, context: { kubiya: { channel_id: "C08041WFAKT" } } },
      schedule: { kind: "once", at: "2099-12-01T05:00:00Z" },
      timeout_seconds: 3600,
      next_run_at: "2099-12-01T05:00:00.000Z",
    });
    expect(v1.body.name).toMatch(/^Check the disk usage on the production cluster and report anything above 80% \([0-9a-f]{8}\)$/);
  });

  it("recurring task from a cron_string with named days, in UTC", async () => {
    const { key } = await tenant();
    const r = await k("POST", B, key, RECURRING);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      scheduled_time: null,
      status: "scheduled",
      parameters: { cron_string: "0 9 * * MON-FRI", repeat: true },
    });
    expect(r.body.next_schedule_time).toMatch(/T09:00:00$/);
    const day = new Date(`${r.body.next_schedule_time}Z`).getUTCDay();
    expect(day).toBeGreaterThanOrEqual(1);
    expect(day).toBeLessThanOrEqual(5);
    const v1 = await call("GET", `/v1/tasks/${r.body.task_id}`, { token: key });
    expect(v1.body.schedule).toMatchObject({ kind: "cron", expression: "0 9 * * MON-FRI", timezone: "UTC" });
  });

  it("the parameters form {task_type, scheduled_time, channel_id, parameters:{...}} round-trips", async () => {
    const { key } = await tenant();
    const r = await k("POST", B, key, PARAMS_FORM);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      channel_id: "C082X4R0FL0",
      description: "Rotate the staging database credentials",
      agent: "agent-7f3a",
      task_type: "delayed_task",
      scheduled_time: "2099-06-01T12:30:00",
      parameters: {
        selected_agent: "agent-7f3a",
        selected_agent_name: "Security Agent",
        cron_string: "",
        message_text: "Rotate the staging database credentials",
        context: "Security Agent",
        repeat: false,
      },
    });
    const got = await k("GET", `${B}/${r.body.task_id}`, key);
    expect(got.body).toEqual(r.body);
  });

  it("accepts what Kubiya's Terraform provider sends: zero schedule_time, six-field cron with a year, extra fields", async () => {
    const { key } = await tenant();
    const r = await k("POST", B, key, {
      user_email: "jane@example.com",
      channel_id: "C08041WFAKT",
      cron_string: "30 9 * * * *",
      schedule_time: "0001-01-01T00:00:00Z",
      selected_agent: "mevrat_agent",
      task_description: "mevrat test task description",
      organization_name: "acme",
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      user_email: "jane@example.com",
      scheduled_time: null,
      parameters: { cron_string: "30 9 * * *", repeat: true },
    });
    expect(r.body.next_schedule_time).toMatch(/T09:30:00$/);
  });

  it("null fields (as Python clients send them) count as absent; null cron_string is one-time", async () => {
    const { key } = await tenant();
    const r = await k("POST", B, key, {
      ...ONE_TIME,
      channel_id: null,
      selected_agent: null,
      cron_string: null,
      parameters: { context: null },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      channel_id: "",
      agent: "",
      scheduled_time: "2099-12-01T05:00:00",
      parameters: { cron_string: "", repeat: false, context: null },
    });
  });

  it("times with an offset are converted to UTC", async () => {
    const { key } = await tenant();
    const r = await k("POST", B, key, { ...ONE_TIME, schedule_time: "2099-12-01T09:00:00+02:00" });
    expect(r.body).toMatchObject({ scheduled_time: "2099-12-01T07:00:00", next_schedule_time: "2099-12-01T07:00:00" });
  });
});

describe("Kubiya: list, get, update, delete", () => {
  it("GET lists a bare JSON array, newest first, with limit/offset", async () => {
    const { key } = await tenant();
    const a = (await k("POST", B, key, ONE_TIME)).body;
    const b = (await k("POST", B, key, RECURRING)).body;
    const r = await k("GET", B, key);
    expect(r.status).toBe(200);
    expect(Array.isArray(r.body)).toBe(true);
    expect(r.body.map((t: any) => t.task_id)).toEqual([b.task_id, a.task_id]);
    expect(r.body[1]).toEqual(a);
    expect((await k("GET", `${B}?limit=1&offset=1`, key)).body.map((t: any) => t.task_id)).toEqual([a.task_id]);
  });

  it("GET /{taskId} answers the task", async () => {
    const { key } = await tenant();
    const a = (await k("POST", B, key, ONE_TIME)).body;
    const r = await k("GET", `${B}/${a.task_id}`, key);
    expect(r.status).toBe(200);
    expect(r.body).toEqual(a);
  });

  it("PUT changes the fields sent and keeps the rest; cron_string switches between one-time and recurring", async () => {
    const { key } = await tenant();
    const a = (await k("POST", B, key, ONE_TIME)).body;
    const text = await k("PUT", `${B}/${a.task_id}`, key, { task_description: "Check the disk usage on staging" });
    expect(text.status).toBe(200);
    expect(text.body).toMatchObject({
      task_id: a.task_id,
      description: "Check the disk usage on staging",
      channel_id: "C08041WFAKT",
      agent: "devops-agent",
      scheduled_time: "2099-12-01T05:00:00",
    });
    const rec = await k("PUT", `${B}/${a.task_id}`, key, { cron_string: "*/15 * * * *", selected_agent_name: "DevOps" });
    expect(rec.body).toMatchObject({
      scheduled_time: null,
      parameters: { cron_string: "*/15 * * * *", repeat: true, selected_agent_name: "DevOps" },
      description: "Check the disk usage on staging",
    });
    const once = await k("PUT", `${B}/${a.task_id}`, key, { cron_string: "", schedule_time: "2099-01-02T03:04:05" });
    expect(once.body).toMatchObject({
      scheduled_time: "2099-01-02T03:04:05",
      parameters: { cron_string: "", repeat: false, selected_agent_name: "DevOps" },
    });
    expectMsg(await k("PUT", `${B}/${a.task_id}`, key, { cron_string: "every day" }), 400);
    expect((await k("GET", `${B}/${a.task_id}`, key)).body.scheduled_time).toBe("2099-01-02T03:04:05");
  });

  it("DELETE answers 200 with an empty body; the task is gone everywhere", async () => {
    const { key } = await tenant();
    const a = (await k("POST", B, key, ONE_TIME)).body;
    const res = await call("DELETE", `${B}/${a.task_id}`, { headers: userKey(key) });
    expect(res.status).toBe(200);
    expect(res.body).toBeNull(); // the helper parses "" as null: no body at all
    expectMsg(await k("GET", `${B}/${a.task_id}`, key), 404);
    expect((await call("GET", `/v1/tasks/${a.task_id}`, { token: key })).status).toBe(404);
    expectMsg(await k("DELETE", `${B}/${a.task_id}`, key), 404);
  });
});

describe("Kubiya: errors (the seed's table)", () => {
  it("400 for missing required fields or an invalid schedule, and nothing is written", async () => {
    const { key } = await tenant();
    const cases: unknown[] = [
      { selected_agent: "a", cron_string: "0 9 * * *" },
      { task_description: "x", cron_string: "" },
      { task_description: "x", schedule_time: "2001-01-01T00:00:00" },
      { task_description: "x", schedule_time: "tomorrow" },
      { task_description: "x", cron_string: "61 * * * *" },
      { task_description: "x", cron_string: "0 0 9 * * MON" },
      { task_description: 42, cron_string: "0 9 * * *" },
    ];
    for (const body of cases) expectMsg(await k("POST", B, key, body), 400);
    const missing = await k("POST", B, key, { cron_string: "0 9 * * *" });
    expect(missing.body.details).toEqual([{ path: "task_description", message: "required" }]);
    expectMsg(await call("POST", B, { headers: { ...userKey(key), "content-type": "application/json" }, raw: "{oops" }), 400);
    expectMsg(await call("POST", B, { headers: { ...userKey(key), "content-type": "text/plain" }, raw: JSON.stringify(ONE_TIME) }), 400);
    expectMsg(await k("POST", B, key, { ...ONE_TIME, task_description: "x".repeat(300 * 1024) }), 400);
    expect((await k("GET", B, key)).body).toEqual([]);
  });

  it("401 without or with a bad key; 403 without the permission", async () => {
    expectMsg(await call("GET", B), 401);
    expectMsg(await call("GET", B, { headers: userKey("tk_not_a_real_key") }), 401);
    const org = newOrg();
    const reader = await apiKey(org, ["tasks:read"]);
    expect((await k("GET", B, reader)).status).toBe(200);
    expectMsg(await k("POST", B, reader, ONE_TIME), 403);
    expect((await k("GET", B, reader)).body).toEqual([]);
  });

  it("404 for an unknown id and for another organization's task", async () => {
    const a = await tenant();
    const b = await tenant();
    const t = (await k("POST", B, a.key, ONE_TIME)).body;
    for (const id of [t.task_id, crypto.randomUUID()]) {
      expectMsg(await k("GET", `${B}/${id}`, b.key), 404);
      expectMsg(await k("PUT", `${B}/${id}`, b.key, { task_description: "mine now" }), 404);
      expectMsg(await k("DELETE", `${B}/${id}`, b.key), 404);
    }
    expect((await k("GET", `${B}/${t.task_id}`, a.key)).body.description).toBe(ONE_TIME.task_description);
    expectMsg(await k("GET", `${B}/${t.task_id}/history`, a.key), 404);
  });

  it("Bearer works as well as UserKey", async () => {
    const { key } = await tenant();
    expect((await call("POST", B, { token: key, body: ONE_TIME })).status).toBe(200);
  });
});

describe("Kubiya ⇄ /v1", () => {
  it("an agent_task created through /v1 reads here; its own context survives an edit here", async () => {
    const { key } = await tenant();
    const v1 = await createV1(key, {
      name: "v1 agent",
      type: "agent_task",
      agent_id: "ops-agent",
      parameters: { prompt: "Summarise yesterday's incidents", context: { team: "sre" } },
      schedule: { kind: "cron", expression: "0 8 * * *", timezone: "UTC" },
    });
    const http = await createV1(key, { name: "v1 hook" });
    const r = await k("GET", `${B}/${v1.id}`, key);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      task_id: v1.id,
      task_uuid: v1.id,
      description: "Summarise yesterday's incidents",
      agent: "ops-agent",
      channel_id: "",
      scheduled_time: null,
      next_schedule_time: v1.next_run_at.slice(0, 19),
      status: "scheduled",
      parameters: {
        selected_agent: "ops-agent",
        cron_string: "0 8 * * *",
        message_text: "Summarise yesterday's incidents",
        context: { team: "sre" },
        repeat: true,
      },
    });
    expectMsg(await k("GET", `${B}/${http.id}`, key), 404);
    expect((await k("GET", B, key)).body.map((t: any) => t.task_id)).toEqual([v1.id]);
    const put = await k("PUT", `${B}/${v1.id}`, key, { channel_id: "C1" });
    expect(put.body).toMatchObject({ channel_id: "C1", parameters: { context: { team: "sre" } } });
    const after = await call("GET", `/v1/tasks/${v1.id}`, { token: key });
    expect(after.body).toMatchObject({ name: "v1 agent", parameters: { prompt: "Summarise yesterday's incidents" } });
  });
});

describe("Kubiya in the OpenAPI document", () => {
  it("lists the five routes under their own tag", async () => {
    const doc = (await call("GET", "/openapi.json")).body;
    expect(Object.keys(doc.paths[B]).sort()).toEqual(["get", "post"]);
    expect(Object.keys(doc.paths[`${B}/{taskId}`]).sort()).toEqual(["delete", "get", "put"]);
    expect(doc.paths[B].post.tags).toEqual(["Dialect: Kubiya Scheduled Tasks (003)"]);
  });
});
