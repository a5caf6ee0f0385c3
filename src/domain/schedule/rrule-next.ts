/**
 * Fire times of an RRULE in a time zone. The rrule library runs in "floating" mode (dtstart
 * is a Date whose UTC fields are the local wall clock, no tzid), so it yields wall times; each
 * is mapped to instants by the same resolver as cron.
 *
 * The library iterates period by period from dtstart and only looks at its end conditions
 * when a period yields a date, so a rule that never matches would run to the year 9999.
 * Three things keep every search bounded:
 * - rules that would loop inside the library are refused first (unreachableReason);
 * - without COUNT, dtstart is moved forward by whole periods to just before `after`
 *   (this keeps INTERVAL alignment and the defaults the library takes from dtstart);
 * - the number of periods is capped at what spans the search horizon (periodBudget, capPeriods).
 */
import { Frequency, RRule, Weekday } from "rrule";
import type { Options } from "rrule";
import { Collector } from "./collect";
import { WallResolver } from "./resolve";
import { minutelyMinutes, unreachableReason } from "./rrule";
import type { RruleSpec } from "./rrule";
import { wallAt } from "./timezone";
import { DAY_MS, HOUR_MS, MINUTE_MS, OFFSET_MARGIN_MS, SEARCH_HORIZON_DAYS, ScheduleError } from "./types";
import type { DstPolicy, Occurrence } from "./types";

/** Library options for the spec (MINUTELY with BYHOUR is run as the equivalent HOURLY rule). */
function libraryOptions(spec: RruleSpec, tz: string, dtstart: number): Partial<Options> {
  const opts: Partial<Options> = { freq: spec.freq, interval: spec.step, tzid: null };
  if (spec.freq === Frequency.MINUTELY && spec.byhour.length > 0) {
    // The library's MINUTELY stepping can loop forever with BYHOUR; with INTERVAL dividing 60
    // the same minutes of every hour are reached, which HOURLY;BYMINUTE expresses exactly.
    opts.freq = Frequency.HOURLY;
    opts.interval = 1;
    opts.byminute = minutelyMinutes(spec, dtstart);
  } else if (spec.byminute.length > 0) {
    opts.byminute = spec.byminute;
  }
  if (spec.count !== null) opts.count = spec.count;
  if (spec.until !== null) opts.until = new Date(spec.until.utc ? wallAt(tz, spec.until.ms) : spec.until.ms);
  if (spec.wkst !== null) opts.wkst = spec.wkst;
  if (spec.bymonth.length > 0) opts.bymonth = spec.bymonth;
  if (spec.bymonthday.length > 0) opts.bymonthday = spec.bymonthday;
  if (spec.byyearday.length > 0) opts.byyearday = spec.byyearday;
  if (spec.byweekno.length > 0) opts.byweekno = spec.byweekno;
  if (spec.byday.length > 0) opts.byweekday = spec.byday.map((d) => new Weekday(d.weekday, d.n ?? undefined));
  if (spec.byhour.length > 0) opts.byhour = spec.byhour;
  if (spec.bysetpos.length > 0) opts.bysetpos = spec.bysetpos;
  return opts;
}

/** The shortest span one period of `freq` x `interval` advances the library's counter by. */
function minPeriodMs(freq: Frequency, interval: number): number {
  const unit: Record<number, number> = {
    [Frequency.YEARLY]: 365 * DAY_MS, [Frequency.MONTHLY]: 28 * DAY_MS, [Frequency.WEEKLY]: 7 * DAY_MS,
    [Frequency.DAILY]: DAY_MS, [Frequency.HOURLY]: HOUR_MS, [Frequency.MINUTELY]: MINUTE_MS,
  };
  return (unit[freq] ?? DAY_MS) * interval;
}

/** Thrown from inside the library to end a search that has covered the horizon. */
const STOP = new Error("rrule search horizon reached");

/**
 * No search walks more library periods than this, wherever dtstart lies. Rules that
 * cannot be moved forward (COUNT counts from dtstart; MONTHLY and YEARLY periods vary in
 * length) walk from dtstart, so a dtstart centuries back would otherwise walk centuries.
 * A search that reaches the cap before `after` is refused on schedule.dtstart.
 */
export const MAX_SEARCH_PERIODS = 5 * SEARCH_HORIZON_DAYS;

const tooFarBack = (spec: RruleSpec, freq: Frequency) =>
  new ScheduleError(
    "invalid_schedule",
    "schedule.dtstart",
    `dtstart is too far before now for this rule: reaching now from it takes more than ${MAX_SEARCH_PERIODS} ${Frequency[freq]?.toLowerCase() ?? ""} periods; move dtstart forward${spec.count !== null ? " (and lower COUNT by the occurrences already past)" : ""}`,
  );

/**
 * Makes the library give up after `periods` periods: its loop reads options.interval once up
 * front and twice per period (the stop check and the step), so the read after the budget throws.
 */
function capPeriods(rule: RRule, periods: number): void {
  const options = rule.options;
  const interval = options.interval;
  const limit = 1 + 2 * periods;
  let reads = 0;
  Object.defineProperty(options, "interval", {
    configurable: true,
    enumerable: true,
    get: () => {
      if (++reads > limit) throw STOP;
      return interval;
    },
  });
}

/**
 * How many library periods a search may take. A period of the daily-or-longer frequencies
 * spans at least minPeriodMs, so the span divided by it suffices. HOURLY and MINUTELY steps
 * are short, but each one either yields a date (these take no BYSETPOS) or is a day the
 * BY parts filter out, which the library leaves in one step: so the days of the span, plus
 * the dates before `after` (or up to COUNT), plus `count`, plus 4 days' worth of dates for
 * the settling margin and for DST gap times that collapse or are skipped.
 */
