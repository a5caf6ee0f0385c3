import { describe, expect, it } from "vitest";
import { ScheduleError, nextOccurrences, nextRunAt, validateSchedule } from "../../src/domain/schedule";
import type { Schedule } from "../../src/domain/schedule";
import { instants, ms, plain } from "./helpers";

const NOW = ms("2026-03-01T12:34:56Z");

function refusal(s: unknown, now = NOW): ScheduleError {
  try {
    validateSchedule(s as Schedule, now);
  } catch (e) {
    if (e instanceof ScheduleError) return e;
    throw e;
  }
  throw new Error(`${JSON.stringify(s)} was accepted`);
}

describe("validateSchedule", () => {
  it("normalizes cron: trims, fills the default DST policy, keeps a given one", () => {
    expect(validateSchedule({ kind: "cron", expression: " 0 9 * * MON-FRI ", timezone: "America/New_York" }, NOW)).toEqual({
      kind: "cron",
      expression: "0 9 * * MON-FRI",
      timezone: "America/New_York",
      dst: { gap: "shift", repeat: "auto" },
    });
    const s = { kind: "cron", expression: "0 9 * * *", timezone: "UTC", dst: { gap: "skip", repeat: "both" } } as const;
    expect(validateSchedule(s, NOW)).toEqual(s);
  });

  it("reports cron, timezone and DST problems on their fields", () => {
    expect(refusal({ kind: "cron", expression: "0 25 * * *", timezone: "UTC" })).toMatchObject({
      code: "invalid_cron",
      field: "schedule.expression",
      message: 'hour field "25" is out of range 0-23',
    });
    expect(refusal({ kind: "cron", expression: "0 9 * * *", timezone: "EST" })).toMatchObject({
      code: "invalid_timezone",
      field: "schedule.timezone",
    });
    expect(refusal({ kind: "cron", expression: "0 9 * * *", timezone: "UTC", dst: { gap: "later", repeat: "auto" } })).toMatchObject({
      code: "invalid_schedule",
      field: "schedule.dst.gap",
    });
    expect(refusal({ kind: "cron", expression: "0 0 30 2 *", timezone: "UTC" }).message).toContain("never fires");
  });

  it("gives an rrule without dtstart the current local minute and normalizes the rule", () => {
    expect(validateSchedule({ kind: "rrule", rule: "RRULE:freq=daily;byhour=9", timezone: "America/New_York" }, NOW)).toEqual({
      kind: "rrule",
      rule: "FREQ=DAILY;BYHOUR=9",
      timezone: "America/New_York",
      dtstart: "2026-03-01T07:34:00",
      dst: { gap: "shift", repeat: "auto" },
    });
  });

  it("refuses rrules with no future occurrence", () => {
    expect(refusal({ kind: "rrule", rule: "FREQ=DAILY;COUNT=2", timezone: "UTC", dtstart: "2020-01-01T09:00" })).toMatchObject({
      code: "invalid_schedule",
      field: "schedule.rule",
    });
    expect(refusal({ kind: "rrule", rule: "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", timezone: "UTC" }).field).toBe("schedule.rule");
    expect(refusal({ kind: "rrule", rule: "FREQ=SECONDLY", timezone: "UTC" }).code).toBe("invalid_rrule");
  });

  it("accepts a future once.at with Z or an offset, refuses others", () => {
    for (const at of ["2026-12-01T09:00:00Z", "2026-12-01T09:00:00+02:00", "2026-12-01T09:00:00.250-05:00", "2026-12-01T09:00Z"]) {
      expect(validateSchedule({ kind: "once", at }, NOW)).toEqual({ kind: "once", at });
    }
    expect(refusal({ kind: "once", at: "2026-12-01T09:00:00" })).toMatchObject({
      field: "schedule.at",
      message: 'at "2026-12-01T09:00:00" has no offset; add Z (UTC) or an offset such as +02:00',
    });
    expect(refusal({ kind: "once", at: "2026-01-01T09:00:00Z" }).message).toContain("it must be in the future");
    expect(refusal({ kind: "once", at: "2026-03-01T12:34:56Z" }).message).toContain("it must be in the future");
    expect(refusal({ kind: "once", at: "2026-02-30T09:00:00Z" }).message).toContain("does not exist");
    expect(refusal({ kind: "once", at: "next tuesday" }).message).toContain("is not an ISO-8601 date-time");
  });

  it("bounds delayed.delay_seconds to 1..31536000 whole seconds", () => {
    expect(validateSchedule({ kind: "delayed", delay_seconds: 1 }, NOW)).toEqual({ kind: "delayed", delay_seconds: 1 });
    expect(validateSchedule({ kind: "delayed", delay_seconds: 31_536_000 }, NOW)).toEqual({ kind: "delayed", delay_seconds: 31_536_000 });
    for (const d of [0, -5, 1.5, 31_536_001, "60"]) {
      expect(refusal({ kind: "delayed", delay_seconds: d })).toMatchObject({ code: "invalid_schedule", field: "schedule.delay_seconds" });
    }
  });

  it("checks event names", () => {
    expect(validateSchedule({ kind: "event", event: "order.created:v2_x-y" }, NOW)).toEqual({
      kind: "event",
      event: "order.created:v2_x-y",
    });
    expect(validateSchedule({ kind: "event", event: "e".repeat(200) }, NOW)).toEqual({ kind: "event", event: "e".repeat(200) });
    for (const event of ["", "has space", "e".repeat(201), "slash/no"]) {
      expect(refusal({ kind: "event", event })).toMatchObject({ code: "invalid_schedule", field: "schedule.event" });
    }
  });

  it("refuses an unknown kind", () => {
    expect(refusal({ kind: "weekly" })).toMatchObject({ code: "invalid_schedule", field: "schedule.kind" });
  });
});

