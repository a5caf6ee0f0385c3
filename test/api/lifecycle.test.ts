import { describe, expect, it } from "vitest";
import { call, createTask, tenant } from "../helpers/api";

const post = (key: string, path: string, body?: unknown) => call("POST", path, { token: key, body });

describe("toggle, pause, resume", () => {
  it("toggle without a body flips; with {enabled} sets", async () => {
    const { key } = await tenant();
    const t = await createTask(key);
    const off = await post(key, `/v1/tasks/${t.id}/toggle`);
    expect(off.body).toMatchObject({ status: "paused", enabled: false, next_run_at: null });
    const on = await post(key, `/v1/tasks/${t.id}/toggle`);
    expect(on.body).toMatchObject({ status: "active", enabled: true });
    expect(on.body.next_run_at).not.toBeNull();
    const still = await post(key, `/v1/tasks/${t.id}/toggle`, { enabled: true });
    expect(still.body.status).toBe("active");
    const off2 = await post(key, `/v1/tasks/${t.id}/toggle`, { enabled: false });
    expect(off2.body.status).toBe("paused");
  });

  it("pause clears next_run_at; resume recomputes it; both are idempotent", async () => {
    const { key } = await tenant();
    const t = await createTask(key);
    const p = await post(key, `/v1/tasks/${t.id}/pause`);
    expect(p.body).toMatchObject({ status: "paused", next_run_at: null });
    expect((await post(key, `/v1/tasks/${t.id}/pause`)).status).toBe(200);
    const r = await post(key, `/v1/tasks/${t.id}/resume`);
    expect(r.body.status).toBe("active");
    expect(Date.parse(r.body.next_run_at)).toBeGreaterThan(Date.now() - 1000);
    expect((await post(key, `/v1/tasks/${t.id}/resume`)).status).toBe(200);
  });
});

describe("snooze", () => {
  it("holds the task until the delay has passed, then it continues by itself", async () => {
    const { key } = await tenant();
    const t = await createTask(key, { schedule: { kind: "cron", expression: "* * * * *", timezone: "UTC" } });
    const before = Date.now();
    const r = await post(key, `/v1/tasks/${t.id}/snooze`, { delay_seconds: 3600, reason: "maintenance" });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: "active", snooze_reason: "maintenance" });
    const until = Date.parse(r.body.snoozed_until);
    expect(until).toBeGreaterThanOrEqual(before + 3600_000);
    // The first minute at or after the snooze ends.
    expect(Date.parse(r.body.next_run_at)).toBeGreaterThanOrEqual(until);
    expect(Date.parse(r.body.next_run_at) - until).toBeLessThan(60_000);
  });

  it("accepts an until instant and refuses more than a week", async () => {
    const { key } = await tenant();
    const t = await createTask(key);
    const until = new Date(Date.now() + 2 * 86_400_000).toISOString();
    expect((await post(key, `/v1/tasks/${t.id}/snooze`, { until })).body.snoozed_until).toBe(until);
    const long = await post(key, `/v1/tasks/${t.id}/snooze`, { delay_seconds: 604_801 });
    expect(long.status).toBe(400);
    expect(long.body.error.details[0].path).toBe("delay_seconds");
    const both = await post(key, `/v1/tasks/${t.id}/snooze`, { delay_seconds: 60, until });
    expect(both.status).toBe(400);
    const impossible = await post(key, `/v1/tasks/${t.id}/snooze`, { until: "2026-02-30T00:00:00Z" });
    expect(impossible.status).toBe(400);
    expect(impossible.body.error.details[0].path).toBe("until");
  });

  it("resume ends a snooze early", async () => {
    const { key } = await tenant();
    const t = await createTask(key);
    await post(key, `/v1/tasks/${t.id}/snooze`, { delay_seconds: 86_400 });
    const r = await post(key, `/v1/tasks/${t.id}/resume`);
    expect(r.body.snoozed_until).toBeNull();
    expect(Date.parse(r.body.next_run_at)).toBeLessThan(Date.now() + 600_000);
  });
});

describe("skip", () => {
  it("records how many occurrences to skip", async () => {
    const { key } = await tenant();
    const t = await createTask(key);
    const r = await post(key, `/v1/tasks/${t.id}/skip`, { count: 2 });
    expect(r.body.skip_next).toBe(2);
    expect((await post(key, `/v1/tasks/${t.id}/skip`, { count: -1 })).status).toBe(400);
  });
});

