import { describe, expect, it } from "vitest";
import { ScheduleError, nextOccurrences, validateCron, validateRrule, validateSchedule } from "../../src/domain/schedule";
import type { DstPolicy, Schedule } from "../../src/domain/schedule";
import { instants, ms, plain } from "./helpers";

// Issue 10, items 4, 5 and 7. Expected instants were cross-checked with python-dateutil 2.9
// (rrulestr with the same naive dtstart; its wall times mapped to UTC by hand).

const NY = "America/New_York";
const rrule = (rule: string, dtstart: string, timezone = "UTC", dst?: DstPolicy): Schedule =>
  dst === undefined ? { kind: "rrule", rule, timezone, dtstart } : { kind: "rrule", rule, timezone, dtstart, dst };
const next = (s: Schedule, after: string, count: number): string[] => instants(nextOccurrences(s, ms(after), count, 0));
const NOW = ms("2026-11-23T12:00:00Z");

function refusal(run: () => unknown): ScheduleError {
  try {
    run();
  } catch (e) {
    if (e instanceof ScheduleError) return e;
    throw e;
  }
  throw new Error("accepted");
}

describe("item 4: UNTIL with Z is an instant", () => {
  it("HOURLY across the New York fall-back: 01:00's second pass (06:00Z) is after UNTIL=05:45Z and is dropped", () => {
    const s = rrule("FREQ=HOURLY;UNTIL=20261101T054500Z", "2026-10-31T22:00", NY);
    expect(plain(nextOccurrences(s, ms("2026-11-01T02:30:00Z"), 10, 0))).toEqual([
      { at: "2026-11-01T03:00:00Z", local: "2026-10-31T23:00:00-04:00" },
      { at: "2026-11-01T04:00:00Z", local: "2026-11-01T00:00:00-04:00" },
      {
        at: "2026-11-01T05:00:00Z",
        local: "2026-11-01T01:00:00-04:00",
        note: "01:00 occurs twice on 2026-11-01 (DST fall back); first pass",
      },
    ]);
  });

  it("a daily 01:50 keeps its 05:50Z run (first pass) before UNTIL=06:45Z, whose wall time is 01:45 of the second pass", () => {
    const s = rrule("FREQ=DAILY;BYHOUR=1;BYMINUTE=50;UNTIL=20261101T064500Z", "2026-10-30T00:00", NY);
    expect(next(s, "2026-10-30T00:00:00Z", 10)).toEqual(["2026-10-30T05:50:00Z", "2026-10-31T05:50:00Z", "2026-11-01T05:50:00Z"]);
    // Under repeat "both" each pass is compared on its own: 06:50Z is after UNTIL.
    const both = rrule("FREQ=DAILY;BYHOUR=1;BYMINUTE=50;UNTIL=20261101T064500Z", "2026-10-30T00:00", NY, { gap: "shift", repeat: "both" });
    expect(next(both, "2026-10-31T12:00:00Z", 10)).toEqual(["2026-11-01T05:50:00Z"]);
  });

  it("an instant exactly at UNTIL is included; the arithmetic MINUTELY walk obeys UNTIL too", () => {
    expect(next(rrule("FREQ=DAILY;UNTIL=20260503T130000Z", "2026-05-01T09:00", NY), "2026-05-01T00:00:00Z", 10)).toEqual([
      "2026-05-01T13:00:00Z",
      "2026-05-02T13:00:00Z",
      "2026-05-03T13:00:00Z",
    ]);
    const minutely = rrule("FREQ=MINUTELY;INTERVAL=20;BYHOUR=1;UNTIL=20261101T061500Z", "2026-10-31T00:00", NY);
    expect(next(minutely, "2026-11-01T00:00:00Z", 10)).toEqual([
      "2026-11-01T05:00:00Z",
      "2026-11-01T05:20:00Z",
      "2026-11-01T05:40:00Z",
      "2026-11-01T06:00:00Z",
    ]);
  });

  it("a local UNTIL stays a wall-time bound: both passes of 01:00 are at or before 01:30 local", () => {
    const s = rrule("FREQ=HOURLY;UNTIL=20261101T013000", "2026-10-31T22:00", NY);
    expect(next(s, "2026-11-01T03:30:00Z", 10)).toEqual(["2026-11-01T04:00:00Z", "2026-11-01T05:00:00Z", "2026-11-01T06:00:00Z"]);
  });

  it("a date-only UNTIL is the start of that day (00:00 local, inclusive), as dateutil and rrule.js read it", () => {
    expect(next(rrule("FREQ=DAILY;UNTIL=20260503", "2026-05-01T09:00", NY), "2026-04-01T00:00:00Z", 10)).toEqual([
      "2026-05-01T13:00:00Z",
      "2026-05-02T13:00:00Z",
    ]);
    expect(next(rrule("FREQ=DAILY;UNTIL=20260503", "2026-05-01T00:00", NY), "2026-04-01T00:00:00Z", 10)).toEqual([
      "2026-05-01T04:00:00Z",
      "2026-05-02T04:00:00Z",
      "2026-05-03T04:00:00Z",
    ]);
    expect(validateRrule("FREQ=DAILY;UNTIL=20260503").until).toEqual({ ms: ms("2026-05-03T00:00:00Z"), utc: false });
  });
});

