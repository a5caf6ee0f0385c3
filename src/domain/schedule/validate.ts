/** Validation and normalization of a schedule of any kind, as of a given `now`. */
import { wallIso } from "./civil";
import { validateCron } from "./cron";
import { parseAlso, parseExcept } from "./except";
import { parseInstant } from "./instant";
import { nextRunAt, rruleStart } from "./next";
import { validateRrule } from "./rrule";
import { RRULE_HORIZON_PERIODS } from "./rrule-next";
import { validateTimezone } from "./timezone";
import { DEFAULT_DST, ScheduleError } from "./types";
import type { DstPolicy, Schedule } from "./types";

export const MAX_DELAY_SECONDS = 31_536_000;
const EVENT_NAME = /^[A-Za-z0-9._:-]{1,200}$/;
const HORIZON_TEXT = "within the next 11 years";

function invalid(field: string, message: string): ScheduleError {
  return new ScheduleError("invalid_schedule", field, message);
}

/** The DST policy with defaults filled in; throws on unknown values. */
function validateDst(dst: Partial<DstPolicy> | undefined): DstPolicy {
  if (dst === undefined || dst === null) return { ...DEFAULT_DST };
  if (typeof dst !== "object") throw invalid("schedule.dst", 'dst must be an object such as {"gap":"shift","repeat":"auto"}');
  const out = { ...DEFAULT_DST, ...dst };
  if (out.gap !== "shift" && out.gap !== "skip")
    throw invalid("schedule.dst.gap", `dst.gap "${String(out.gap)}" must be "shift" or "skip"`);
  if (out.repeat !== "auto" && out.repeat !== "first" && out.repeat !== "both") {
    throw invalid("schedule.dst.repeat", `dst.repeat "${String(out.repeat)}" must be "auto", "first" or "both"`);
  }
  return { gap: out.gap, repeat: out.repeat };
}

/**
 * Validates `s` as of `now` (epoch ms) and returns a normalized copy: cron/rrule get the
 * default DST policy filled in, an rrule without dtstart starts at `now` (floored to the
 * minute, local wall clock), and rule text is normalized. Throws ScheduleError.
 */
export function validateSchedule(s: Schedule, now: number): Schedule {
  if (typeof s !== "object" || s === null) throw invalid("schedule", "schedule must be an object with a kind");
  switch (s.kind) {
    case "cron": {
      const timezone = validateTimezone(s.timezone);
      validateCron(s.expression);
      parseExcept(s.except);
      const out: Schedule = {
        kind: "cron",
        expression: s.expression.trim(),
        timezone,
        dst: validateDst(s.dst),
        ...(s.except?.length && { except: s.except }),
      };
      if (nextRunAt(out, now, now) === null) {
        throw new ScheduleError("invalid_cron", "schedule.expression", `cron expression "${out.expression}" does not fire ${HORIZON_TEXT}`);
      }
      return out;
    }
    case "rrule": {
      const timezone = validateTimezone(s.timezone);
      const dtstart = s.dtstart ?? wallIso(rruleStart(undefined, timezone, now));
      const spec = validateRrule(s.rule, dtstart);
      parseExcept(s.except);
      parseAlso(s.also);
      const out: Schedule = {
        kind: "rrule",
        rule: spec.rule,
        timezone,
        dtstart,
        dst: validateDst(s.dst),
        ...(s.except?.length && { except: s.except }),
        ...(s.also?.length && { also: s.also }),
      };
      if (nextRunAt(out, now, now) === null) {
        throw invalid(
          "schedule.rule",
          `rule has no occurrence after now ${HORIZON_TEXT} (or ${RRULE_HORIZON_PERIODS} periods of FREQ x INTERVAL, if longer); check COUNT, UNTIL, dtstart and the BY parts`,
        );
      }
      return out;
    }
    case "once": {
      const parsed = parseInstant(s.at);
      if ("error" in parsed) throw invalid("schedule.at", `at ${parsed.error}`);
      if (parsed.at <= now) throw invalid("schedule.at", `at "${s.at}" is in the past; it must be in the future`);
      return { kind: "once", at: s.at };
    }
    case "delayed": {
      const d = s.delay_seconds;
      if (typeof d !== "number" || !Number.isInteger(d) || d < 1 || d > MAX_DELAY_SECONDS) {
        throw invalid(
          "schedule.delay_seconds",
          `delay_seconds must be a whole number from 1 to ${MAX_DELAY_SECONDS} (one year); got ${String(d)}`,
        );
      }
      return { kind: "delayed", delay_seconds: d };
    }
    case "event": {
      if (typeof s.event !== "string" || !EVENT_NAME.test(s.event)) {
        throw invalid("schedule.event", "event must be 1-200 characters of letters, digits, '.', '_', ':' and '-'");
      }
      return { kind: "event", event: s.event };
    }
    default: {
      const kind = (s as { kind?: unknown }).kind;
      throw invalid("schedule.kind", `kind "${String(kind)}" is not one of cron, rrule, once, delayed, event`);
    }
  }
}
