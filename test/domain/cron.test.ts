import { describe, expect, it } from "vitest";
import { cronDayMatches, isIntervalCron, nextOccurrences, validateCron } from "../../src/domain/schedule";
import type { Schedule } from "../../src/domain/schedule";
import { instants, ms } from "./helpers";

const utcCron = (expression: string): Schedule => ({ kind: "cron", expression, timezone: "UTC" });
const next = (expression: string, after: string, count: number): string[] =>
  instants(nextOccurrences(utcCron(expression), ms(after), count, 0));
const range = (from: number, to: number, step = 1): number[] =>
  Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);

function cronMessage(expr: string): string {
  try {
    validateCron(expr);
  } catch (e) {
    expect(e).toMatchObject({ code: "invalid_cron", field: "schedule.expression" });
    return (e as Error).message;
  }
  throw new Error(`"${expr}" was accepted`);
}

describe("validateCron: syntax", () => {
  it("expands names in any case, ranges and lists", () => {
    const spec = validateCron("0,30 9-17 * jan-MAR Mon-fri");
    expect(spec.minutes).toEqual([0, 30]);
    expect(spec.hours).toEqual(range(9, 17));
    expect(spec.months).toEqual([1, 2, 3]);
    expect(spec.daysOfWeek).toEqual([1, 2, 3, 4, 5]);
    expect(validateCron("0 0 * DEC,feb sun,SAT").daysOfWeek).toEqual([0, 6]);
  });

  it("expands steps: */15, 5/20, 1-23/2", () => {
    expect(validateCron("*/15 * * * *").minutes).toEqual([0, 15, 30, 45]);
    expect(validateCron("5/20 * * * *").minutes).toEqual([5, 25, 45]);
    expect(validateCron("0 1-23/2 * * *").hours).toEqual(range(1, 23, 2));
    expect(validateCron("0 0 */10 * *").daysOfMonth).toEqual([1, 11, 21, 31]);
  });

  it("treats ? as * in the day fields only", () => {
    const spec = validateCron("0 0 ? * MON");
    expect(spec.daysOfMonth).toEqual(range(1, 31));
    expect(spec.domStar).toBe(true);
    expect(validateCron("0 0 1 * ?").dowStar).toBe(true);
    expect(cronMessage("0 ? * * *")).toBe(
      'hour field "?" uses "?", which is allowed only in the day-of-month and day-of-week fields; use "*"',
    );
  });

  it("reads day-of-week 7 as Sunday, like 0", () => {
    expect(validateCron("0 0 * * 7").daysOfWeek).toEqual([0]);
    expect(validateCron("0 0 * * 5-7").daysOfWeek).toEqual([0, 5, 6]);
    expect(next("0 12 * * 7", "2026-04-01T00:00:00Z", 2)).toEqual(["2026-04-05T12:00:00Z", "2026-04-12T12:00:00Z"]);
  });

  it("maps macros to five fields", () => {
    expect(validateCron("@hourly").expression).toBe("0 * * * *");
    expect(validateCron("@daily").expression).toBe("0 0 * * *");
    expect(validateCron("@midnight").expression).toBe("0 0 * * *");
    expect(validateCron("@weekly").expression).toBe("0 0 * * 0");
    expect(validateCron("@monthly").expression).toBe("0 0 1 * *");
    expect(validateCron("@yearly").expression).toBe("0 0 1 1 *");
    expect(validateCron("@ANNUALLY").expression).toBe("0 0 1 1 *");
    expect(cronMessage("@reboot")).toContain('macro "@reboot" is not supported');
  });

  it("refuses 6 and 7 fields, saying seconds (and years) are not supported", () => {
    expect(cronMessage("0 */5 * * * *")).toBe(
      'cron expression "0 */5 * * * *" has 6 fields; seconds are not supported: use 5 fields (minute hour day-of-month month day-of-week)',
    );
    expect(cronMessage("0 0 12 * * ? 2026")).toContain("seconds and years are not supported: use 5 fields");
    expect(cronMessage("* * * *")).toContain("has 4 fields; use 5 fields");
    expect(cronMessage("   ")).toContain("cron expression is empty");
  });

  it("refuses L, W, # and H with a clear message", () => {
    expect(cronMessage("0 0 L * *")).toBe('day-of-month field "L" uses "L" (last day), which is not supported; list the values explicitly');
    expect(cronMessage("0 0 * * 5L")).toContain('"L" (last day), which is not supported');
    expect(cronMessage("0 0 15W * *")).toContain('"W" (nearest weekday), which is not supported');
    expect(cronMessage("0 0 LW * *")).toContain('"LW" (last weekday), which is not supported');
    expect(cronMessage("0 0 * * FRI#2")).toContain('uses "#" (nth weekday), which is not supported');
    expect(cronMessage("H * * * *")).toContain('"H" (hashed value), which is not supported');
  });

  it("names the field and range of an out-of-range value", () => {
    expect(cronMessage("0 25 * * *")).toBe('hour field "25" is out of range 0-23');
    expect(cronMessage("60 * * * *")).toBe('minute field "60" is out of range 0-59');
    expect(cronMessage("0 0 32 * *")).toBe('day-of-month field "32" is out of range 1-31');
    expect(cronMessage("0 0 0 * *")).toBe('day-of-month field "0" is out of range 1-31');
    expect(cronMessage("0 0 * 13 *")).toBe('month field "13" is out of range 1-12');
    expect(cronMessage("0 0 * * 8")).toBe('day-of-week field "8" is out of range 0-7');
    expect(cronMessage("0 1,25 * * *")).toBe('hour field "1,25": 25 is out of range 0-23');
    expect(cronMessage("0 20-25 * * *")).toBe('hour field "20-25" is out of range 0-23');
  });

  it("explains other mistakes per field", () => {
    expect(cronMessage("5-3 * * * *")).toContain('minute field "5-3": range 5-3 runs backwards');
    expect(cronMessage("*/0 * * * *")).toContain('step "0" must be a whole number of at least 1');
    expect(cronMessage("1,,2 * * * *")).toContain("empty list item");
    expect(cronMessage("0 0 * * MONDAY")).toContain('unknown name "MONDAY"; use three-letter names SUN-SAT');
    expect(cronMessage("0 0 * FOO *")).toContain('month field "FOO" contains unknown name "FOO"; use three-letter names JAN-DEC');
    expect(cronMessage("0 nine * * *")).toContain("the hour field takes numbers only");
    expect(cronMessage("0 9 * * 1%2")).toContain('contains "%"');
  });
});

