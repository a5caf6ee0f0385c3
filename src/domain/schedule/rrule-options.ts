/**
 * What the rrule library is asked to run for a spec, and from where. Without COUNT the
 * search starts at the last whole period before `after` instead of at dtstart, so its cost
 * does not grow with the distance from dtstart: WEEKLY and shorter periods have a fixed
 * length; MONTHLY and YEARLY move by whole multiples of INTERVAL months or years, with the
 * defaults the library would take from dtstart (its day, month and time) pinned as explicit
 * BY parts first, so a 31st or a 29 February keeps meaning what it meant.
 */
import { Frequency, Weekday } from "rrule";
import type { Options } from "rrule";
import type { RruleSpec } from "./rrule";
import { hourlyPicks, minutelyKeeps } from "./rrule-reach";
import { DAY_MS, HOUR_MS, MINUTE_MS, OFFSET_MARGIN_MS } from "./types";

/**
 * Library options for the spec. UNTIL with Z is given as a wall bound past every wall time
 * that could map to an instant up to UNTIL (offsets are at most +14 h); the instants
 * themselves are compared with UNTIL after DST resolution (Collector).
 */
export function libraryOptions(spec: RruleSpec, dtstart: number): Partial<Options> {
  const opts: Partial<Options> = { freq: spec.freq, interval: spec.step, tzid: null };
  if (spec.freq === Frequency.HOURLY && spec.bysetpos.length > 0) {
    // BYSETPOS picks the same minutes of every hour: the equivalent BYMINUTE, which the library runs in one step per hour.
    opts.byminute = hourlyPicks(spec, dtstart);
  } else if (spec.byminute.length > 0) {
    opts.byminute = spec.byminute;
  }
  // A MINUTELY period holds one time: BYSETPOS=1 or -1 keeps it (a rule that keeps nothing is refused first).
  const setpos = spec.freq === Frequency.HOURLY || (spec.freq === Frequency.MINUTELY && minutelyKeeps(spec)) ? [] : spec.bysetpos;
  if (setpos.length > 0) opts.bysetpos = setpos;
  if (spec.count !== null) opts.count = spec.count;
  if (spec.until !== null) opts.until = new Date(spec.until.utc ? spec.until.ms + OFFSET_MARGIN_MS : spec.until.ms);
  if (spec.wkst !== null) opts.wkst = spec.wkst;
  if (spec.bymonth.length > 0) opts.bymonth = spec.bymonth;
  if (spec.bymonthday.length > 0) opts.bymonthday = spec.bymonthday;
  if (spec.byyearday.length > 0) opts.byyearday = spec.byyearday;
  if (spec.byweekno.length > 0) opts.byweekno = spec.byweekno;
  if (spec.byday.length > 0) opts.byweekday = spec.byday.map((d) => new Weekday(d.weekday, d.n ?? undefined));
  if (spec.byhour.length > 0) opts.byhour = spec.byhour;
  return opts;
}

/** The shortest span one period of `freq` x `interval` advances the library's counter by. */
export function minPeriodMs(freq: Frequency, interval: number): number {
  const unit: Record<number, number> = {
    [Frequency.YEARLY]: 365 * DAY_MS,
    [Frequency.MONTHLY]: 28 * DAY_MS,
    [Frequency.WEEKLY]: 7 * DAY_MS,
    [Frequency.DAILY]: DAY_MS,
    [Frequency.HOURLY]: HOUR_MS,
    [Frequency.MINUTELY]: MINUTE_MS,
  };
  return (unit[freq] ?? DAY_MS) * interval;
}

/** The longest span one period can cover (31-day months, 366-day years). */
export function maxPeriodMs(freq: Frequency, interval: number): number {
  if (freq === Frequency.YEARLY) return 366 * DAY_MS * interval;
  if (freq === Frequency.MONTHLY) return 31 * DAY_MS * interval;
  return minPeriodMs(freq, interval);
}

/** Wall ms of the first day of `month` (0-based, may overflow into later years) of `year`, at 00:00 (any year, unlike Date.UTC). */
function firstOfMonth(year: number, month: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, 1);
  return d.getTime();
}

/** Makes the library's dtstart-derived defaults explicit, so dtstart can move to the start of a later period. */
function pinDefaults(opts: Partial<Options>, spec: RruleSpec, dtstart: number): void {
  const d = new Date(dtstart);
  opts.byhour ??= [d.getUTCHours()];
  opts.byminute ??= [d.getUTCMinutes()];
  opts.bysecond = [d.getUTCSeconds()];
  const noDays = spec.bymonthday.length + spec.byyearday.length + spec.byweekno.length + spec.byday.length === 0;
  if (!noDays) return;
  opts.bymonthday = [d.getUTCDate()];
  if (spec.freq === Frequency.YEARLY) opts.bymonth ??= [d.getUTCMonth() + 1];
}

/**
 * The wall ms the library should start from to find every occurrence at or after wall `from`
 * (dtstart itself when COUNT counts from it or it lies after `from`); may pin `opts`.
 */
export function searchStart(spec: RruleSpec, opts: Partial<Options>, dtstart: number, from: number): number {
  if (spec.count !== null || from <= dtstart) return dtstart;
  const freq = opts.freq ?? spec.freq;
  const interval = opts.interval ?? spec.step;
  if (freq === Frequency.YEARLY || freq === Frequency.MONTHLY) {
    const s = new Date(dtstart);
    const f = new Date(from);
    const yearly = freq === Frequency.YEARLY;
    // Whole periods from dtstart's period to the one holding `from`; the search starts at the first day of it.
    const units = yearly
      ? f.getUTCFullYear() - s.getUTCFullYear()
      : f.getUTCFullYear() * 12 + f.getUTCMonth() - (s.getUTCFullYear() * 12 + s.getUTCMonth());
    const periods = Math.floor(units / interval);
    if (periods <= 0) return dtstart;
    pinDefaults(opts, spec, dtstart);
    return yearly
      ? firstOfMonth(s.getUTCFullYear() + periods * interval, 0)
      : firstOfMonth(s.getUTCFullYear(), s.getUTCMonth() + periods * interval);
  }
  const period = minPeriodMs(freq, interval); // exact for WEEKLY, DAILY, HOURLY, MINUTELY
  const periods = Math.floor((from - dtstart) / period);
  return periods > 0 ? dtstart + periods * period : dtstart;
}
