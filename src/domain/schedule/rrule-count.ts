/**
 * A COUNT rule is walked from its dtstart (COUNT counts from there), one library period at
 * a time, up to MAX_SEARCH_PERIODS; a walk that reaches the cap before `after` is refused on
 * schedule.dtstart. Walking to the cap costs about 100-150 ms, so when a cheap upper bound on
 * the occurrences those periods can hold is below COUNT (the walk cannot end by COUNT) and
 * `after` lies beyond the cap, the same refusal is given without walking.
 */
import { Frequency } from "rrule";
import type { Options } from "rrule";
import { DAY_MS } from "./types";

/** The most days each month can have (February in a leap year). */
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const UNIT_DAYS: Partial<Record<Frequency, number>> = {
  [Frequency.WEEKLY]: 7,
  [Frequency.DAILY]: 1,
  [Frequency.HOURLY]: 1 / 24,
  [Frequency.MINUTELY]: 1 / 1440,
};

const sizeOf = (v: unknown): number => (Array.isArray(v) && v.length > 0 ? v.length : 1);

/**
 * An upper bound on the occurrences `periods` periods of a WEEKLY, DAILY, HOURLY or MINUTELY
 * rule can yield (null for other frequencies): periods per year that can touch BYMONTH's
 * months, times the years spanned, times the most times one period can hold.
 */
export function occurrenceBound(opts: Partial<Options>, periods: number): number | null {
  const freq = opts.freq;
  const unit = freq === undefined ? undefined : UNIT_DAYS[freq];
  if (freq === undefined || unit === undefined) return null;
  const interval = opts.interval ?? 1;
  const months = Array.isArray(opts.bymonth) && opts.bymonth.length > 0 ? opts.bymonth : [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  // A period of `unit` days touches at most ceil(days / unit) + 1 of them in a run of `days` days.
  const perYear = months.reduce((n, m) => n + Math.ceil((MONTH_DAYS[m - 1] ?? 31) / unit) + 1, 0);
  const years = Math.ceil((periods * interval * unit) / 365.2425) + 1;
  const perPeriod =
    freq === Frequency.WEEKLY
      ? sizeOf(opts.byweekday) * sizeOf(opts.byhour) * sizeOf(opts.byminute)
      : freq === Frequency.DAILY
        ? sizeOf(opts.byhour) * sizeOf(opts.byminute)
        : freq === Frequency.HOURLY
          ? sizeOf(opts.byminute)
          : 1;
  const picked = Array.isArray(opts.bysetpos) && opts.bysetpos.length > 0 ? Math.min(perPeriod, opts.bysetpos.length) : perPeriod;
  return Math.min(periods, perYear * years) * picked;
}

/** True when walking from `start` cannot end by COUNT within `cap` periods and `after` lies beyond them: the walk would be refused. */
export function countOutlastsWalk(opts: Partial<Options>, count: number, start: number, after: number, cap: number): boolean {
  const unit = opts.freq === undefined ? undefined : UNIT_DAYS[opts.freq];
  if (unit === undefined) return false;
  const period = unit * DAY_MS * (opts.interval ?? 1);
  if ((after - start) / period <= cap + 2) return false;
  const bound = occurrenceBound(opts, cap);
  return bound !== null && bound < count;
}
