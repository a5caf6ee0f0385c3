import { describe, expect, it } from "vitest";
import { ScheduleError, nextOccurrences, nextRunAt, validateSchedule } from "../../src/domain/schedule";
import type { Schedule } from "../../src/domain/schedule";
import { ms, plain, utc } from "./helpers";

// Issue 10, item 6: `except` (EXDATE) on cron and rrule schedules, `also` (RDATE) on rrule.
const NOW = ms("2026-12-01T00:00:00Z");
const WEEKDAYS_9 = { kind: "cron", expression: "0 9 * * 1-5", timezone: "America/New_York" } as const;

function refusal(s: unknown): ScheduleError {
  try {
    validateSchedule(s as Schedule, NOW);
  } catch (e) {
    if (e instanceof ScheduleError) return e;
    throw e;
  }
  throw new Error(`${JSON.stringify(s)} was accepted`);
}

describe("except: every weekday at 09:00 except holidays", () => {
  it("a local date removes that day's occurrences: kept as skipped entries noted 'excluded', not counted", () => {
    const s: Schedule = { ...WEEKDAYS_9, except: ["2026-12-25", "2027-01-01"] };
    // Thursday 24 December, after 09:00 New York.
    expect(plain(nextOccurrences(s, ms("2026-12-24T15:00:00Z"), 2, NOW))).toEqual([
      { at: "2026-12-25T14:00:00Z", local: "2026-12-25T09:00:00-05:00", note: "excluded", skipped: true },
      { at: "2026-12-28T14:00:00Z", local: "2026-12-28T09:00:00-05:00" },
      { at: "2026-12-29T14:00:00Z", local: "2026-12-29T09:00:00-05:00" },
    ]);
    expect(utc(nextRunAt(s, ms("2026-12-31T15:00:00Z"), NOW) ?? 0)).toBe("2027-01-04T14:00:00Z");
  });

  it("a local date-time removes only that occurrence, matched on its wall time in the schedule's zone", () => {
    const s: Schedule = { kind: "cron", expression: "0 9,17 * * *", timezone: "Europe/London", except: ["2026-12-24T17:00"] };
    expect(plain(nextOccurrences(s, ms("2026-12-24T00:00:00Z"), 2, NOW))).toEqual([
      { at: "2026-12-24T09:00:00Z", local: "2026-12-24T09:00:00+00:00" },
      { at: "2026-12-24T17:00:00Z", local: "2026-12-24T17:00:00+00:00", note: "excluded", skipped: true },
      { at: "2026-12-25T09:00:00Z", local: "2026-12-25T09:00:00+00:00" },
    ]);
  });

  it("a date is the local day, not the UTC day", () => {
    // 20:00 in Sydney on 24 December is 09:00Z the same day; excluding 2026-12-25 leaves it alone.
    const s: Schedule = { kind: "cron", expression: "0 20 * * *", timezone: "Australia/Sydney", except: ["2026-12-25"] };
    const occ = nextOccurrences(s, ms("2026-12-24T00:00:00Z"), 2, NOW);
    expect(occ.map((o) => [o.local, o.skipped ?? false])).toEqual([
      ["2026-12-24T20:00:00+11:00", false],
      ["2026-12-25T20:00:00+11:00", true],
      ["2026-12-26T20:00:00+11:00", false],
    ]);
  });
});

describe("rrule except and also (EXDATE and RDATE)", () => {
  const rule = {
    kind: "rrule",
    rule: "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0",
    timezone: "America/New_York",
    dtstart: "2026-11-02T09:00",
  } as const;

  it("also adds local date-times in order; a time the rule already has is not doubled", () => {
    const s: Schedule = { ...rule, also: ["2026-12-09T14:30", "2026-12-07T09:00", "2026-12-26T10:00"] };
    expect(plain(nextOccurrences(s, ms("2026-12-01T00:00:00Z"), 5, NOW)).map((o) => o.local)).toEqual([
      "2026-12-07T09:00:00-05:00",
      "2026-12-09T14:30:00-05:00",
      "2026-12-14T09:00:00-05:00",
      "2026-12-21T09:00:00-05:00",
      "2026-12-26T10:00:00-05:00",
    ]);
  });

  it("except applies to the rule's and also's occurrences alike", () => {
    const s: Schedule = { ...rule, except: ["2026-12-14", "2026-12-26T10:00"], also: ["2026-12-26T10:00", "2026-12-27T10:00"] };
    expect(plain(nextOccurrences(s, ms("2026-12-10T00:00:00Z"), 3, NOW)).map((o) => [o.local, o.note ?? ""])).toEqual([
      ["2026-12-14T09:00:00-05:00", "excluded"],
      ["2026-12-21T09:00:00-05:00", ""],
      ["2026-12-26T10:00:00-05:00", "excluded"],
      ["2026-12-27T10:00:00-05:00", ""],
      ["2026-12-28T09:00:00-05:00", ""],
    ]);
  });

  it("also times go through the DST policy like the rule's (a gap time shifts)", () => {
    const s: Schedule = { ...rule, also: ["2027-03-14T02:30"] };
    const occ = nextOccurrences(s, ms("2027-03-09T00:00:00Z"), 2, NOW);
    expect(occ[0]).toMatchObject({ local: "2027-03-14T03:00:00-04:00", note: expect.stringContaining("DST gap") });
  });

  it("a COUNT-bounded rule keeps its also times after it ends", () => {
    const s: Schedule = { ...rule, rule: "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0;COUNT=2", also: ["2027-01-15T09:00"] };
    expect(nextOccurrences(s, ms("2026-11-01T00:00:00Z"), 5, NOW).map((o) => o.local)).toEqual([
      "2026-11-02T09:00:00-05:00",
      "2026-11-09T09:00:00-05:00",
      "2027-01-15T09:00:00-05:00",
    ]);
  });
});

describe("validation", () => {
  it("keeps except/also as given and refuses bad entries on their exact field", () => {
    const ok = validateSchedule({ ...WEEKDAYS_9, except: ["2026-12-25", "2026-12-24T09:00"] }, NOW);
    expect(ok).toMatchObject({ except: ["2026-12-25", "2026-12-24T09:00"] });
    expect(refusal({ ...WEEKDAYS_9, except: ["2026-12-25", "2026-02-30"] })).toMatchObject({
      code: "invalid_schedule",
      field: "schedule.except[1]",
    });
    expect(refusal({ ...WEEKDAYS_9, except: ["2026-12-25T09:00Z"] })).toMatchObject({
      field: "schedule.except[0]",
      message: expect.stringContaining("no offset"),
    });
    expect(refusal({ ...WEEKDAYS_9, except: "2026-12-25" })).toMatchObject({ field: "schedule.except" });
    const many = Array.from({ length: 1001 }, (_, i) => new Date(NOW + i * 86_400_000).toISOString().slice(0, 10));
    expect(refusal({ ...WEEKDAYS_9, except: many })).toMatchObject({
      field: "schedule.except",
      message: expect.stringContaining("at most 1000"),
    });
    const r = { kind: "rrule", rule: "FREQ=DAILY", timezone: "UTC", dtstart: "2026-12-01T09:00" };
    expect(refusal({ ...r, also: ["2026-12-25"] })).toMatchObject({ field: "schedule.also[0]" });
    expect(validateSchedule({ ...r, also: ["2026-12-25T12:00"] } as Schedule, NOW)).toMatchObject({ also: ["2026-12-25T12:00"] });
  });
});
