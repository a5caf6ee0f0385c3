import { describe, expect, it } from "vitest";
import { call, createTask, cronTask, tenant } from "../helpers/api";

describe("POST /v1/tasks", () => {
  it("creates a task with every default resolved and an ETag", async () => {
    const { key } = await tenant();
    const r = await call("POST", "/v1/tasks", {
      token: key,
      body: {
        name: "Nightly",
        type: "http",
        parameters: { url: "https://example.com/x" },
        schedule: { kind: "cron", expression: "0 2 * * *", timezone: "America/New_York" },
      },
    });
    expect(r.status).toBe(201);
    expect(r.headers.get("etag")).toMatch(/^"[0-9a-f]{8}-1"$/);
    expect(r.headers.get("location")).toBe(`/v1/tasks/${r.body.id}`);
    const t = r.body;
    expect(t.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(t).toMatchObject({
      name: "Nightly",
      description: null,
      type: "http",
      status: "active",
      enabled: true,
      parameters: { url: "https://example.com/x", method: "POST" },
      schedule: { kind: "cron", expression: "0 2 * * *", timezone: "America/New_York", dst: { gap: "shift", repeat: "auto" } },
      retry: { max_retries: 3, delay_seconds: 60, backoff: "exponential_jitter", max_delay_seconds: 3600 },
      timeout_seconds: 300,
      priority: 5,
      concurrency_limit: 1,
      overlap_policy: "skip",
      catchup: "latest",
      catchup_window_seconds: 3600,
      skip_next: 0,
      last_run_at: null,
      last_status: null,
      snoozed_until: null,
    });
    expect(t.created_by).toMatch(/^api_key:/);
    // 02:00 in New York is 06:00 or 07:00 UTC depending on DST.
    expect(t.next_run_at).toMatch(/T0[67]:00:00\.000Z$/);
    expect(Date.parse(t.next_run_at)).toBeGreaterThan(Date.now());
  });

  it("gives agent tasks a one-hour default timeout", async () => {
    const { key } = await tenant();
    const t = await createTask(key, { type: "agent_task", parameters: { prompt: "Summarise the logs" } });
    expect(t.timeout_seconds).toBe(3600);
  });

  it("creates a disabled task paused, with no next run", async () => {
    const { key } = await tenant();
    const t = await createTask(key, { enabled: false });
    expect(t).toMatchObject({ status: "paused", enabled: false, next_run_at: null });
  });

  it("refuses a duplicate name in the same organization with 409, but not in another", async () => {
    const a = await tenant();
    const b = await tenant();
    await createTask(a.key, { name: "dup" });
    const again = await call("POST", "/v1/tasks", { token: a.key, body: cronTask({ name: "dup" }) });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("name_taken");
    expect((await call("POST", "/v1/tasks", { token: b.key, body: cronTask({ name: "dup" }) })).status).toBe(201);
  });

  it("gives exactly one 201 when ten creates with one name race", async () => {
    const { key } = await tenant();
    const replies = await Promise.all(
      Array.from({ length: 10 }, () => call("POST", "/v1/tasks", { token: key, body: cronTask({ name: "race" }) })),
    );
    expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
    expect(replies.filter((r) => r.status === 409)).toHaveLength(9);
    const list = await call("GET", "/v1/tasks?q=race", { token: key });
    expect(list.body.total).toBe(1);
  });
});

describe("GET /v1/tasks/{id}", () => {
  it("returns the task with its latest runs", async () => {
    const { key } = await tenant();
    const t = await createTask(key);
    await call("POST", `/v1/tasks/${t.id}/run`, { token: key });
    const r = await call("GET", `/v1/tasks/${t.id}`, { token: key });
    expect(r.status).toBe(200);
    expect(r.body.id).toBe(t.id);
    expect(r.body.latest_runs).toHaveLength(1);
    expect(r.body.latest_runs[0]).toMatchObject({ task_id: t.id, trigger: "manual", attempt: 1 });
  });

  it("is 404 for an unknown id", async () => {
    const { key } = await tenant();
    const r = await call("GET", `/v1/tasks/${crypto.randomUUID()}`, { token: key });
    expect(r.status).toBe(404);
    expect(r.body.error).toMatchObject({ code: "not_found", message: "task not found" });
  });
});

describe("GET /v1/tasks", () => {
  it("filters by status, type, enabled, project, agent, schedule kind, creator and name", async () => {
    const { key } = await tenant();
    await call("POST", "/v1/projects", { token: key, body: { id: "prod", name: "Production" } });
    const a = await createTask(key, { name: "alpha backup", project_id: "prod", agent_id: "agent-1" });
    const b = await createTask(key, { name: "beta", type: "agent_task", parameters: { prompt: "hi" }, enabled: false });
    const c = await createTask(key, { name: "gamma", schedule: { kind: "event", event: "deploy.done" } });
    const ids = async (q: string) =>
      (await call("GET", `/v1/tasks?${q}`, { token: key })).body.tasks.map((t: { id: string }) => t.id).sort();
    expect(await ids("status=paused")).toEqual([b.id]);
    expect(await ids("type=agent_task")).toEqual([b.id]);
    expect(await ids("enabled=true")).toEqual([a.id, c.id].sort());
    expect(await ids("enabled=false")).toEqual([b.id]);
    expect(await ids("project_id=prod")).toEqual([a.id]);
    expect(await ids("agent_id=agent-1")).toEqual([a.id]);
    expect(await ids("schedule_kind=event")).toEqual([c.id]);
    expect(await ids("q=ALPHA")).toEqual([a.id]);
    expect(await ids(`created_by=${encodeURIComponent(a.created_by)}`)).toEqual([a.id, b.id, c.id].sort());
  });

  it("pages with limit and offset and reports the total", async () => {
    const { key } = await tenant();
    const made = [];
    for (let i = 0; i < 7; i++) made.push(await createTask(key, { name: `p${i}` }));
    const p1 = await call("GET", "/v1/tasks?limit=3", { token: key });
    const p2 = await call("GET", "/v1/tasks?limit=3&offset=3", { token: key });
    const p3 = await call("GET", "/v1/tasks?limit=3&offset=6", { token: key });
    expect(p1.body).toMatchObject({ total: 7, limit: 3, offset: 0 });
    expect(p1.body.tasks).toHaveLength(3);
    expect(p3.body.tasks).toHaveLength(1);
    const seen = [...p1.body.tasks, ...p2.body.tasks, ...p3.body.tasks].map((t: { id: string }) => t.id);
    expect(new Set(seen).size).toBe(7);
    expect(seen.sort()).toEqual(made.map((t) => t.id).sort());
    const dflt = await call("GET", "/v1/tasks", { token: key });
    expect(dflt.body.limit).toBe(50);
  });

  it("refuses a limit above 200", async () => {
    const { key } = await tenant();
    const r = await call("GET", "/v1/tasks?limit=201", { token: key });
    expect(r.status).toBe(400);
    expect(r.body.error.details[0].path).toBe("limit");
  });
});

describe("PUT and PATCH /v1/tasks/{id}", () => {
  it("PUT replaces: omitted optional fields go back to their defaults", async () => {
    const { key } = await tenant();
    const t = await createTask(key, { priority: 1, description: "old", retry: { max_retries: 9 } });
    const r = await call("PUT", `/v1/tasks/${t.id}`, { token: key, body: cronTask({ name: t.name }) });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ priority: 5, description: null, retry: { max_retries: 3 } });
    expect(r.headers.get("etag")).toMatch(/-2"$/);
  });

  it("PATCH changes only the provided fields and merges retry", async () => {
    const { key } = await tenant();
    const t = await createTask(key, { priority: 2, description: "keep", retry: { max_retries: 7 } });
    const r = await call("PATCH", `/v1/tasks/${t.id}`, { token: key, body: { retry: { delay_seconds: 5 }, name: "renamed" } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ name: "renamed", priority: 2, description: "keep", retry: { max_retries: 7, delay_seconds: 5 } });
  });

  it("PATCH of the schedule recomputes next_run_at", async () => {
    const { key } = await tenant();
    const t = await createTask(key);
    const r = await call("PATCH", `/v1/tasks/${t.id}`, {
      token: key,
      body: { schedule: { kind: "cron", expression: "0 0 1 1 *", timezone: "UTC" } },
    });
    expect(r.status).toBe(200);
    expect(r.body.next_run_at).toMatch(/-01-01T00:00:00\.000Z$/);
  });

  it("guards concurrent edits with If-Match: 412 on a stale ETag", async () => {
    const { key } = await tenant();
    const created = await call("POST", "/v1/tasks", { token: key, body: cronTask() });
    const etag = created.headers.get("etag") ?? "";
    const id = created.body.id;
    const first = await call("PATCH", `/v1/tasks/${id}`, { token: key, body: { priority: 3 }, headers: { "if-match": etag } });
    expect(first.status).toBe(200);
    const stale = await call("PATCH", `/v1/tasks/${id}`, { token: key, body: { priority: 4 }, headers: { "if-match": etag } });
    expect(stale.status).toBe(412);
    expect(stale.body.error.code).toBe("precondition_failed");
    expect((await call("GET", `/v1/tasks/${id}`, { token: key })).body.priority).toBe(3);
    const fresh = await call("PUT", `/v1/tasks/${id}`, {
      token: key,
      body: cronTask({ name: created.body.name }),
      headers: { "if-match": first.headers.get("etag") ?? "" },
    });
    expect(fresh.status).toBe(200);
  });

  it("PATCH to a duplicate name is 409 and changes nothing", async () => {
    const { key } = await tenant();
    await createTask(key, { name: "one" });
    const two = await createTask(key, { name: "two" });
    const r = await call("PATCH", `/v1/tasks/${two.id}`, { token: key, body: { name: "one" } });
    expect(r.status).toBe(409);
    expect((await call("GET", `/v1/tasks/${two.id}`, { token: key })).body.name).toBe("two");
  });
});

describe("DELETE /v1/tasks/{id}", () => {
  it("deletes: 204, then 404, and the name is free again", async () => {
    const { key } = await tenant();
    const t = await createTask(key, { name: "gone" });
    expect((await call("DELETE", `/v1/tasks/${t.id}`, { token: key })).status).toBe(204);
    expect((await call("GET", `/v1/tasks/${t.id}`, { token: key })).status).toBe(404);
    expect((await call("DELETE", `/v1/tasks/${t.id}`, { token: key })).status).toBe(404);
    expect((await call("POST", "/v1/tasks", { token: key, body: cronTask({ name: "gone" }) })).status).toBe(201);
  });
});
