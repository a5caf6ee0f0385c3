/**
 * Fire times of an RRULE in a time zone. The rrule library runs in "floating" mode (dtstart
 * is a Date whose UTC fields are the local wall clock, no tzid), so it yields wall times; each
 * is mapped to instants by the same resolver as cron. FREQ=MINUTELY with BYHOUR is computed
 * arithmetically instead (rrule-minutely.ts).
 *
 * The library iterates period by period from dtstart and only looks at its end conditions
 * when a period yields a date, so a rule that never matches would run to the year 9999.
 * Three things keep every search bounded:
 * - rules that would loop inside the library are refused first (unreachableReason);
 * - without COUNT, dtstart is moved forward by whole periods to just before `after`
 *   (searchStart: this keeps INTERVAL alignment and the defaults taken from dtstart);
 * - the number of periods is capped at what spans the search horizon (periodBudget, capPeriods).
 *
 * The horizon is SEARCH_HORIZON_DAYS after `after`, or RRULE_HORIZON_PERIODS periods of the
 * rule when that is longer: a sparse rule (YEARLY;INTERVAL=100) costs one library period per
 * period, so searching ten of them is cheap.
 */
import { Frequency, RRule } from "rrule";
import { Collector } from "./collect";
import { WallResolver } from "./resolve";
import type { RruleSpec } from "./rrule";
import { countOutlastsWalk } from "./rrule-count";
import { walkMinutely } from "./rrule-minutely";
import { libraryOptions, maxPeriodMs, minPeriodMs, searchStart } from "./rrule-options";
import { unreachableReason } from "./rrule-reach";
import { wallAt } from "./timezone";
import { DAY_MS, HOUR_MS, OFFSET_MARGIN_MS, SEARCH_HORIZON_DAYS, ScheduleError } from "./types";
import type { DstPolicy, Occurrence } from "./types";

/** A search looks at least this many periods of the rule (FREQ x INTERVAL) past `after`. */
export const RRULE_HORIZON_PERIODS = 10;

/** Thrown from inside the library to end a search that has covered the horizon. */
const STOP = new Error("rrule search horizon reached");

/**
 * No search walks more library periods (or skips more days and hours in the MINUTELY walk)
 * than this, wherever dtstart lies. COUNT rules cannot be moved forward (COUNT counts from
 * dtstart) and walk from dtstart, so a dtstart centuries back would otherwise walk centuries.
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
  spec: RruleSpec,
  freq: Frequency,
  interval: number,
  start: number,
  after: number,
  lastWall: number,
  count: number,
): number {
  const period = minPeriodMs(freq, interval);
  const byPeriod = Math.ceil((lastWall - start) / period) + 3;
  if (freq !== Frequency.HOURLY && freq !== Frequency.MINUTELY) return byPeriod;
  const before = spec.count ?? Math.ceil(Math.max(0, after + OFFSET_MARGIN_MS - start) / period);
  const byDate = Math.ceil((lastWall - start) / DAY_MS) + 3 + before + count + Math.ceil((4 * DAY_MS) / period);
  return Math.min(byPeriod, byDate);
}

/** Wall times before this cannot map to an instant after `after`, nor settle a DST shift (see rruleOccurrences). */
function searchFrom(spec: RruleSpec, tz: string, after: number): number {
  // Any zone's offset (wall = UTC −12 h … +14 h) plus two days for a DST shift to settle;
  // HOURLY and MINUTELY pay a step per period before `after`, so they start three hours
  // (more than any DST shift) before the wall time of `after` in this zone.
  const subDaily = spec.freq === Frequency.HOURLY || spec.freq === Frequency.MINUTELY;
  return subDaily ? wallAt(tz, after) - 3 * HOUR_MS : after - OFFSET_MARGIN_MS - 2 * DAY_MS;
}

