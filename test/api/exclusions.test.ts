import { afterEach, describe, expect, it, vi } from "vitest";
import { call, createTask, tenant } from "../helpers/api";
import { captureQueue, deliver, runsOf, target, tickAt } from "../helpers/engine";

// Issue 10, item 6: "every weekday at 09:00 except public holidays", through the HTTP API,
// the tick and 002's RFC 5545 text.

afterEach(() => vi.restoreAllMocks());
const DAY = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describe("/v1 schedule.except and schedule.also", () => {
  it("the preview marks an excluded occurrence skipped with note 'excluded'", async () => {
    const { key } = await tenant();
    const r = await call("POST", "/v1/schedules/preview", {
      token: key,
      body: {
        schedule: { kind: "cron", expression: "0 9 * * 1-5", timezone: "America/New_York", except: ["2026-12-25"] },
        count: 2,
        after: "2026-12-24T15:00:00Z",
      },
    });
    expect(r.status).toBe(200);
    expect(r.body.occurrences).toEqual([
      { at: "2026-12-25T14:00:00.000Z", local: "2026-12-25T09:00:00-05:00", note: "excluded", skipped: true },
      { at: "2026-12-28T14:00:00.000Z", local: "2026-12-28T09:00:00-05:00" },
      { at: "2026-12-29T14:00:00.000Z", local: "2026-12-29T09:00:00-05:00" },
    ]);
  });

  it("a task keeps except/also; next_run_at passes over an excluded day; bad entries are a 400 naming the entry", async () => {
    const { key } = await tenant();
    const probe = await createTask(key, { schedule: { kind: "cron", expression: "0 9 * * *", timezone: "UTC" } });
    const first = Date.parse(probe.next_run_at);
    const t = await createTask(key, { schedule: { kind: "cron", expression: "0 9 * * *", timezone: "UTC", except: [day(first)] } });
    expect(t.schedule.except).toEqual([day(first)]);
    expect(t.next_run_at).toBe(new Date(first + DAY).toISOString());
    const rr = await createTask(key, {
      schedule: {
        kind: "rrule",
        rule: "FREQ=DAILY;BYHOUR=9;BYMINUTE=0",
        timezone: "UTC",
        except: [day(first)],
        also: [`${day(first + DAY)}T07:15`],
      },
    });
    expect(rr.schedule).toMatchObject({ except: [day(first)], also: [`${day(first + DAY)}T07:15`] });
    // The excluded day is passed over; the extra time comes before that next day's 09:00.
    expect(rr.next_run_at).toBe(new Date(first + DAY - 105 * 60_000).toISOString());

    const bad = await call("POST", "/v1/tasks", {
      token: key,
      body: {
        name: "holidays",
        type: "http",
        parameters: { url: "https://example.com/" },
        schedule: { kind: "cron", expression: "0 9 * * *", timezone: "UTC", except: ["2026-12-25", "25/12/2026"] },
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: "invalid_schedule", details: [{ path: "schedule.except[1]" }] });
    const cronAlso = await call("POST", "/v1/tasks", {
      token: key,
      body: {
        name: "holidays",
        type: "http",
        parameters: { url: "https://example.com/" },
        schedule: { kind: "cron", expression: "0 9 * * *", timezone: "UTC", also: ["2026-12-25T09:00"] },
      },
    });
    expect(cronAlso.status).toBe(400);
    expect(JSON.stringify(cronAlso.body.error)).toContain("also");
    expect((await call("GET", "/v1/tasks?q=holidays", { token: key })).body.total).toBe(0);
  });

  it("the tick records an excluded occurrence as skipped (reason excluded) when its time comes, not before, and runs the rest", async () => {
    const { key } = await tenant();
    const q = captureQueue();
    target();
    const probe = await createTask(key, { schedule: { kind: "cron", expression: "0 9 * * *", timezone: "UTC" } });
    const d1 = Date.parse(probe.next_run_at);
    const t = await createTask(key, {
      schedule: { kind: "cron", expression: "0 9 * * *", timezone: "UTC", except: [day(d1 + DAY)] },
      parameters: { url: "https://sink.example.com/x" },
    });
    expect(Date.parse(t.next_run_at)).toBe(d1);

    await tickAt(d1 - 20_000);
    await deliver(...q.take(t.id).map((m) => m.body));
    let runs = await runsOf(t.id);
    expect(runs.map((r) => [r.scheduled_for, r.status])).toEqual([[d1, "succeeded"]]);
    expect((await call("GET", `/v1/tasks/${t.id}`, { token: key })).body.next_run_at).toBe(new Date(d1 + 2 * DAY).toISOString());

    // The excluded day's minute: recorded now, and nothing is queued for it.
    await tickAt(d1 + DAY - 20_000);
    expect(q.forTask(t.id)).toHaveLength(0);
    runs = await runsOf(t.id);
    expect(runs.map((r) => [r.scheduled_for, r.status, r.reason])).toEqual([
      [d1, "succeeded", null],
      [d1 + DAY, "skipped", "excluded"],
    ]);
    // A second tick for that minute records nothing twice.
    await tickAt(d1 + DAY - 5_000);
    expect(await runsOf(t.id)).toHaveLength(2);

    await tickAt(d1 + 2 * DAY - 20_000);
    await deliver(...q.take(t.id).map((m) => m.body));
    runs = await runsOf(t.id);
    expect(runs.map((r) => [r.scheduled_for, r.status])).toEqual([
      [d1, "succeeded"],
      [d1 + DAY, "skipped"],
      [d1 + 2 * DAY, "succeeded"],
    ]);
    const listed = await call("GET", `/v1/tasks/${t.id}/runs?status=skipped`, { token: key });
    expect(listed.body.runs).toMatchObject([{ reason: "excluded", scheduled_for: new Date(d1 + DAY).toISOString() }]);
  });

  it("a paused task records no exclusions; resuming picks them up again", async () => {
    const { key } = await tenant();
    captureQueue();
    const probe = await createTask(key, { schedule: { kind: "cron", expression: "0 9 * * *", timezone: "UTC" } });
    const d1 = Date.parse(probe.next_run_at);
    const t = await createTask(key, { schedule: { kind: "cron", expression: "0 9 * * *", timezone: "UTC", except: [day(d1)] } });
    await call("POST", `/v1/tasks/${t.id}/pause`, { token: key });
    await tickAt(d1 - 20_000);
    expect(await runsOf(t.id)).toHaveLength(0);
    await call("POST", `/v1/tasks/${t.id}/resume`, { token: key });
    await tickAt(d1 - 20_000);
    expect((await runsOf(t.id)).map((r) => r.reason)).toEqual(["excluded"]);
  });
});

describe("002: EXDATE and RDATE lines in schedule_expr", () => {
  const AGENT = "0b9f6a8e-3c1d-4e2f-9a7b-5c6d7e8f9a01";
  const body = (expr: string) => ({
    title: `holidays-${crypto.randomUUID().slice(0, 6)}`,
    description: "weekday report",
    schedule_kind: "rrule",
    schedule_expr: expr,
    timezone: "America/New_York",
    payload: { steps: [] },
    created_by: AGENT,
  });

  it("are the core's except and also, and read back as RFC 5545 lines", async () => {
    const { key } = await tenant();
    const expr =
      "DTSTART;TZID=America/New_York:20261201T090000\nRRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=0\nEXDATE;VALUE=DATE:20261225,20270101\nEXDATE;TZID=America/New_York:20261224T090000\nRDATE:20261226T100000";
    const r = await call("POST", "/tasks", { token: key, body: body(expr) });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const v1 = (await call("GET", `/v1/tasks/${r.body.id}`, { token: key })).body;
    expect(v1.schedule).toMatchObject({
      kind: "rrule",
      dtstart: "2026-12-01T09:00:00",
      except: ["2026-12-25", "2027-01-01", "2026-12-24T09:00:00"],
      also: ["2026-12-26T10:00:00"],
    });
    const back = (await call("GET", `/tasks/${r.body.id}`, { token: key })).body;
    expect(back.schedule_expr).toBe(
      "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=0\nEXDATE;VALUE=DATE:20261225,20270101\nEXDATE:20261224T090000\nRDATE:20261226T100000",
    );
    // What it means, through the preview of the stored schedule.
    const p = await call("POST", "/v1/schedules/preview", {
      token: key,
      body: { schedule: v1.schedule, count: 3, after: "2026-12-23T15:00:00Z" },
    });
    expect(p.body.occurrences.map((o: { local: string; skipped?: boolean }) => [o.local, o.skipped ?? false])).toEqual([
      ["2026-12-24T09:00:00-05:00", true],
      ["2026-12-25T09:00:00-05:00", true],
      ["2026-12-26T10:00:00-05:00", false],
      ["2026-12-28T09:00:00-05:00", false],
      ["2026-12-29T09:00:00-05:00", false],
    ]);
  });

  it("refuses bad lines in 002's error shape, naming schedule_expr", async () => {
    const { key } = await tenant();
    for (const line of [
      "EXDATE:2026-12-25",
      "EXDATE;VALUE=DATE:20261225T090000",
      "RDATE;VALUE=DATE:20261226",
      "EXDATE;TZID=Europe/London:20261224T090000",
      "EXDATE:20261224T140000Z",
    ]) {
      const r = await call("POST", "/tasks", { token: key, body: body(`FREQ=DAILY;BYHOUR=9;BYMINUTE=0\n${line}`) });
      expect(r.status, line).toBe(400);
      expect(r.body.error).toMatchObject({ code: "invalid_schedule", details: [{ path: "schedule_expr" }] });
    }
    expect((await call("GET", "/tasks", { token: key })).body.total).toBe(0);
  });
});
