/** What to do with wall-clock times that a DST transition removes or repeats. */
export type DstPolicy = { gap: "shift" | "skip"; repeat: "auto" | "first" | "both" };

/** A task's schedule, as accepted by the API. */
export type Schedule =
  | { kind: "cron"; expression: string; timezone: string; dst?: DstPolicy; except?: string[] }
  | { kind: "rrule"; rule: string; timezone: string; dtstart?: string; dst?: DstPolicy; except?: string[]; also?: string[] }
  | { kind: "once"; at: string }
  | { kind: "delayed"; delay_seconds: number }
  | { kind: "event"; event: string };

/** One fire time of a schedule. */
export type Occurrence = {
  /** Epoch ms (UTC) of the fire instant. */
  at: number;
  /** Wall clock in the schedule's time zone with the offset in force, e.g. "2026-03-08T03:00:00-04:00". */
  local: string;
  /** Set when a DST transition moved or repeated this occurrence. */
  note?: string;
  /** Present only on an occurrence that does not run: dropped by dst.gap = "skip", or by `except` (note "excluded"). */
  skipped?: true;
};

export type ScheduleErrorCode = "invalid_cron" | "invalid_timezone" | "invalid_rrule" | "invalid_schedule";

/** A schedule that cannot be accepted; `field` is the JSON path of the culprit, e.g. "schedule.expression". */
export class ScheduleError extends Error {
  readonly code: ScheduleErrorCode;
  readonly field: string;

  constructor(code: ScheduleErrorCode, field: string, message: string) {
    super(message);
    this.name = "ScheduleError";
    this.code = code;
    this.field = field;
  }
}

/** The policy used when a cron or rrule schedule has none. */
export const DEFAULT_DST: DstPolicy = { gap: "shift", repeat: "auto" };

/** How far ahead cron and rrule searches look before giving up (days; about 11 years: every valid cron, Feb 29 included, fires within 8). */
export const SEARCH_HORIZON_DAYS = 366 * 11;

/** The largest `count` nextOccurrences honours; larger requests are clamped. */
export const MAX_OCCURRENCES = 10_000;

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
/**
 * Every UTC offset lies within −12 h … +14 h, so a wall time this far from an instant
 * (either way) brackets it: wall times earlier than `after − OFFSET_MARGIN_MS` cannot
 * map to an instant after `after`.
 */
export const OFFSET_MARGIN_MS = 15 * HOUR_MS;
export const DAY_MS = 86_400_000;
