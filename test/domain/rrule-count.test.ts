import { Frequency, RRule } from "rrule";
import type { Options } from "rrule";
import { describe, expect, it } from "vitest";
import { ScheduleError, nextOccurrences, validateSchedule } from "../../src/domain/schedule";
import type { Schedule } from "../../src/domain/schedule";
import { occurrenceBound } from "../../src/domain/schedule/rrule-count";
import { ms, utc } from "./helpers";

const NOW = ms("2026-12-02T00:00:00Z");
const rule = (r: string, dtstart: string): Schedule => ({ kind: "rrule", rule: r, timezone: "UTC", dtstart });

describe("COUNT rules far back: the early refusal is the walk's own answer", () => {
  it("a sparse COUNT rule from 1100 is refused on dtstart, as the capped walk refused it", () => {
    let err: unknown;
    try {
      validateSchedule(rule("FREQ=WEEKLY;COUNT=10000;BYMONTH=4", "1100-04-26T23:59"), NOW);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScheduleError);
    expect(err).toMatchObject({ field: "schedule.dtstart", message: expect.stringContaining("more than 20130 weekly periods") });
  });

  it("leaves alone what the walk answers otherwise: a COUNT already spent, and one still running", () => {
    // 50 April Mondays from 1990: spent by 2002, so no next run (not a refusal of dtstart).
    expect(nextOccurrences(rule("FREQ=WEEKLY;COUNT=50;BYMONTH=4", "1990-04-02T09:00"), NOW, 1, NOW)).toEqual([]);
    // 10,000 April Mondays from 1900 (about 550 so far): April 2027 is next.
    const occ = nextOccurrences(rule("FREQ=WEEKLY;COUNT=10000;BYMONTH=4", "1900-04-02T09:00"), NOW, 2, NOW);
    expect(occ.map((o) => utc(o.at))).toEqual(["2027-04-05T09:00:00Z", "2027-04-12T09:00:00Z"]);
  });

  it("the bound is never below what the library yields", () => {
    const cases: [string, Partial<Options>][] = [
      ["weekly April", { freq: Frequency.WEEKLY, bymonth: [4] }],
      ["weekly Mon/Fri in Feb", { freq: Frequency.WEEKLY, bymonth: [2], byweekday: [0, 4] }],
      ["daily twice in Dec and Jan", { freq: Frequency.DAILY, bymonth: [12, 1], byhour: [9, 17], byminute: [0] }],
      ["hourly quarter-hours in Feb", { freq: Frequency.HOURLY, bymonth: [2], byminute: [0, 15, 30, 45] }],
      ["every 3 days", { freq: Frequency.DAILY, interval: 3 }],
    ];
    const periods = 3000;
    for (const [name, opts] of cases) {
      const start = new Date(Date.UTC(2001, 0, 29, 9, 0));
      const unitMs = opts.freq === Frequency.WEEKLY ? 7 * 86_400_000 : opts.freq === Frequency.DAILY ? 86_400_000 : 3_600_000;
      const until = new Date(start.getTime() + periods * (opts.interval ?? 1) * unitMs - 1);
      const actual = new RRule({ ...opts, dtstart: start, until, tzid: null }).all().length;
      expect(occurrenceBound({ interval: 1, ...opts }, periods), name).toBeGreaterThanOrEqual(actual);
    }
  });
});