describe("item 5: RRULE limits lifted", () => {
  it("INTERVAL may be large (bounded per frequency by 10,000 years a period, at most 1,000,000); the bound is named when refused", () => {
    expect(validateRrule("FREQ=MINUTELY;INTERVAL=1000000").step).toBe(1_000_000);
    expect(validateRrule("FREQ=YEARLY;INTERVAL=10000").step).toBe(10_000);
    expect(refusal(() => validateRrule("FREQ=YEARLY;INTERVAL=10001")).message).toBe(
      "INTERVAL=10001 is out of range 1-10000 for FREQ=YEARLY",
    );
    expect(refusal(() => validateRrule("FREQ=MONTHLY;INTERVAL=120001")).message).toBe(
      "INTERVAL=120001 is out of range 1-120000 for FREQ=MONTHLY",
    );
    expect(refusal(() => validateRrule("FREQ=WEEKLY;INTERVAL=520001")).message).toBe(
      "INTERVAL=520001 is out of range 1-520000 for FREQ=WEEKLY",
    );
    expect(refusal(() => validateRrule("FREQ=DAILY;INTERVAL=99999999999")).message).toBe(
      "INTERVAL=99999999999 is out of range 1-1000000 for FREQ=DAILY",
    );
  });

  it("a large INTERVAL is arithmetic, whatever the frequency", () => {
    expect(next(rrule("FREQ=DAILY;INTERVAL=5000", "2020-01-01T09:00"), "2026-11-23T00:00:00Z", 2)).toEqual([
      "2033-09-09T09:00:00Z",
      "2047-05-19T09:00:00Z",
    ]);
    expect(next(rrule("FREQ=HOURLY;INTERVAL=1000", "2026-01-01T00:00"), "2026-01-01T00:00:00Z", 2)).toEqual([
      "2026-02-11T16:00:00Z",
      "2026-03-25T08:00:00Z",
    ]);
    expect(next(rrule("FREQ=MINUTELY;INTERVAL=1000000", "2026-01-01T00:00"), "2026-01-01T00:00:00Z", 2)).toEqual([
      "2027-11-26T10:40:00Z",
      "2029-10-20T21:20:00Z",
    ]);
  });

  it("YEARLY;INTERVAL=100;COUNT=3 keeps all three occurrences (the horizon is at least 10 periods)", () => {
    expect(next(rrule("FREQ=YEARLY;INTERVAL=100;COUNT=3", "2027-01-01T09:00"), "2026-11-23T00:00:00Z", 10)).toEqual([
      "2027-01-01T09:00:00Z",
      "2127-01-01T09:00:00Z",
      "2227-01-01T09:00:00Z",
    ]);
    // Sparse within its periods: 29 February every 100 years fires in 2000, 2400, 2800.
    expect(next(rrule("FREQ=YEARLY;INTERVAL=100;BYMONTH=2;BYMONTHDAY=29", "2000-01-01T09:00"), "2026-11-23T00:00:00Z", 2)).toEqual([
      "2400-02-29T09:00:00Z",
      "2800-02-29T09:00:00Z",
    ]);
  });

  it("MONTHLY and YEARLY move forward by whole periods from an old dtstart, keeping the 31st, 29 February and the BY parts", () => {
    const after = "2026-11-23T00:00:00Z";
    expect(next(rrule("FREQ=MONTHLY;BYMONTHDAY=31", "0100-01-31T09:00"), after, 3)).toEqual([
      "2026-12-31T09:00:00Z",
      "2027-01-31T09:00:00Z",
      "2027-03-31T09:00:00Z",
    ]);
    expect(next(rrule("FREQ=MONTHLY;INTERVAL=5", "1900-01-31T09:00"), after, 4)).toEqual([
      "2027-07-31T09:00:00Z",
      "2027-12-31T09:00:00Z",
      "2028-05-31T09:00:00Z",
      "2028-10-31T09:00:00Z",
    ]);
    expect(next(rrule("FREQ=MONTHLY;INTERVAL=7;BYDAY=-1FR;BYHOUR=17;BYMINUTE=0", "1200-03-01T00:00"), after, 3)).toEqual([
      "2027-05-28T17:00:00Z",
      "2027-12-31T17:00:00Z",
      "2028-07-28T17:00:00Z",
    ]);
    expect(next(rrule("FREQ=YEARLY", "1904-02-29T09:00"), after, 2)).toEqual(["2028-02-29T09:00:00Z", "2032-02-29T09:00:00Z"]);
    expect(next(rrule("FREQ=YEARLY;INTERVAL=3;BYMONTH=3", "1901-01-15T07:30"), after, 2)).toEqual([
      "2027-03-15T07:30:00Z",
      "2030-03-15T07:30:00Z",
    ]);
    expect(next(rrule("FREQ=YEARLY;INTERVAL=2;BYWEEKNO=1;BYDAY=MO", "1500-01-01T08:00"), after, 3)).toEqual([
      "2028-01-03T08:00:00Z",
      "2030-12-30T08:00:00Z",
      "2034-01-02T08:00:00Z",
    ]);
  });

  it("MINUTELY with BYHOUR takes any INTERVAL: the times are dtstart + k x INTERVAL in the kept hours", () => {
    expect(next(rrule("FREQ=MINUTELY;INTERVAL=7;BYHOUR=9", "2026-01-01T00:00"), "2025-12-31T00:00:00Z", 10)).toEqual([
      "2026-01-01T09:06:00Z",
      "2026-01-01T09:13:00Z",
      "2026-01-01T09:20:00Z",
      "2026-01-01T09:27:00Z",
      "2026-01-01T09:34:00Z",
      "2026-01-01T09:41:00Z",
      "2026-01-01T09:48:00Z",
      "2026-01-01T09:55:00Z",
      "2026-01-02T09:01:00Z",
      "2026-01-02T09:08:00Z",
    ]);
    expect(next(rrule("FREQ=MINUTELY;INTERVAL=90;BYHOUR=9,10", "2026-01-01T00:00"), "2025-12-31T00:00:00Z", 4)).toEqual([
      "2026-01-01T09:00:00Z",
      "2026-01-01T10:30:00Z",
      "2026-01-02T09:00:00Z",
      "2026-01-02T10:30:00Z",
    ]);
    expect(
      next(rrule("FREQ=MINUTELY;INTERVAL=7;BYHOUR=9;BYMINUTE=0,1,2,3,4,5,6,7,8,9,10", "2026-01-01T00:00"), "2025-12-31T00:00:00Z", 4),
    ).toEqual(["2026-01-01T09:06:00Z", "2026-01-02T09:01:00Z", "2026-01-02T09:08:00Z", "2026-01-03T09:03:00Z"]);
    expect(next(rrule("FREQ=MINUTELY;INTERVAL=7;BYHOUR=9;COUNT=3", "2026-01-01T00:00"), "2025-12-31T00:00:00Z", 10)).toEqual([
      "2026-01-01T09:06:00Z",
      "2026-01-01T09:13:00Z",
      "2026-01-01T09:20:00Z",
    ]);
    // From an old dtstart the alignment holds: 2026-01-01T09:00 is minute 29,454,300 since 1970-01-01, 1 mod 7, so 09:06.
    expect(next(rrule("FREQ=MINUTELY;INTERVAL=7;BYHOUR=9", "1970-01-01T00:00"), "2026-01-01T00:00:00Z", 1)).toEqual([
      "2026-01-01T09:06:00Z",
    ]);
    expect(refusal(() => validateRrule("FREQ=MINUTELY;INTERVAL=120;BYHOUR=9", "2026-01-01T08:30")).message).toContain(
      "FREQ=MINUTELY;INTERVAL=120 starting at 08:30 never reaches BYHOUR=9",
    );
  });

  it("BYSETPOS with HOURLY picks among the minutes of each hour; with MINUTELY, 1 or -1 keeps the one time of each minute", () => {
    expect(next(rrule("FREQ=HOURLY;BYMINUTE=0,30;BYSETPOS=-1", "2026-01-01T00:00"), "2025-12-31T23:00:00Z", 3)).toEqual([
      "2026-01-01T00:30:00Z",
      "2026-01-01T01:30:00Z",
      "2026-01-01T02:30:00Z",
    ]);
    expect(next(rrule("FREQ=HOURLY;BYMINUTE=10,20,40;BYSETPOS=1,-1;BYHOUR=9,10", "2026-01-01T00:00"), "2025-12-31T23:00:00Z", 5)).toEqual([
      "2026-01-01T09:10:00Z",
      "2026-01-01T09:40:00Z",
      "2026-01-01T10:10:00Z",
      "2026-01-01T10:40:00Z",
      "2026-01-02T09:10:00Z",
    ]);
    expect(next(rrule("FREQ=MINUTELY;BYSETPOS=1;BYDAY=MO", "2026-01-01T00:00"), "2025-12-31T23:00:00Z", 2)).toEqual([
      "2026-01-05T00:00:00Z",
      "2026-01-05T00:01:00Z",
    ]);
    expect(refusal(() => validateRrule("FREQ=MINUTELY;BYDAY=MO;BYSETPOS=2", "2026-01-01T00:00")).message).toContain(
      "BYSETPOS=2 picks no time: each period of FREQ=MINUTELY holds one time",
    );
    expect(refusal(() => validateRrule("FREQ=HOURLY;BYMINUTE=0,30;BYSETPOS=3", "2026-01-01T00:00")).message).toBe(
      "rule never fires: BYSETPOS=3 picks no time: each hour of FREQ=HOURLY holds only the times of BYMINUTE=0,30; change the BY parts, INTERVAL or dtstart",
    );
  });

  it("the limits that remain answer with a message that names them", () => {
    // Horizon: 11 years or 10 periods. Monday 29 February in years 2026 + 7k first comes in 2208, past 70 years.
    const sparse: Schedule = {
      kind: "rrule",
      rule: "FREQ=YEARLY;INTERVAL=7;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO",
      timezone: "UTC",
      dtstart: "2026-01-01T00:00",
    };
    expect(nextOccurrences(sparse, NOW, 1, NOW)).toEqual([]);
    expect(refusal(() => validateSchedule(sparse, NOW)).message).toContain(
      "no occurrence after now within the next 11 years (or 10 periods of FREQ x INTERVAL, if longer)",
    );
    // COUNT counts from dtstart, so a COUNT rule walks from it, at most 20,130 periods.
    const far = refusal(() => nextOccurrences(rrule("FREQ=WEEKLY;COUNT=10000;BYMONTH=4", "1100-04-26T23:59"), NOW, 1, NOW));
    expect(far).toMatchObject({ field: "schedule.dtstart" });
    expect(far.message).toContain("more than 20130 weekly periods");
    expect(refusal(() => validateRrule("FREQ=DAILY;COUNT=10001")).message).toBe("COUNT=10001 is out of range 1-10000");
  });
});