describe("cancel", () => {
  it("is final: resume, toggle, snooze and edits answer 409; queued runs are canceled", async () => {
    const { key } = await tenant();
    const t = await createTask(key);
    const run = await post(key, `/v1/tasks/${t.id}/run`);
    expect(run.status).toBe(202);
    const c = await post(key, `/v1/tasks/${t.id}/cancel`);
    expect(c.body).toMatchObject({ status: "canceled", enabled: false, next_run_at: null });
    for (const verb of ["resume", "toggle", "pause", "run"]) {
      const r = await post(key, `/v1/tasks/${t.id}/${verb}`);
      expect(r.status, verb).toBe(409);
      expect(r.body.error.code).toBe("task_canceled");
    }
    expect((await post(key, `/v1/tasks/${t.id}/snooze`, { delay_seconds: 60 })).status).toBe(409);
    expect((await call("PATCH", `/v1/tasks/${t.id}`, { token: key, body: { priority: 1 } })).status).toBe(409);
    const got = await call("GET", `/v1/runs/${run.body.id}`, { token: key });
    expect(got.body).toMatchObject({ status: "canceled", reason: "task_canceled" });
    expect((await post(key, `/v1/tasks/${t.id}/cancel`)).status).toBe(200);
  });
});

describe("run now and runs", () => {
  it("answers 202 with a queued manual run, readable by id and in the task's runs", async () => {
    const { key } = await tenant();
    const t = await createTask(key);
    const r = await post(key, `/v1/tasks/${t.id}/run`);
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ task_id: t.id, trigger: "manual", attempt: 1, status: "queued", final: false });
    expect(r.headers.get("location")).toBe(`/v1/runs/${r.body.id}`);
    const one = await call("GET", `/v1/runs/${r.body.id}`, { token: key });
    expect(one.status).toBe(200);
    expect(one.body.id).toBe(r.body.id);
    await post(key, `/v1/tasks/${t.id}/run`);
    const list = await call("GET", `/v1/tasks/${t.id}/runs?limit=1`, { token: key });
    expect(list.body).toMatchObject({ total: 2, limit: 1, offset: 0 });
    expect(list.body.runs).toHaveLength(1);
  });

  it("runs a paused task on demand", async () => {
    const { key } = await tenant();
    const t = await createTask(key, { enabled: false });
    expect((await post(key, `/v1/tasks/${t.id}/run`)).status).toBe(202);
  });
});

describe("backfill", () => {
  it("queues one run per past occurrence in the window, and none twice", async () => {
    const { key } = await tenant();
    const t = await createTask(key, { schedule: { kind: "cron", expression: "0 * * * *", timezone: "UTC" } });
    const end = new Date(Math.floor(Date.now() / 3600_000) * 3600_000);
    const start = new Date(end.getTime() - 5 * 3600_000);
    const r = await post(key, `/v1/tasks/${t.id}/backfill`, { start: start.toISOString(), end: end.toISOString() });
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ occurrences: 5, created: 5 });
    expect(r.body.runs.map((x: { scheduled_for: string }) => x.scheduled_for)).toContain(start.toISOString());
    expect(r.body.runs.every((x: { trigger: string }) => x.trigger === "backfill")).toBe(true);
    const again = await post(key, `/v1/tasks/${t.id}/backfill`, { start: start.toISOString(), end: end.toISOString() });
    expect(again.body).toMatchObject({ occurrences: 5, created: 0 });
  });

  it("refuses windows over 1000 occurrences, in the future, or reversed", async () => {
    const { key } = await tenant();
    const t = await createTask(key, { schedule: { kind: "cron", expression: "* * * * *", timezone: "UTC" } });
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    const big = await post(key, `/v1/tasks/${t.id}/backfill`, { start: iso(now - 2 * 86_400_000), end: iso(now - 60_000) });
    expect(big.status).toBe(400);
    expect(big.body.error.code).toBe("too_many_occurrences");
    expect((await post(key, `/v1/tasks/${t.id}/backfill`, { start: iso(now - 60_000), end: iso(now + 3600_000) })).status).toBe(400);
    expect((await post(key, `/v1/tasks/${t.id}/backfill`, { start: iso(now - 60_000), end: iso(now - 120_000) })).status).toBe(400);
    const total = (await call("GET", `/v1/tasks/${t.id}/runs`, { token: key })).body.total;
    expect(total).toBe(0);
  });
});

describe("events", () => {
  it("queues a run of every active task waiting for the event, in the caller's organization only", async () => {
    const a = await tenant();
    const b = await tenant();
    const ev = { kind: "event", event: "deploy.finished" };
    const t1 = await createTask(a.key, { schedule: ev });
    const t2 = await createTask(a.key, { schedule: ev });
    await createTask(a.key, { schedule: ev, enabled: false });
    await createTask(a.key, { schedule: { kind: "event", event: "other" } });
    const foreign = await createTask(b.key, { schedule: ev });
    expect(t1.next_run_at).toBeNull();
    const r = await post(a.key, "/v1/events", { name: "deploy.finished", payload: { sha: "abc" } });
    expect(r.status).toBe(202);
    expect(r.body.run_ids).toHaveLength(2);
    const run = await call("GET", `/v1/runs/${r.body.run_ids[0]}`, { token: a.key });
    expect(run.body).toMatchObject({ trigger: "event", input: { event: "deploy.finished", payload: { sha: "abc" } } });
    expect([t1.id, t2.id]).toContain(run.body.task_id);
    expect((await call("GET", `/v1/tasks/${foreign.id}/runs`, { token: b.key })).body.total).toBe(0);
  });
});
