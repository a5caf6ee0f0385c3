import { describe, expect, it } from "vitest";
import { call, createTask, tenant } from "../helpers/api";

const preview = async (key: string, body: unknown) => call("POST", "/v1/schedules/preview", { token: key, body });

describe("each schedule kind through the API", () => {
  it("cron in a time zone", async () => {
    const { key } = await tenant();
    const t = await createTask(key, { schedule: { kind: "cron", expression: "30 9 * * MON-FRI", timezone: "Europe/London" } });
    const next = new Date(t.next_run_at);
    expect([0, 6]).not.toContain(next.getUTCDay());
    expect(next.getUTCMinutes()).toBe(30);
    expect([8, 9]).toContain(next.getUTCHours());
  });

  it("rrule with TZID semantics from timezone", async () => {
    const { key } = await tenant();
    const t = await createTask(key, {
      schedule: { kind: "rrule", rule: "FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=9;BYMINUTE=0", timezone: "America/New_York" },
    });
    const next = new Date(t.next_run_at);
    expect([1, 3]).toContain(next.getUTCDay());
    expect([13, 14]).toContain(next.getUTCHours());
    expect(t.schedule.dtstart).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
  });

  it("once at an instant", async () => {
    const { key } = await tenant();
    const at = new Date(Date.now() + 3 * 3600_000);
    at.setUTCMilliseconds(0);
    const t = await createTask(key, { schedule: { kind: "once", at: at.toISOString() } });
    expect(t.next_run_at).toBe(at.toISOString());
  });

  it("delayed from creation", async () => {
    const { key } = await tenant();
    const before = Date.now();
    const t = await createTask(key, { schedule: { kind: "delayed", delay_seconds: 3600 } });
    const next = Date.parse(t.next_run_at);
    expect(next).toBeGreaterThanOrEqual(before + 3600_000);
    expect(next).toBeLessThanOrEqual(Date.now() + 3600_000);
  });

  it("event: no next run", async () => {
    const { key } = await tenant();
    const t = await createTask(key, { schedule: { kind: "event", event: "invoice.paid" } });
    expect(t.next_run_at).toBeNull();
  });
});

describe("POST /v1/schedules/preview", () => {
  it("lists the next N fire times strictly after `after`, in UTC and local time", async () => {
    const { key } = await tenant();
    const r = await preview(key, {
      schedule: { kind: "cron", expression: "0 9 * * *", timezone: "America/New_York" },
      count: 3,
      after: "2026-01-10T14:00:00Z",
    });
    expect(r.status).toBe(200);
    expect(r.body.occurrences).toEqual([
      { at: "2026-01-11T14:00:00.000Z", local: "2026-01-11T09:00:00-05:00" },
      { at: "2026-01-12T14:00:00.000Z", local: "2026-01-12T09:00:00-05:00" },
      { at: "2026-01-13T14:00:00.000Z", local: "2026-01-13T09:00:00-05:00" },
    ]);
  });

  it("defaults to 5 occurrences and refuses more than 100", async () => {
    const { key } = await tenant();
    const r = await preview(key, { schedule: { kind: "cron", expression: "* * * * *", timezone: "UTC" } });
    expect(r.body.occurrences).toHaveLength(5);
    expect((await preview(key, { schedule: { kind: "cron", expression: "* * * * *", timezone: "UTC" }, count: 101 })).status).toBe(400);
  });

  it("marks a spring-forward shift with a note", async () => {
    const { key } = await tenant();
    const r = await preview(key, {
      schedule: { kind: "cron", expression: "30 2 * * *", timezone: "America/New_York" },
      count: 2,
      after: "2026-03-07T12:00:00Z",
    });
    expect(r.body.occurrences[0]).toMatchObject({ at: "2026-03-08T07:00:00.000Z", local: "2026-03-08T03:00:00-04:00" });
    expect(r.body.occurrences[0].note).toMatch(/DST/);
    expect(r.body.occurrences[1]).toEqual({ at: "2026-03-09T06:30:00.000Z", local: "2026-03-09T02:30:00-04:00" });
  });

  it("marks a skipped occurrence under dst.gap = skip", async () => {
    const { key } = await tenant();
    const r = await preview(key, {
      schedule: { kind: "cron", expression: "30 2 * * *", timezone: "America/New_York", dst: { gap: "skip", repeat: "auto" } },
      count: 1,
      after: "2026-03-07T12:00:00Z",
    });
    const fired = r.body.occurrences.filter((o: { skipped?: boolean }) => !o.skipped);
    const skipped = r.body.occurrences.filter((o: { skipped?: boolean }) => o.skipped);
    expect(skipped).toHaveLength(1);
    expect(skipped[0].note).toMatch(/DST/);
    expect(fired).toEqual([{ at: "2026-03-09T06:30:00.000Z", local: "2026-03-09T02:30:00-04:00" }]);
  });

  it("refuses an `after` that is not a real ISO instant (impossible date, 6-digit year, no offset)", async () => {
    const { key } = await tenant();
    const schedule = { kind: "cron", expression: "0 9 * * *", timezone: "UTC" };
    for (const after of ["2026-02-30T00:00:00Z", "-271821-04-20T00:00:00.024Z", "2026-03-01T00:00:00"]) {
      const r = await preview(key, { schedule, after });
      expect(r.status, after).toBe(400);
      expect(r.body.error.details[0].path).toBe("after");
    }
  });

  it("answers the exact validation error", async () => {
    const { key } = await tenant();
    const r = await preview(key, { schedule: { kind: "cron", expression: "0 25 * * *", timezone: "UTC" } });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("invalid_cron");
    expect(r.body.error.message).toMatch(/hour/);
    expect(r.body.error.details[0].path).toBe("schedule.expression");
  });
});