describe("item 7: cron list items may be steps or ranges with steps", () => {
  it("expands each item on its own and unites them (overlaps allowed, as in Vixie cron)", () => {
    expect(validateCron("*/15,30-59/10 0 * * *").minutes).toEqual([0, 15, 30, 40, 45, 50]);
    expect(validateCron("0 1-5/2,20 * * *").hours).toEqual([1, 3, 5, 20]);
    expect(validateCron("0 0 1-7/3,15 * *").daysOfMonth).toEqual([1, 4, 7, 15]);
    expect(validateCron("0,0,*/30 * * * *").minutes).toEqual([0, 30]);
  });

  it("fires at the united values", () => {
    const cron = (expression: string): Schedule => ({ kind: "cron", expression, timezone: "UTC" });
    expect(next(cron("*/15,30-59/10 0 * * *"), "2026-01-01T00:00:00Z", 6)).toEqual([
      "2026-01-01T00:15:00Z",
      "2026-01-01T00:30:00Z",
      "2026-01-01T00:40:00Z",
      "2026-01-01T00:45:00Z",
      "2026-01-01T00:50:00Z",
      "2026-01-02T00:00:00Z",
    ]);
    expect(next(cron("0 1-5/2,20 * * *"), "2026-01-01T00:00:00Z", 5)).toEqual([
      "2026-01-01T01:00:00Z",
      "2026-01-01T03:00:00Z",
      "2026-01-01T05:00:00Z",
      "2026-01-01T20:00:00Z",
      "2026-01-02T01:00:00Z",
    ]);
    expect(next(cron("0 0 1-7/3,15 * *"), "2026-01-01T00:00:00Z", 5)).toEqual([
      "2026-01-04T00:00:00Z",
      "2026-01-07T00:00:00Z",
      "2026-01-15T00:00:00Z",
      "2026-02-01T00:00:00Z",
      "2026-02-04T00:00:00Z",
    ]);
  });

  it("still names the field and the item at fault", () => {
    expect(refusal(() => validateCron("*/15,30-59/0 * * * *")).message).toBe(
      'minute field "*/15,30-59/0": step "0" must be a whole number of at least 1',
    );
    expect(refusal(() => validateCron("0 1-5/2,25 * * *")).message).toBe('hour field "1-5/2,25": 25 is out of range 0-23');
    expect(refusal(() => validateCron("0 0 1-7/3,,15 * *")).message).toBe(
      'day-of-month field "1-7/3,,15" has an empty list item; remove the extra comma',
    );
  });
});
