import { describe, expect, it } from "vitest";
import { ScheduleError, nextOccurrences, validateRrule } from "../../src/domain/schedule";
import type { Schedule } from "../../src/domain/schedule";
import { instants, ms, plain } from "./helpers";

const rrule = (rule: string, timezone: string, dtstart?: string): Schedule =>
  dtstart === undefined ? { kind: "rrule", rule, timezone } : { kind: "rrule", rule, timezone, dtstart };
const next = (s: Schedule, after: string, count: number, anchor = 0): string[] => instants(nextOccurrences(s, ms(after), count, anchor));

function ruleError(rule: string, dtstart?: string): ScheduleError {
  try {
    validateRrule(rule, dtstart);
  } catch (e) {
    if (e instanceof ScheduleError) return e;
    throw e;
  }
  throw new Error(`"${rule}" was accepted`);
}

describe("validateRrule", () => {
  it("accepts RFC 5545 rules, with or without the RRULE: prefix, in any case", () => {
    const spec = validateRrule("RRULE:FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=9;BYMINUTE=0");
    expect(spec.rule).toBe("FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=9;BYMINUTE=0");
    expect(spec.byhour).toEqual([9]);
    expect(spec.interval).toBe(false);
    expect(validateRrule("freq=monthly;byday=-1fr").byday).toEqual([{ weekday: 4, n: -1 }]);
    expect(validateRrule("FREQ=HOURLY;INTERVAL=2").interval).toBe(true);
  });

  it("refuses missing FREQ, SECONDLY, unknown parts and bad values", () => {
    expect(ruleError("BYDAY=MO").message).toContain("FREQ is required");
    expect(ruleError("FREQ=SECONDLY").message).toBe(
      "FREQ=SECONDLY is not supported: the minimum interval is one minute; use FREQ=MINUTELY",
    );
    expect(ruleError("FREQ=DAILY;FOO=1").message).toContain('unknown RRULE part "FOO=1"; allowed parts are FREQ, INTERVAL');
    expect(ruleError("FREQ=DAILY;BYEASTER=0").message).toContain("unknown RRULE part");
    expect(ruleError("FREQ=DAILY;BYSECOND=0").message).toContain("BYSECOND is not supported");
    expect(ruleError("FREQ=DAILY;BYHOUR=24").message).toBe('BYHOUR value "24" is out of range 0-23');
    expect(ruleError("FREQ=DAILY;INTERVAL=0").message).toContain("INTERVAL=0 is out of range");
    expect(ruleError("FREQ=DAILY;COUNT=3;UNTIL=20260101").message).toContain("COUNT and UNTIL cannot both be given");
    expect(ruleError("FREQ=WEEKLY;BYDAY=1MO").message).toContain("numbered BYDAY values");
    expect(ruleError("FREQ=DAILY;UNTIL=2026").message).toContain("UNTIL=2026 is not a date-time");
    expect(ruleError("DTSTART:20260101T000000\nRRULE:FREQ=DAILY").message).toContain("schedule.dtstart");
    expect(ruleError("FREQ=YEARLY;INTERVAL=10001").message).toBe("INTERVAL=10001 is out of range 1-10000 for FREQ=YEARLY");
    expect(ruleError("FREQ=HOURLY;BYMINUTE=0,30;BYSETPOS=3", "2026-01-01T00:00").message).toContain("BYSETPOS=3 picks no time");
    expect(ruleError("FREQ=DAILY;BYSETPOS=1").message).toContain("BYSETPOS needs another BY part");
    expect(ruleError("FREQ=SECONDLY")).toMatchObject({ code: "invalid_rrule", field: "schedule.rule" });
  });

  it("refuses a rule whose INTERVAL can never reach its BYHOUR from dtstart", () => {
    expect(ruleError("FREQ=HOURLY;INTERVAL=2;BYHOUR=9", "2026-01-01T00:00").message).toContain("rule never fires");
    expect(() => validateRrule("FREQ=HOURLY;INTERVAL=2;BYHOUR=9", "2026-01-01T01:00")).not.toThrow();
  });

  it("checks dtstart is a local date-time without offset", () => {
    expect(ruleError("FREQ=DAILY", "2026-03-01T09:00:00Z")).toMatchObject({ code: "invalid_schedule", field: "schedule.dtstart" });
    expect(ruleError("FREQ=DAILY", "2026-03-01T09:00:00Z").message).toContain("has an offset; remove it");
    expect(ruleError("FREQ=DAILY", "2026-02-30T09:00").field).toBe("schedule.dtstart");
    expect(() => validateRrule("FREQ=DAILY", "2026-03-01T09:00")).not.toThrow();
    expect(() => validateRrule("FREQ=DAILY", "2026-03-01T09:00:30")).not.toThrow();
  });
});

