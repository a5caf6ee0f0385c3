/** Schedule maths: validation and fire times for cron, rrule, once, delayed and event schedules. */
export { DEFAULT_DST, MAX_OCCURRENCES, SEARCH_HORIZON_DAYS, ScheduleError } from "./types";
export type { DstPolicy, Occurrence, Schedule, ScheduleErrorCode } from "./types";
export { validateTimezone } from "./timezone";
export { isIntervalCron, validateCron } from "./cron";
export type { CronSpec } from "./cron";
export { cronDayMatches } from "./cron-next";
export { MAX_RRULE_COUNT, MAX_RRULE_INTERVAL, MAX_RRULE_INTERVALS, validateRrule } from "./rrule";
export type { RruleSpec } from "./rrule";
export { MAX_DELAY_SECONDS, validateSchedule } from "./validate";
export { nextOccurrences, nextRunAndSkip, nextRunAt } from "./next";
export { instantField, parseInstant } from "./instant";
export { EXCLUDED_NOTE, MAX_SCHEDULE_DATES } from "./except";
export { fromRfc5545, toRfc5545 } from "./rfc5545";
export { dueOnce, onceAtLocal } from "./once";
