import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { call, createTask, tenant } from "../helpers/api";
import { captureQueue, deliver, runsOf, target } from "../helpers/engine";

// Dialect 002 (`/tasks`): every documented field, default, query parameter and
// verb of the seed, its error shape, and the same tasks seen through /v1.

afterEach(() => {
  vi.restoreAllMocks();
  delete (env as { WORKFLOW_ENDPOINT_URL?: string }).WORKFLOW_ENDPOINT_URL;
});

const AGENT = "0b9f6a8e-3c1d-4e2f-9a7b-5c6d7e8f9a01";
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

/** The file the seed's `curl -d @/path/to/your/task-definition.json` sends: every documented field. */
const definition = (over: Record<string, unknown> = {}) => ({
  title: `Nightly ETL ${crypto.randomUUID().slice(0, 6)}`,
  description: "Extracts yesterday's orders and loads the warehouse",
  schedule_kind: "cron",
  schedule_expr: "0 2 * * *",
  timezone: "Europe/Chisinau",
  payload: {
    pipeline: "etl",
    steps: [
      { op: "extract", source: "orders" },
      { op: "load", target: "warehouse" },
    ],
  },
  created_by: AGENT,
  priority: 2,
  max_retries: 5,
  backoff_strategy: "linear",
  dedupe_key: "etl-orders",
  dedupe_window_seconds: 600,
  concurrency_key: "warehouse",
  ...over,
});
const minimal = (over: Record<string, unknown> = {}) => ({
  title: `t-${crypto.randomUUID().slice(0, 8)}`,
  description: "d",
  schedule_kind: "cron",
  schedule_expr: "*/5 * * * *",
  payload: { steps: [] },
  created_by: AGENT,
  ...over,
});

/** The seed's curl: POST /tasks with Content-Type and Bearer, the definition as the body. */
const post = (key: string, body: unknown) =>
  call("POST", "/tasks", { body, headers: { "content-type": "application/json", authorization: `Bearer ${key}` } });
