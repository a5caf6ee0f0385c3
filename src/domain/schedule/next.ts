/** Fire times of any schedule kind. Time is always an input: nothing here reads the clock. */
import { localText } from "./civil";
import { validateCron } from "./cron";
import type { CronSpec } from "./cron";
import { cronOccurrences } from "./cron-next";
import { isExcluded, parseAlso, parseExcept } from "./except";
import type { Exclusions } from "./except";
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
const exceptCache = new Map<string, Exclusions>();

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

/** The predicate of a schedule's `except` list (undefined when it has none). */
function exclusionOf(except: readonly string[] | undefined): ((wall: number) => boolean) | undefined {
  if (except === undefined || except.length === 0) return undefined;
  // The tick evaluates a task's schedule several times: up to 1000 dates are parsed once.
  const ex = cached(exceptCache, except.join(","), () => parseExcept(except));
  return (wall) => isExcluded(ex, wall);
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
      return cronOccurrences(spec, tz, { ...DEFAULT_DST, ...s.dst }, after, n, exclusionOf(s.except));
    }
    case "rrule": {
      const tz = validateTimezone(s.timezone);
      const spec = cached(rruleCache, s.rule, () => validateRrule(s.rule));
      const set = { excluded: exclusionOf(s.except), also: s.also === undefined ? undefined : parseAlso(s.also) };
      return rruleOccurrences(spec, tz, { ...DEFAULT_DST, ...s.dst }, rruleStart(s.dtstart, tz, anchor), after, n, set);
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

/**
 * From one search: the first run of `s` strictly after `after`, and the first occurrence
 * before it that will not run (DST-skipped or excluded), which the engine records when its
 * time comes. Either is null when there is none.
 */
export function nextRunAndSkip(s: Schedule, after: number, anchor: number): { run: number | null; skip: number | null } {
  const occurrences = nextOccurrences(s, after, 1, anchor);
  const run = occurrences.find((o) => o.skipped !== true)?.at ?? null;
  const skip = occurrences.find((o) => o.skipped === true && (run === null || o.at < run))?.at ?? null;
  return { run, skip };
}

/** The first non-skipped occurrence of `s` strictly after `after`, or null when there is none. */
export function nextRunAt(s: Schedule, after: number, anchor: number): number | null {
  return nextOccurrences(s, after, 1, anchor).find((o) => o.skipped !== true)?.at ?? null;
}