describe("rrule occurrences", () => {
  it("keeps 09:00 local in Europe/London across the March transition", () => {
    const s = rrule("FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=9;BYMINUTE=0", "Europe/London", "2026-03-16T00:00");
    expect(plain(nextOccurrences(s, ms("2026-03-20T12:00:00Z"), 4, 0))).toEqual([
      { at: "2026-03-23T09:00:00Z", local: "2026-03-23T09:00:00+00:00" },
      { at: "2026-03-25T09:00:00Z", local: "2026-03-25T09:00:00+00:00" },
      { at: "2026-03-30T08:00:00Z", local: "2026-03-30T09:00:00+01:00" },
      { at: "2026-04-01T08:00:00Z", local: "2026-04-01T09:00:00+01:00" },
    ]);
  });

  it("ends after COUNT", () => {
    const s = rrule("FREQ=DAILY;COUNT=3", "UTC", "2026-05-01T09:00");
    expect(next(s, "2026-04-01T00:00:00Z", 10)).toEqual(["2026-05-01T09:00:00Z", "2026-05-02T09:00:00Z", "2026-05-03T09:00:00Z"]);
    expect(next(s, "2026-05-02T09:00:00Z", 10)).toEqual(["2026-05-03T09:00:00Z"]);
    expect(next(s, "2026-05-03T09:00:00Z", 10)).toEqual([]);
  });

  it("ends at UNTIL: local, UTC (Z) and date-only (the start of that day)", () => {
    const three = ["2026-05-01T13:00:00Z", "2026-05-02T13:00:00Z", "2026-05-03T13:00:00Z"];
    const ny = (rule: string): Schedule => rrule(rule, "America/New_York", "2026-05-01T09:00");
    expect(next(ny("FREQ=DAILY;UNTIL=20260503T090000"), "2026-04-01T00:00:00Z", 10)).toEqual(three);
    expect(next(ny("FREQ=DAILY;UNTIL=20260503T130000Z"), "2026-04-01T00:00:00Z", 10)).toEqual(three);
    expect(next(ny("FREQ=DAILY;UNTIL=20260503"), "2026-04-01T00:00:00Z", 10)).toEqual(three.slice(0, 2));
  });

  it("returns [] quickly for rules that never match", () => {
    for (const rule of [
      "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
      "FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31",
      "FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30",
    ]) {
      expect(next(rrule(rule, "UTC", "2026-01-01T00:00"), "2026-01-01T00:00:00Z", 3)).toEqual([]);
    }
    expect(next(rrule("FREQ=HOURLY;INTERVAL=2;BYHOUR=9", "UTC", "2026-01-01T00:00"), "2026-01-01T00:00:00Z", 3)).toEqual([]);
    expect(next(rrule("FREQ=DAILY;BYHOUR=9;BYSETPOS=2", "UTC", "2026-01-01T00:00"), "2026-01-01T00:00:00Z", 3)).toEqual([]);
    expect(next(rrule("FREQ=MINUTELY;COUNT=10000", "UTC", "2020-01-01T00:00"), "2026-01-01T00:00:00Z", 3)).toEqual([]);
  });

  it("runs MINUTELY with BYHOUR and a day filter (which the library alone would loop on)", () => {
    const s = rrule("FREQ=MINUTELY;INTERVAL=15;BYHOUR=9;BYDAY=MO", "UTC", "2026-01-01T00:00");
    expect(next(s, "2026-01-01T00:00:00Z", 5)).toEqual([
      "2026-01-05T09:00:00Z",
      "2026-01-05T09:15:00Z",
      "2026-01-05T09:30:00Z",
      "2026-01-05T09:45:00Z",
      "2026-01-12T09:00:00Z",
    ]);
  });

  it("keeps INTERVAL alignment from an old dtstart", () => {
    expect(next(rrule("FREQ=MINUTELY;INTERVAL=5", "UTC", "2016-01-01T00:02"), "2026-03-07T12:00:00Z", 3)).toEqual([
      "2026-03-07T12:02:00Z",
      "2026-03-07T12:07:00Z",
      "2026-03-07T12:12:00Z",
    ]);
    expect(next(rrule("FREQ=DAILY;INTERVAL=3", "UTC", "2026-01-01T09:00"), "2026-03-01T00:00:00Z", 3)).toEqual([
      "2026-03-02T09:00:00Z",
      "2026-03-05T09:00:00Z",
      "2026-03-08T09:00:00Z",
    ]);
    expect(next(rrule("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", "UTC", "2026-01-06T10:00"), "2026-06-01T00:00:00Z", 3)).toEqual([
      "2026-06-09T10:00:00Z",
      "2026-06-23T10:00:00Z",
      "2026-07-07T10:00:00Z",
    ]);
  });

  it("supports BYSETPOS (last Friday of the month)", () => {
    const s = rrule("FREQ=MONTHLY;BYDAY=FR;BYSETPOS=-1;BYHOUR=17;BYMINUTE=0", "UTC", "2026-04-01T00:00");
    expect(next(s, "2026-04-01T00:00:00Z", 3)).toEqual(["2026-04-24T17:00:00Z", "2026-05-29T17:00:00Z", "2026-06-26T17:00:00Z"]);
  });

  it("starts at the anchor (floored to the minute) when dtstart is absent", () => {
    const anchor = ms("2026-05-01T10:20:30Z");
    expect(next(rrule("FREQ=HOURLY", "UTC"), "2026-05-01T10:20:30Z", 2, anchor)).toEqual(["2026-05-01T11:20:00Z", "2026-05-01T12:20:00Z"]);
  });

  it("applies the DST policy like cron: gap shift, fixed first pass, HOURLY both passes", () => {
    const ny = (rule: string): Schedule => rrule(rule, "America/New_York", "2026-03-01T00:00");
    expect(plain(nextOccurrences(ny("FREQ=DAILY;BYHOUR=2;BYMINUTE=30"), ms("2026-03-07T12:00:00Z"), 2, 0))).toEqual([
      {
        at: "2026-03-08T07:00:00Z",
        local: "2026-03-08T03:00:00-04:00",
        note: "02:30 does not exist on 2026-03-08 (DST gap); shifted to 03:00",
      },
      { at: "2026-03-09T06:30:00Z", local: "2026-03-09T02:30:00-04:00" },
    ]);
    expect(next(ny("FREQ=DAILY;BYHOUR=1;BYMINUTE=30"), "2026-10-31T12:00:00Z", 2)).toEqual([
      "2026-11-01T05:30:00Z",
      "2026-11-02T06:30:00Z",
    ]);
    const hourly = nextOccurrences(ny("FREQ=HOURLY;BYMINUTE=30"), ms("2026-11-01T04:00:00Z"), 4, 0);
    expect(plain(hourly)).toEqual([
      { at: "2026-11-01T04:30:00Z", local: "2026-11-01T00:30:00-04:00" },
      {
        at: "2026-11-01T05:30:00Z",
        local: "2026-11-01T01:30:00-04:00",
        note: "01:30 occurs twice on 2026-11-01 (DST fall back); first pass",
      },
      {
        at: "2026-11-01T06:30:00Z",
        local: "2026-11-01T01:30:00-05:00",
        note: "01:30 occurs twice on 2026-11-01 (DST fall back); second pass",
      },
      { at: "2026-11-01T07:30:00Z", local: "2026-11-01T02:30:00-05:00" },
    ]);
  });
});
