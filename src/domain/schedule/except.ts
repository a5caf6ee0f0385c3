/**
 * Exclusions and additions of a cron or rrule schedule (RFC 5545 EXDATE and RDATE), in
 * the schedule's time zone: `except` holds local dates ("2026-12-25": every occurrence
 * of that day) or local date-times ("2026-12-24T09:00": that occurrence only, matched on
 * its nominal wall time, before any DST shift); `also` (rrule only) holds extra local
 * date-times. An excluded occurrence stays in the occurrence list, marked skipped with
 * the note "excluded", so previews show it and the engine records it.
 */
import { DAY_MS } from "./types";
import { ScheduleError } from "./types";
import { parseWallDateTime } from "./civil";

/** At most this many entries in `except`, and in `also`. */
export const MAX_SCHEDULE_DATES = 1000;
/** The note of an occurrence an `except` entry removed. */
export const EXCLUDED_NOTE = "excluded";

/** Parsed exclusions: whole local days (wall day numbers) and single wall times. */
export type Exclusions = { days: ReadonlySet<number>; walls: ReadonlySet<number> };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function listOf(field: string, value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    throw new ScheduleError(
      "invalid_schedule",
      field,
      `${field.slice("schedule.".length)} must be a list of local dates or date-times, e.g. ["2026-12-25", "2026-12-31T09:00"]`,
    );
  }
  if (value.length > MAX_SCHEDULE_DATES) {
    throw new ScheduleError(
      "invalid_schedule",
      field,
      `${field.slice("schedule.".length)} has ${value.length} entries; at most ${MAX_SCHEDULE_DATES} are allowed`,
    );
  }
  return value as string[];
}

/** A local date (wall ms of its midnight) or null when `text` is not one that exists. */
function parseDate(text: string): number | null {
  const m = DATE.exec(text);
  return m ? parseWallDateTime(`${m[1]}-${m[2]}-${m[3]}T00:00`) : null;
}

/** Validates `except`; throws ScheduleError naming the entry (`schedule.except[3]`). */
export function parseExcept(value: unknown): Exclusions {
  const days = new Set<number>();
  const walls = new Set<number>();
  listOf("schedule.except", value).forEach((text, i) => {
    const day = parseDate(text);
    if (day !== null) {
      days.add(day / DAY_MS);
      return;
    }
    const wall = parseWallDateTime(text);
    if (wall === null) {
      throw new ScheduleError(
        "invalid_schedule",
        `schedule.except[${i}]`,
        `except[${i}] "${text}" is not a local date (YYYY-MM-DD) or local date-time (YYYY-MM-DDTHH:MM[:SS]) that exists; no offset: it is read in the schedule's timezone`,
      );
    }
    walls.add(wall);
  });
  return { days, walls };
}

/** Validates `also` (local date-times); returns their wall ms, ascending and distinct. */
export function parseAlso(value: unknown): number[] {
  const out = listOf("schedule.also", value).map((text, i) => {
    const wall = parseWallDateTime(text);
    if (wall === null) {
      throw new ScheduleError(
        "invalid_schedule",
        `schedule.also[${i}]`,
        `also[${i}] "${text}" is not a local date-time (YYYY-MM-DDTHH:MM[:SS]) that exists; no offset: it is read in the schedule's timezone`,
      );
    }
    return wall;
  });
  return [...new Set(out)].sort((a, b) => a - b);
}

/** True when the nominal wall time `wall` is excluded. */
export function isExcluded(ex: Exclusions | null, wall: number): boolean {
  if (ex === null) return false;
  return ex.walls.has(wall) || ex.days.has(Math.floor(wall / DAY_MS));
}