/** FREQ=MINUTELY with BYHOUR: the arithmetic walk, with COUNT counted from dtstart and the same refusal as a capped library walk. */
function minutelyOccurrences(
  spec: RruleSpec,
  tz: string,
  dtstart: number,
  after: number,
  collector: { push: (wall: number) => boolean },
  lastWall: number,
): void {
  const from = spec.count === null ? Math.max(dtstart, searchFrom(spec, tz, after)) : dtstart;
  const to = spec.until === null ? lastWall : Math.min(lastWall, spec.until.utc ? spec.until.ms + OFFSET_MARGIN_MS : spec.until.ms);
  let seen = 0;
  let lastSeen = Number.NEGATIVE_INFINITY;
  const walk = walkMinutely(spec, dtstart, from, to, MAX_SEARCH_PERIODS, (wall) => {
    if (spec.count !== null && ++seen > spec.count) return false;
    lastSeen = wall;
    return collector.push(wall);
  });
  if (walk.capped && spec.count !== null && lastSeen < after - OFFSET_MARGIN_MS) throw tooFarBack(spec, spec.freq);
}

/**
 * The first `count` runs of the rule strictly after `after` in `tz` (skipped gap entries
 * included, not counted), starting from local `dtstart` (wall ms), within the search horizon.
 */
export function rruleOccurrences(
  spec: RruleSpec,
  tz: string,
  policy: DstPolicy,
  dtstart: number,
  after: number,
  count: number,
  set: { excluded?: (wall: number) => boolean; also?: readonly number[] } = {},
): Occurrence[] {
  if (unreachableReason(spec, dtstart) !== null)
    return set.also?.length ? alsoOnly(set.also, tz, policy, spec.interval, after, count, set.excluded) : [];
  const horizon = Math.max((SEARCH_HORIZON_DAYS + 1) * DAY_MS, RRULE_HORIZON_PERIODS * maxPeriodMs(spec.freq, spec.step));
  const lastWall = after + horizon;
  // UNTIL with Z is an instant: every pass of a repeated hour is compared with it after DST resolution.
  const untilAt = spec.until?.utc === true ? spec.until.ms : Number.POSITIVE_INFINITY;
  const collector = new Collector(new WallResolver(tz), policy, spec.interval, after, count, lastWall, { untilAt, excluded: set.excluded });
  const merged = withAlso(collector, set.also ?? []);
  if (spec.freq === Frequency.MINUTELY && spec.byhour.length > 0) {
    minutelyOccurrences(spec, tz, dtstart, after, merged, lastWall);
    merged.finish();
    return collector.result();
  }
  const opts = libraryOptions(spec, dtstart);
  const freq = opts.freq ?? spec.freq;
  const interval = opts.interval ?? spec.step;
  const start = searchStart(spec, opts, dtstart, searchFrom(spec, tz, after));
  // The margin keeps `after` beyond the cap for every zone's offset.
  if (spec.count !== null && countOutlastsWalk(opts, spec.count, start, after - OFFSET_MARGIN_MS, MAX_SEARCH_PERIODS))
    throw tooFarBack(spec, freq);
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
    if (lastSeen < after - OFFSET_MARGIN_MS && Math.ceil((after - start) / minPeriodMs(freq, interval)) > MAX_SEARCH_PERIODS)
      throw tooFarBack(spec, freq);
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
    while (open && i < also.length && (also[i] ?? Infinity) < wall) open = collector.push(also[i++] ?? 0, false);
    return open;
  };
  return {
    push: (wall) => {
      if (!feedUpTo(wall)) return false;
      // In both: fed once, as an RDATE time (which UNTIL does not bound).
      const inAlso = also[i] === wall;
      if (inAlso) i++;
      open = collector.push(wall, !inAlso);
      return open;
    },
    finish: () => void feedUpTo(Number.POSITIVE_INFINITY),
  };
}

/** A set whose rule never fires: only its `also` times. */
function alsoOnly(
  also: readonly number[],
  tz: string,
  policy: DstPolicy,
  interval: boolean,
  after: number,
  count: number,
  excluded?: (wall: number) => boolean,
): Occurrence[] {
  const collector = new Collector(new WallResolver(tz), policy, interval, after, count, after + (SEARCH_HORIZON_DAYS + 1) * DAY_MS, {
    excluded,
  });
  for (const wall of also) if (!collector.push(wall, false)) break;
  return collector.result();
}