function periodBudget(
  spec: RruleSpec, freq: Frequency, interval: number, start: number, after: number, lastWall: number, count: number,
): number {
  const period = minPeriodMs(freq, interval);
  const byPeriod = Math.ceil((lastWall - start) / period) + 3;
  if (freq !== Frequency.HOURLY && freq !== Frequency.MINUTELY) return byPeriod;
  const before = spec.count ?? Math.ceil(Math.max(0, after + OFFSET_MARGIN_MS - start) / period);
  const byDate = Math.ceil((lastWall - start) / DAY_MS) + 3 + before + count + Math.ceil((4 * DAY_MS) / period);
  return Math.min(byPeriod, byDate);
}

/**
 * The first `count` runs of the rule strictly after `after` in `tz` (skipped gap entries
 * included, not counted), starting from local `dtstart` (wall ms), within the search horizon.
 */
export function rruleOccurrences(
  spec: RruleSpec, tz: string, policy: DstPolicy, dtstart: number, after: number, count: number,
  set: { excluded?: (wall: number) => boolean; also?: readonly number[] } = {},
): Occurrence[] {
  if (unreachableReason(spec, dtstart) !== null) return set.also?.length ? alsoOnly(set.also, tz, policy, spec.interval, after, count, set.excluded) : [];
  const lastWall = after + (SEARCH_HORIZON_DAYS + 1) * DAY_MS;
  const collector = new Collector(new WallResolver(tz), policy, spec.interval, after, count, lastWall, set.excluded);
  const merged = withAlso(collector, set.also ?? []);
  const opts = libraryOptions(spec, tz, dtstart);
  const freq = opts.freq ?? spec.freq;
  const interval = opts.interval ?? spec.step;
  let start = dtstart;
  const fastForward = spec.count === null && freq !== Frequency.YEARLY && freq !== Frequency.MONTHLY;
  if (fastForward) {
    const period = minPeriodMs(freq, interval); // exact for WEEKLY, DAILY, HOURLY, MINUTELY
    // Start far enough back for any zone's offset (wall = UTC −12 h … +14 h) and a DST
    // shift to settle: two days for daily-or-longer periods. For HOURLY and MINUTELY every
    // period before `after` costs a library step, so they start three hours (more than any
    // DST shift) before the wall time of `after` in this zone.
    const subDaily = freq === Frequency.HOURLY || freq === Frequency.MINUTELY;
    const from = subDaily ? wallAt(tz, after) - 3 * HOUR_MS : after - OFFSET_MARGIN_MS - 2 * DAY_MS;
    const periods = Math.floor((from - dtstart) / period);
    if (periods > 0) start = dtstart + periods * period;
  }
  if (!fastForward && spec.count === null) {
    // Known before walking: even at the longest period (31-day months, 366-day years) it
    // would take more than the cap to reach `after`. Refused at once, not after the walk.
    // (A COUNT rule may end before `after`, which only the walk can tell: it walks, capped.)
    const longest = freq === Frequency.MONTHLY ? 31 * DAY_MS * interval : freq === Frequency.YEARLY ? 366 * DAY_MS * interval : minPeriodMs(freq, interval);
    if ((after - OFFSET_MARGIN_MS - start) / longest > MAX_SEARCH_PERIODS) throw tooFarBack(spec, freq);
  }
  const rule = new RRule({ ...opts, dtstart: new Date(start) }, true);
  capPeriods(rule, Math.min(MAX_SEARCH_PERIODS, periodBudget(spec, freq, interval, start, after, lastWall, count)));
  let lastSeen = Number.NEGATIVE_INFINITY;
  try {
    rule.all((date) => {
      lastSeen = date.getTime();
      return merged.push(lastSeen);
    });
  } catch (err) {
    if (err !== STOP) throw err;
    // Stopped by the cap: if it never got near `after`, the rule was not searched at all.
    if (lastSeen < after - OFFSET_MARGIN_MS && Math.ceil((after - start) / minPeriodMs(freq, interval)) > MAX_SEARCH_PERIODS) throw tooFarBack(spec, freq);
  }
  merged.finish();
  return collector.result();
}

/**
 * Feeds the collector the rule's wall times merged in order with the `also` (RDATE) ones;
 * a wall time in both is fed once. `finish` feeds the `also` times after the rule's last.
 */
function withAlso(collector: Collector, also: readonly number[]): { push: (wall: number) => boolean; finish: () => void } {
  let i = 0;
  let open = true;
  const feedUpTo = (wall: number): boolean => {
    while (open && i < also.length && (also[i] ?? Infinity) < wall) open = collector.push(also[i++] ?? 0);
    if (also[i] === wall) i++;
    return open;
  };
  return {
    push: (wall) => feedUpTo(wall) && (open = collector.push(wall)),
    finish: () => void feedUpTo(Number.POSITIVE_INFINITY),
  };
}

/** A set whose rule never fires: only its `also` times. */
function alsoOnly(
  also: readonly number[], tz: string, policy: DstPolicy, interval: boolean, after: number, count: number, excluded?: (wall: number) => boolean,
): Occurrence[] {
  const collector = new Collector(new WallResolver(tz), policy, interval, after, count, after + (SEARCH_HORIZON_DAYS + 1) * DAY_MS, excluded);
  for (const wall of also) if (!collector.push(wall)) break;
  return collector.result();
}