describe("nextOccurrences and nextRunAt for one-shot kinds", () => {
  it("once fires at its instant, strictly after `after`", () => {
    const s: Schedule = { kind: "once", at: "2026-12-01T09:00:00+02:00" };
    expect(plain(nextOccurrences(s, NOW, 5, NOW))).toEqual([{ at: "2026-12-01T07:00:00Z", local: "2026-12-01T09:00:00+02:00" }]);
    expect(nextOccurrences(s, ms("2026-12-01T07:00:00Z"), 5, NOW)).toEqual([]);
    expect(nextRunAt(s, NOW, NOW)).toBe(ms("2026-12-01T07:00:00Z"));
  });

  it("delayed fires once, delay_seconds after the anchor", () => {
    const s: Schedule = { kind: "delayed", delay_seconds: 90 };
    expect(instants(nextOccurrences(s, NOW, 3, NOW))).toEqual(["2026-03-01T12:36:26Z"]);
    expect(nextRunAt(s, NOW + 89_999, NOW)).toBe(NOW + 90_000);
    expect(nextRunAt(s, NOW + 90_000, NOW)).toBeNull();
  });

  it("event never fires on its own", () => {
    expect(nextOccurrences({ kind: "event", event: "deploy" }, NOW, 5, NOW)).toEqual([]);
    expect(nextRunAt({ kind: "event", event: "deploy" }, NOW, NOW)).toBeNull();
  });
});

describe("nextOccurrences: counting and bounds", () => {
  const skip: Schedule = { kind: "cron", expression: "30 2 * * *", timezone: "America/New_York", dst: { gap: "skip", repeat: "auto" } };

  it("includes skipped entries without counting them; nextRunAt passes over them", () => {
    const occ = nextOccurrences(skip, ms("2026-03-07T12:00:00Z"), 2, 0);
    expect(occ.map((o) => o.skipped === true)).toEqual([true, false, false]);
    expect(instants(occ)).toEqual(["2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z", "2026-03-10T06:30:00Z"]);
    expect(nextRunAt(skip, ms("2026-03-07T12:00:00Z"), 0)).toBe(ms("2026-03-09T06:30:00Z"));
  });

  it("returns [] for a count below 1 and throws on an invalid schedule", () => {
    const s: Schedule = { kind: "cron", expression: "* * * * *", timezone: "UTC" };
    expect(nextOccurrences(s, NOW, 0, NOW)).toEqual([]);
    expect(nextOccurrences(s, NOW, -3, NOW)).toEqual([]);
    expect(nextOccurrences(s, NOW, Number.NaN, NOW)).toEqual([]);
    expect(() => nextOccurrences({ kind: "cron", expression: "* * *", timezone: "UTC" }, NOW, 1, NOW)).toThrow(ScheduleError);
    expect(() => nextOccurrences({ kind: "once", at: "soon" }, NOW, 1, NOW)).toThrow(ScheduleError);
  });

  it("terminates on large requests", () => {
    const s: Schedule = { kind: "cron", expression: "* * * * *", timezone: "Europe/London" };
    const occ = nextOccurrences(s, NOW, 1001, NOW);
    expect(occ).toHaveLength(1001);
    expect(occ.every((o, i) => i === 0 || o.at - (occ[i - 1]?.at ?? 0) === 60_000)).toBe(true);
    const hourly: Schedule = { kind: "rrule", rule: "FREQ=HOURLY", timezone: "Australia/Lord_Howe", dtstart: "2020-01-01T00:00" };
    expect(nextOccurrences(hourly, NOW, 1000, NOW)).toHaveLength(1000);
  });
});