async function made(key: string, body: Record<string, unknown>) {
  const r = await post(key, body);
  if (r.status !== 201) throw new Error(`create: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}
const total = async (key: string) => (await call("GET", "/tasks", { token: key })).body.total;

function expectError(r: { status: number; body: any }, status: number, code: string) {
  expect(r.status).toBe(status);
  expect(r.body).toEqual({ error: { code, message: expect.any(String), ...(r.body?.error?.details && { details: expect.any(Array) }) } });
  expect(r.body.error.message.length).toBeGreaterThan(0);
}

describe("POST /tasks", () => {
  it("the seed's example creates the task with every field it sent (201)", async () => {
    const { key } = await tenant();
    const def = definition();
    const r = await post(key, def);
    expect(r.status).toBe(201);
    expect(r.headers.get("location")).toBe(`/tasks/${r.body.id}`);
    expect(r.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      title: def.title,
      description: def.description,
      schedule_kind: "cron",
      schedule_expr: "0 2 * * *",
      timezone: "Europe/Chisinau",
      payload: def.payload,
      created_by: AGENT,
      priority: 2,
      max_retries: 5,
      backoff_strategy: "linear",
      dedupe_key: "etl-orders",
      dedupe_window_seconds: 600,
      concurrency_key: "warehouse",
      status: "active",
      next_run_at: expect.stringMatching(ISO),
      last_run_at: null,
      last_status: null,
      snoozed_until: null,
      snooze_reason: null,
      created_at: expect.stringMatching(ISO),
      updated_at: expect.stringMatching(ISO),
    });
    // 02:00 in Chisinau is 23:00 or 00:00 UTC.
    expect(r.body.next_run_at).toMatch(/T(23|00):00:00\.000Z$/);
    expect(Date.parse(r.body.next_run_at)).toBeGreaterThan(Date.now());
  });

  it("applies the documented defaults: timezone UTC, priority 5, max_retries 3, exponential_jitter", async () => {
    const { key } = await tenant();
    const t = await made(key, minimal());
    expect(t).toMatchObject({
      timezone: "UTC",
      priority: 5,
      max_retries: 3,
      backoff_strategy: "exponential_jitter",
      dedupe_key: null,
      dedupe_window_seconds: null,
      concurrency_key: null,
      status: "active",
    });
    expect(new Date(t.next_run_at).getUTCMinutes() % 5).toBe(0);
  });

  it("accepts every schedule kind: rrule, once (an ISO instant), event", async () => {
    const { key } = await tenant();
    const rr = await made(
      key,
      minimal({ schedule_kind: "rrule", schedule_expr: "RRULE:FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0", timezone: "America/New_York" }),
    );
    expect(rr).toMatchObject({
      schedule_kind: "rrule",
      schedule_expr: "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0",
      timezone: "America/New_York",
    });
    expect(new Date(rr.next_run_at).getUTCDay()).toBe(1);

    const withStart = await made(
      key,
      minimal({ schedule_kind: "rrule", schedule_expr: "DTSTART;TZID=Europe/Chisinau:20300101T080000\nRRULE:FREQ=DAILY;COUNT=3" }),
    );
    expect(withStart).toMatchObject({
      schedule_expr: "FREQ=DAILY;COUNT=3",
      timezone: "Europe/Chisinau",
      next_run_at: "2030-01-01T06:00:00.000Z",
    });

    const at = inAnHour();
    const once = await made(key, minimal({ schedule_kind: "once", schedule_expr: at }));
    expect(once).toMatchObject({ schedule_kind: "once", schedule_expr: at, timezone: "UTC", next_run_at: at });

    // Without an offset, the instant is wall time in `timezone`.
    const local = await made(key, minimal({ schedule_kind: "once", schedule_expr: "2030-07-01T09:00:00", timezone: "Europe/Chisinau" }));
    expect(local).toMatchObject({ schedule_expr: "2030-07-01T06:00:00.000Z", next_run_at: "2030-07-01T06:00:00.000Z" });

    const ev = await made(key, minimal({ schedule_kind: "event", schedule_expr: "orders.loaded" }));
    expect(ev).toMatchObject({ schedule_kind: "event", schedule_expr: "orders.loaded", next_run_at: null, status: "active" });
  });

  it("an event task without schedule_expr listens for its title (made a valid event name)", async () => {
    const { key } = await tenant();
    const a = await made(key, minimal({ title: "deploy.done", schedule_kind: "event", schedule_expr: undefined }));
    expect(a.schedule_expr).toBe("deploy.done");
    const b = await made(key, minimal({ title: "Nightly ETL run", schedule_kind: "event", schedule_expr: undefined }));
    expect(b.schedule_expr).toBe("Nightly-ETL-run");
    // The event reaches it through the core.
    const q = captureQueue();
    const ev = await call("POST", "/v1/events", { token: key, body: { name: "Nightly-ETL-run", payload: { x: 1 } } });
    expect(ev.status).toBeLessThan(300);
    expect(q.forTask(b.id)).toHaveLength(1);
  });

  it("schedule_expr is required for cron, rrule and once (400), and nothing is written", async () => {
    const { key } = await tenant();
    for (const kind of ["cron", "rrule", "once"]) {
      const r = await post(key, minimal({ schedule_kind: kind, schedule_expr: undefined }));
      expectError(r, 400, "validation_failed");
      expect(r.body.error.details[0].path).toBe("schedule_expr");
    }
    expect(await total(key)).toBe(0);
  });

  it("each required field missing is a 400 naming it", async () => {
    const { key } = await tenant();
    for (const field of ["title", "description", "schedule_kind", "payload", "created_by"]) {
      const body: Record<string, unknown> = minimal();
      delete body[field];
      const r = await post(key, body);
      expectError(r, 400, "validation_failed");
      expect(r.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
    }
    expect(await total(key)).toBe(0);
  });

  it("refuses bad values in the vendor's shape, naming the vendor's fields, writing nothing", async () => {
    const { key } = await tenant();
    const cases: [Record<string, unknown>, string, string][] = [
      [{ schedule_expr: "0 25 * * *" }, "invalid_cron", "schedule_expr"],
      [{ schedule_expr: "* * * * * *" }, "invalid_cron", "schedule_expr"],
      [{ timezone: "EST" }, "invalid_timezone", "timezone"],
      [{ schedule_kind: "once", schedule_expr: "2020-01-01T00:00:00Z" }, "invalid_schedule", "schedule_expr"],
      [{ schedule_kind: "once", schedule_expr: inAnHour(), timezone: "Mars/Olympus" }, "invalid_timezone", "timezone"],
      [{ schedule_kind: "rrule", schedule_expr: "FREQ=SOMETIMES" }, "invalid_rrule", "schedule_expr"],
      [{ schedule_kind: "event", schedule_expr: "has spaces" }, "invalid_schedule", "schedule_expr"],
      [{ schedule_kind: "weekly" }, "validation_failed", "schedule_kind"],
      [{ priority: 0 }, "validation_failed", "priority"],
      [{ priority: 10 }, "validation_failed", "priority"],
      [{ created_by: "agent-7" }, "validation_failed", "created_by"],
      [{ backoff_strategy: "random" }, "validation_failed", "backoff_strategy"],
      [{ max_retries: -1 }, "validation_failed", "max_retries"],
      [{ payload: "not an object" }, "validation_failed", "payload"],
      [{ surprise: true }, "validation_failed", ""],
    ];
    for (const [over, code, path] of cases) {
      const r = await post(key, minimal(over));
      expectError(r, 400, code);
      if (path) expect(r.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    expect(await total(key)).toBe(0);
  });

  it("a duplicate title in the organization is 409", async () => {
    const { key } = await tenant();
    await made(key, minimal({ title: "dup" }));
    const r = await post(key, minimal({ title: "dup" }));
    expectError(r, 409, "name_taken");
    expect(await total(key)).toBe(1);
  });

  it("refuses malformed JSON (400), a non-JSON body (415) and a body over 256 KiB (413) in its shape", async () => {
    const { key } = await tenant();
    expectError(
      await call("POST", "/tasks", { token: key, raw: "{nope", headers: { "content-type": "application/json" } }),
      400,
      "invalid_json",
    );
    expectError(
      await call("POST", "/tasks", { token: key, raw: "title=x", headers: { "content-type": "application/x-www-form-urlencoded" } }),
      415,
      "unsupported_media_type",
    );
    const big = minimal({ payload: { blob: "x".repeat(300 * 1024) } });
    expectError(await post(key, big), 413, "payload_too_large");
    expect(await total(key)).toBe(0);
  });
});

describe("auth", () => {
  it("no token is 401, a read-only token cannot write (403), in the vendor's shape", async () => {
    const ro = await tenant(["tasks:read"]);
    expectError(await call("GET", "/tasks"), 401, "unauthorized");
    expectError(await call("POST", "/tasks", { body: minimal() }), 401, "unauthorized");
    expectError(await call("GET", "/tasks", { headers: { authorization: "Bearer nope" } }), 401, "unauthorized");
    expectError(await post(ro.key, minimal()), 403, "forbidden");
    expect((await call("GET", "/tasks", { token: ro.key })).status).toBe(200);
    // A token with neither scope (a runner's) can do nothing here.
    const runner = await tenant(["runner"]);
    expectError(await call("GET", "/tasks", { token: runner.key }), 403, "forbidden");
  });

  it("another organization's task is 404 on every route", async () => {
    const a = await tenant();
    const b = await tenant();
    const t = await made(a.key, minimal());
    expectError(await call("GET", `/tasks/${t.id}`, { token: b.key }), 404, "not_found");
    expectError(await call("PUT", `/tasks/${t.id}`, { token: b.key, body: { title: "x" } }), 404, "not_found");
    for (const verb of ["run_now", "pause", "resume", "cancel"])
      expectError(await call("POST", `/tasks/${t.id}/${verb}`, { token: b.key }), 404, "not_found");
    expectError(await call("POST", `/tasks/${t.id}/snooze`, { token: b.key, body: { delay_seconds: 60 } }), 404, "not_found");
    expect((await call("GET", "/tasks", { token: b.key })).body.tasks).toEqual([]);
    expect((await call("GET", `/tasks/${t.id}`, { token: a.key })).body.status).toBe("active");
  });

  it("unknown paths and methods under /tasks answer 404 in the vendor's shape", async () => {
    const { key } = await tenant();
    expectError(await call("GET", "/tasks/x/y", { token: key }), 404, "not_found");
    expectError(await call("DELETE", "/tasks", { token: key }), 404, "not_found");
    expectError(await call("GET", `/tasks/${crypto.randomUUID()}`, { token: key }), 404, "not_found");
  });
});

describe("GET /tasks", () => {
  it("filters by status, created_by and schedule_kind", async () => {
    const { key } = await tenant();
    const other = "5d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    const a = await made(key, minimal());
    const b = await made(key, minimal({ schedule_kind: "rrule", schedule_expr: "FREQ=DAILY;BYHOUR=6;BYMINUTE=0", created_by: other }));
    const c = await made(key, minimal({ schedule_kind: "once", schedule_expr: inAnHour() }));
    const d = await made(key, minimal({ schedule_kind: "event", schedule_expr: "go" }));
    await call("POST", `/tasks/${b.id}/pause`, { token: key });
    await call("POST", `/tasks/${c.id}/cancel`, { token: key });
    const ids = async (q: string) => {
      const r = await call("GET", `/tasks?${q}`, { token: key });
      expect(r.status).toBe(200);
      return r.body.tasks.map((t: { id: string }) => t.id).sort();
    };
    expect(await ids("status=active")).toEqual([a.id, d.id].sort());
    expect(await ids("status=paused")).toEqual([b.id]);
    expect(await ids("status=canceled")).toEqual([c.id]);
    expect(await ids(`created_by=${other}`)).toEqual([b.id]);
    expect(await ids(`created_by=${AGENT}`)).toEqual([a.id, c.id, d.id].sort());
    expect(await ids("schedule_kind=cron")).toEqual([a.id]);
    expect(await ids("schedule_kind=rrule")).toEqual([b.id]);
    expect(await ids("schedule_kind=once")).toEqual([c.id]);
    expect(await ids("schedule_kind=event")).toEqual([d.id]);
    expect(await ids(`status=active&created_by=${AGENT}&schedule_kind=event`)).toEqual([d.id]);
    for (const bad of ["status=sleeping", "created_by=agent-1", "schedule_kind=hourly", "limit=0", "offset=-1"]) {
      expectError(await call("GET", `/tasks?${bad}`, { token: key }), 400, "validation_failed");
    }
  });

  it("limit defaults to 50; limit and offset page the list, newest first", async () => {
    const { key } = await tenant();
    const made5 = [];
    for (let i = 0; i < 5; i++) made5.push((await made(key, minimal())).id);
    const all = await call("GET", "/tasks", { token: key });
    expect(all.body).toMatchObject({ total: 5, limit: 50, offset: 0 });
    expect(all.body.tasks).toHaveLength(5);
    const p1 = await call("GET", "/tasks?limit=2", { token: key });
    const p2 = await call("GET", "/tasks?limit=2&offset=2", { token: key });
    const p3 = await call("GET", "/tasks?limit=2&offset=4", { token: key });
    expect(p1.body).toMatchObject({ total: 5, limit: 2, offset: 0 });
    expect(p2.body.offset).toBe(2);
    const paged = [...p1.body.tasks, ...p2.body.tasks, ...p3.body.tasks].map((t: { id: string }) => t.id);
    expect(paged).toEqual(all.body.tasks.map((t: { id: string }) => t.id));
    expect(new Set(paged)).toEqual(new Set(made5));
  });
});

describe("GET and PUT /tasks/{id}", () => {
  it("GET retrieves the full details", async () => {
    const { key } = await tenant();
    const t = await made(key, definition());
    const r = await call("GET", `/tasks/${t.id}`, { token: key });
    expect(r.status).toBe(200);
    expect(r.body).toEqual(t);
  });

  it("PUT updates only the fields provided", async () => {
    const { key } = await tenant();
    const t = await made(key, definition());
    const r = await call("PUT", `/tasks/${t.id}`, { token: key, body: { priority: 7, description: "new words" } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ...t, priority: 7, description: "new words", updated_at: expect.stringMatching(ISO) });

    const s = await call("PUT", `/tasks/${t.id}`, { token: key, body: { schedule_expr: "30 6 * * *" } });
    expect(s.body).toMatchObject({
      schedule_kind: "cron",
      schedule_expr: "30 6 * * *",
      timezone: "Europe/Chisinau",
      payload: t.payload,
      title: t.title,
    });
    const z = await call("PUT", `/tasks/${t.id}`, { token: key, body: { timezone: "UTC" } });
    expect(z.body).toMatchObject({ schedule_expr: "30 6 * * *", timezone: "UTC" });
    expect(z.body.next_run_at).toMatch(/T06:30:00\.000Z$/);

    const p = await call("PUT", `/tasks/${t.id}`, {
      token: key,
      body: {
        payload: { pipeline: "v2" },
        max_retries: 0,
        backoff_strategy: "fixed",
        dedupe_key: null,
        concurrency_key: null,
        title: "renamed",
      },
    });
    expect(p.body).toMatchObject({
      payload: { pipeline: "v2" },
      max_retries: 0,
      backoff_strategy: "fixed",
      dedupe_key: null,
      concurrency_key: null,
      title: "renamed",
      priority: 7,
    });

    const k = await call("PUT", `/tasks/${t.id}`, { token: key, body: { schedule_kind: "event" } });
    expect(k.body).toMatchObject({ schedule_kind: "event", schedule_expr: "renamed", next_run_at: null });
    const empty = await call("PUT", `/tasks/${t.id}`, { token: key, body: {} });
    expect(empty.status).toBe(200);
    expect(empty.body.schedule_kind).toBe("event");
  });

  it("PUT refuses bad input, a new kind without its expression and a taken title, changing nothing", async () => {
    const { key } = await tenant();
    const other = await made(key, minimal());
    const t = await made(key, definition());
    const cases: [Record<string, unknown>, number, string][] = [
      [{ schedule_kind: "once" }, 400, "validation_failed"],
      [{ schedule_expr: "61 * * * *" }, 400, "invalid_cron"],
      [{ timezone: "PST" }, 400, "invalid_timezone"],
      [{ priority: 12 }, 400, "validation_failed"],
      [{ status: "paused" }, 400, "validation_failed"],
      [{ title: other.title }, 409, "name_taken"],
    ];
    for (const [body, status, code] of cases) expectError(await call("PUT", `/tasks/${t.id}`, { token: key, body }), status, code);
    expect((await call("GET", `/tasks/${t.id}`, { token: key })).body).toEqual(t);
    expectError(
      await call("PUT", `/tasks/${t.id}`, { token: key, raw: "priority=3", headers: { "content-type": "text/plain" } }),
      415,
      "unsupported_media_type",
    );
  });
});

describe("run_now, snooze, pause, resume, cancel", () => {
  it("run_now queues a manual run (202) that hands the payload to the executor as the run's input", async () => {
    const { key } = await tenant();
    const q = captureQueue();
    const sink = target(() => Response.json({ accepted: true }));
    (env as { WORKFLOW_ENDPOINT_URL?: string }).WORKFLOW_ENDPOINT_URL = "https://wf.example.com/hooks";
    const def = definition();
    const t = await made(key, def);
    const r = await call("POST", `/tasks/${t.id}/run_now`, { token: key });
    expect(r.status).toBe(202);
    expect(r.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      task_id: t.id,
      status: "queued",
      trigger: "manual",
      attempt: 1,
      scheduled_for: expect.stringMatching(ISO),
      created_at: expect.stringMatching(ISO),
    });
    await deliver(...q.take(t.id).map((m) => m.body));
    const [run] = await runsOf(t.id);
    expect(run?.status).toBe("succeeded");
    expect(sink.calls[0]?.url).toBe("https://wf.example.com/hooks/pipeline");
    expect(JSON.parse(sink.calls[0]?.body ?? "{}")).toMatchObject({ task_id: t.id, run_id: r.body.id, input: def.payload });
    const after = await call("GET", `/tasks/${t.id}`, { token: key });
    expect(after.body).toMatchObject({ last_status: "succeeded", last_run_at: expect.stringMatching(ISO) });
  });

  it("snooze delays the next run by delay_seconds (at most a week) with a reason", async () => {
    const { key } = await tenant();
    const t = await made(key, minimal({ schedule_expr: "* * * * *" }));
    const before = Date.now();
    const r = await call("POST", `/tasks/${t.id}/snooze`, { token: key, body: { delay_seconds: 7200, reason: "maintenance window" } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: "active", snooze_reason: "maintenance window" });
    const until = Date.parse(r.body.snoozed_until);
    expect(until).toBeGreaterThanOrEqual(before + 7_200_000 - 1000);
    expect(Date.parse(r.body.next_run_at)).toBeGreaterThanOrEqual(until);
    const noReason = await call("POST", `/tasks/${t.id}/snooze`, { token: key, body: { delay_seconds: 604_800 } });
    expect(noReason.body.snooze_reason).toBeNull();
    for (const body of [{}, { delay_seconds: 604_801 }, { delay_seconds: 0 }, { delay_seconds: "60" }, { reason: "x" }]) {
      expectError(await call("POST", `/tasks/${t.id}/snooze`, { token: key, body }), 400, "validation_failed");
    }
  });

  it("pause stops scheduled runs, resume restarts them, cancel is final (resume after it is 409)", async () => {
    const { key } = await tenant();
    const t = await made(key, minimal());
    const p = await call("POST", `/tasks/${t.id}/pause`, { token: key });
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ id: t.id, status: "paused", next_run_at: null });
    const r = await call("POST", `/tasks/${t.id}/resume`, { token: key });
    expect(r.body).toMatchObject({ status: "active", next_run_at: expect.stringMatching(ISO), snoozed_until: null });
    const c = await call("POST", `/tasks/${t.id}/cancel`, { token: key });
    expect(c.body).toMatchObject({ status: "canceled", next_run_at: null });
    expectError(await call("POST", `/tasks/${t.id}/resume`, { token: key }), 409, "task_canceled");
    expectError(await call("POST", `/tasks/${t.id}/pause`, { token: key }), 409, "task_canceled");
    expectError(await call("POST", `/tasks/${t.id}/snooze`, { token: key, body: { delay_seconds: 60 } }), 409, "task_canceled");
    expectError(await call("POST", `/tasks/${t.id}/run_now`, { token: key }), 409, "task_canceled");
    expectError(await call("PUT", `/tasks/${t.id}`, { token: key, body: { priority: 1 } }), 409, "task_canceled");
    expect((await call("POST", `/tasks/${t.id}/cancel`, { token: key })).body.status).toBe("canceled");
    expect((await call("GET", `/tasks/${t.id}`, { token: key })).body.status).toBe("canceled");
  });
});

describe("cross-dialect: the same tasks through /v1", () => {
  it("a task created here is the /v1 workflow task with the same id", async () => {
    const { key } = await tenant();
    const def = definition();
    const t = await made(key, def);
    const v = await call("GET", `/v1/tasks/${t.id}`, { token: key });
    expect(v.status).toBe(200);
    expect(v.body).toMatchObject({
      id: t.id,
      name: def.title,
      description: def.description,
      agent_id: AGENT,
      type: "workflow",
      parameters: { callback_type: "workflow", callback_id: "pipeline", input: def.payload },
      schedule: { kind: "cron", expression: "0 2 * * *", timezone: "Europe/Chisinau" },
      retry: { max_retries: 5, backoff: "linear" },
      priority: 2,
      dedupe_key: "etl-orders",
      dedupe_window_seconds: 600,
      concurrency_key: "warehouse",
      status: "active",
      next_run_at: t.next_run_at,
    });
  });

  it("a workflow task created through /v1 reads here; other types are not visible", async () => {
    const { key } = await tenant();
    const wf = await createTask(key, {
      type: "workflow",
      agent_id: AGENT,
      parameters: { callback_type: "workflow", callback_id: "report", input: { format: "pdf" } },
      schedule: { kind: "rrule", rule: "FREQ=DAILY;BYHOUR=9;BYMINUTE=0", timezone: "Europe/London" },
      priority: 3,
    });
    const r = await call("GET", `/tasks/${wf.id}`, { token: key });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      id: wf.id,
      title: wf.name,
      description: "",
      schedule_kind: "rrule",
      schedule_expr: "FREQ=DAILY;BYHOUR=9;BYMINUTE=0",
      timezone: "Europe/London",
      payload: { format: "pdf" },
      created_by: AGENT,
      priority: 3,
      max_retries: 3,
      status: "active",
      next_run_at: wf.next_run_at,
    });
    // A PUT of the payload keeps the task's own callback.
    await call("PUT", `/tasks/${wf.id}`, { token: key, body: { payload: { format: "csv" } } });
    const v = await call("GET", `/v1/tasks/${wf.id}`, { token: key });
    expect(v.body.parameters).toEqual({ callback_type: "workflow", callback_id: "report", input: { format: "csv" } });

    const delayed = await createTask(key, {
      type: "workflow",
      parameters: { callback_type: "workflow", callback_id: "x" },
      schedule: { kind: "delayed", delay_seconds: 600 },
    });
    const d = await call("GET", `/tasks/${delayed.id}`, { token: key });
    expect(d.body).toMatchObject({ schedule_kind: "once", schedule_expr: delayed.next_run_at, payload: {}, created_by: null });

    const http = await createTask(key);
    expectError(await call("GET", `/tasks/${http.id}`, { token: key }), 404, "not_found");
    expectError(await call("POST", `/tasks/${http.id}/pause`, { token: key }), 404, "not_found");
    const list = await call("GET", "/tasks", { token: key });
    expect(list.body.tasks.map((t: { id: string }) => t.id).sort()).toEqual([wf.id, delayed.id].sort());
  });
});

describe("OpenAPI", () => {
  it("documents every route under the dialect's own tag", async () => {
    const doc = (await call("GET", "/openapi.json")).body;
    const tag = "Dialect: agent workflow Tasks (002)";
    const ops = Object.entries(doc.paths as Record<string, Record<string, { tags?: string[] }>>).flatMap(([p, methods]) =>
      Object.entries(methods)
        .filter(([, op]) => op.tags?.includes(tag))
        .map(([m]) => `${m.toUpperCase()} ${p}`),
    );
    expect(ops.sort()).toEqual(
      [
        "POST /tasks",
        "GET /tasks",
        "GET /tasks/{id}",
        "PUT /tasks/{id}",
        ...["run_now", "snooze", "pause", "resume", "cancel"].map((v) => `POST /tasks/{id}/${v}`),
      ].sort(),
    );
  });
});