describe("validateCron: can it fire?", () => {
  it("refuses expressions that can never fire", () => {
    expect(cronMessage("0 0 30 2 *")).toBe(
      'cron expression "0 0 30 2 *" never fires: day-of-month 30 does not exist in February; fix the day-of-month or month field',
    );
    expect(cronMessage("0 0 31 4,6 *")).toContain("never fires: day-of-month 31 does not exist in April, June");
    expect(cronMessage("0 0 30,31 feb *")).toContain("never fires");
  });

  it("accepts 29 February and finds the next leap year", () => {
    expect(() => validateCron("0 0 29 2 *")).not.toThrow();
    expect(next("0 0 29 2 *", "2026-03-01T00:00:00Z", 3)).toEqual(["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z", "2036-02-29T00:00:00Z"]);
  });

  it("Vixie OR: a restricted day-of-month and day-of-week fire on either", () => {
    // April 2026: Fridays 3, 10, 17, 24; the 13th is a Monday.
    expect(next("0 0 13 * FRI", "2026-04-01T00:00:00Z", 6)).toEqual([
      "2026-04-03T00:00:00Z",
      "2026-04-10T00:00:00Z",
      "2026-04-13T00:00:00Z",
      "2026-04-17T00:00:00Z",
      "2026-04-24T00:00:00Z",
      "2026-05-01T00:00:00Z",
    ]);
  });

  it("Vixie AND: a star-led day field (even */2) makes both fields apply", () => {
    const spec = validateCron("0 0 */2 * MON");
    expect(spec.domStar).toBe(true);
    // Odd days of the month that are Mondays: 13 and 27 April, 11 and 25 May 2026.
    expect(next("0 0 */2 * MON", "2026-04-01T00:00:00Z", 4)).toEqual([
      "2026-04-13T00:00:00Z",
      "2026-04-27T00:00:00Z",
      "2026-05-11T00:00:00Z",
      "2026-05-25T00:00:00Z",
    ]);
    expect(cronDayMatches(spec, 13, 1)).toBe(true);
    expect(cronDayMatches(spec, 14, 1)).toBe(false);
    expect(cronDayMatches(validateCron("0 0 13 * FRI"), 14, 5)).toBe(true);
  });

  it("flags interval expressions (*, - or / in minute or hour)", () => {
    expect(isIntervalCron(validateCron("0 9 * * *"))).toBe(false);
    expect(isIntervalCron(validateCron("0,30 9,17 * * MON-FRI"))).toBe(false);
    expect(isIntervalCron(validateCron("*/5 * * * *"))).toBe(true);
    expect(isIntervalCron(validateCron("0 9-17 * * *"))).toBe(true);
    expect(isIntervalCron(validateCron("5/20 9 * * *"))).toBe(true);
    expect(isIntervalCron(validateCron("@hourly"))).toBe(true);
    expect(isIntervalCron(validateCron("@daily"))).toBe(false);
  });
});

describe("cron occurrences", () => {
  it("is strictly after `after` and respects count", () => {
    expect(next("0 9 * * *", "2026-05-01T09:00:00Z", 2)).toEqual(["2026-05-02T09:00:00Z", "2026-05-03T09:00:00Z"]);
    expect(next("0 9 * * *", "2026-05-01T08:59:59.999Z", 1)).toEqual(["2026-05-01T09:00:00Z"]);
    expect(next("0 9 * * *", "2026-05-01T00:00:00Z", 0)).toEqual([]);
  });

  it("fires in the schedule's zone", () => {
    const s: Schedule = { kind: "cron", expression: "0 9 * * MON-FRI", timezone: "America/New_York" };
    const occ = nextOccurrences(s, ms("2026-05-01T00:00:00Z"), 2, 0); // Friday 1 May 2026
    expect(instants(occ)).toEqual(["2026-05-01T13:00:00Z", "2026-05-04T13:00:00Z"]);
    expect(occ.map((o) => o.local)).toEqual(["2026-05-01T09:00:00-04:00", "2026-05-04T09:00:00-04:00"]);
    expect(occ.every((o) => o.note === undefined)).toBe(true);
  });

  it("terminates quickly on dense and year-spanning searches", () => {
    const minutes = next("* * * * *", "2026-12-31T23:30:00Z", 100);
    expect(minutes).toHaveLength(100);
    expect(minutes[0]).toBe("2026-12-31T23:31:00Z");
    expect(minutes[99]).toBe("2027-01-01T01:10:00Z");
    expect(next("0 0 1 1 *", "2026-01-01T00:00:00Z", 3)).toEqual(["2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z", "2029-01-01T00:00:00Z"]);
    const sydney: Schedule = { kind: "cron", expression: "*/5 * * * *", timezone: "Australia/Sydney" };
    expect(nextOccurrences(sydney, ms("2026-01-01T00:00:00Z"), 1000, 0)).toHaveLength(1000);
  });
});
