/** Fire times of any schedule kind. Time is always an input: nothing here reads the clock. */
import { localText } from "./civil";
import { validateCron } from "./cron";
import type { CronSpec } from "./cron";
import { cronOccurrences } from "./cron-next";
import { parseInstant } from "./instant";
import { parseDtstart, validateRrule } from "./rrule";
import type { RruleSpec } from "./rrule";
import { rruleOccurrences } from "./rrule-next";
import { validateTimezone, wallAt } from "./timezone";
import { DEFAULT_DST, MAX_OCCURRENCES, MINUTE_MS, ScheduleError } from "./types";
import type { Occurrence, Schedule } from "./types";

const CACHE_SIZE = 500;
const cronCache = new Map<string, CronSpec>();
const rruleCache = new Map<string, RruleSpec>();

function cached<T>(cache: Map<string, T>, key: string, make: () => T): T {
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const value = make();
  if (cache.size >= CACHE_SIZE) {
    const oldest = cache.keys().next();
    if (oldest.done !== true) cache.delete(oldest.value);
  }
  cache.set(key, value);
  return value;
}

/** Local dtstart of an rrule schedule as wall ms: the given one, else `anchor` floored to the minute in the zone. */
export function rruleStart(dtstart: string | undefined, tz: string, anchor: number): number {
  if (dtstart !== undefined) return parseDtstart(dtstart);
  return Math.floor(wallAt(tz, anchor) / MINUTE_MS) * MINUTE_MS;
}

function single(at: number, offset: number, after: number): Occurrence[] {
  return at > after ? [{ at, local: localText(at, offset) }] : [];
}

/**
 * The next `count` occurrences of `s` strictly after `after` (epoch ms), ascending and one per
 * instant. Entries with `skipped: true` (DST gap under gap "skip") are included in time order
 * but not counted. `anchor` is what a delayed schedule counts from (and an rrule without
 * dtstart starts at). `count` is clamped to MAX_OCCURRENCES; searches stop after about 30
 * years. Throws ScheduleError when `s` is not valid.
 */
export function nextOccurrences(s: Schedule, after: number, count: number, anchor: number): Occurrence[] {
  const n = Math.min(Math.floor(count), MAX_OCCURRENCES);
  if (!(n > 0)) return [];
  switch (s.kind) {
    case "cron": {
      const tz = validateTimezone(s.timezone);
      const spec = cached(cronCache, s.expression, () => validateCron(s.expression));
      return cronOccurrences(spec, tz, { ...DEFAULT_DST, ...s.dst }, after, n);
    }
    case "rrule": {
      const tz = validateTimezone(s.timezone);
      const spec = cached(rruleCache, s.rule, () => validateRrule(s.rule));
      return rruleOccurrences(spec, tz, { ...DEFAULT_DST, ...s.dst }, rruleStart(s.dtstart, tz, anchor), after, n);
    }
    case "once": {
      const parsed = parseInstant(s.at);
      if ("error" in parsed) throw new ScheduleError("invalid_schedule", "schedule.at", parsed.error);
      return single(parsed.at, parsed.offset, after);
    }
    case "delayed":
      return single(anchor + s.delay_seconds * 1000, 0, after);
    case "event":
      return [];
  }
}

/** The first non-skipped occurrence of `s` strictly after `after`, or null when there is none. */
export function nextRunAt(s: Schedule, after: number, anchor: number): number | null {
  return nextOccurrences(s, after, 1, anchor).find((o) => o.skipped !== true)?.at ?? null;
}
