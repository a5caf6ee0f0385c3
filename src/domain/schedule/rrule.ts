/**
 * RFC 5545 RRULE text: parsed and checked here part by part (so messages name the part),
 * then handed to the rrule library by rrule-next.ts (rules it cannot run are caught in rrule-reach.ts).
 */
import { Frequency } from "rrule";
import { parseWallDateTime } from "./civil";
import { unreachableReason } from "./rrule-reach";
import { ScheduleError } from "./types";

/** A validated recurrence rule. Weekdays use rrule's numbering (MO = 0 ... SU = 6). */
export type RruleSpec = {
  /** Normalized text: upper case, no "RRULE:" prefix. */
  rule: string;
  freq: Frequency;
  /** The INTERVAL part (1 when absent). */
  step: number;
  count: number | null;
  /** UNTIL as wall ms, or as an instant when written with Z (`utc`). */
  until: { ms: number; utc: boolean } | null;
  bymonth: number[];
  bymonthday: number[];
  byyearday: number[];
  byweekno: number[];
  byday: { weekday: number; n: number | null }[];
  byhour: number[];
  byminute: number[];
  bysetpos: number[];
  wkst: number | null;
  /** FREQ=HOURLY or MINUTELY: both passes of a repeated hour fire under repeat "auto". */
  interval: boolean;
};

const FREQS: Record<string, Frequency> = {
  YEARLY: Frequency.YEARLY,
  MONTHLY: Frequency.MONTHLY,
  WEEKLY: Frequency.WEEKLY,
  DAILY: Frequency.DAILY,
  HOURLY: Frequency.HOURLY,
  MINUTELY: Frequency.MINUTELY,
};
const WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
const PARTS = [
  "FREQ",
  "INTERVAL",
  "COUNT",
  "UNTIL",
  "BYMONTH",
  "BYWEEKNO",
  "BYYEARDAY",
  "BYMONTHDAY",
  "BYDAY",
  "BYHOUR",
  "BYMINUTE",
  "BYSETPOS",
  "WKST",
];
export const MAX_RRULE_COUNT = 10_000;
/**
 * The largest INTERVAL per frequency: one period spans at most 10,000 years (a longer one
 * could not reach a second occurrence before the year 9999 from any dtstart), and no
 * INTERVAL exceeds 1,000,000. Sub-daily and daily steps are arithmetic, so size costs nothing.
 */
export const MAX_RRULE_INTERVALS: Readonly<Record<number, number>> = {
  [Frequency.YEARLY]: 10_000,
  [Frequency.MONTHLY]: 120_000,
  [Frequency.WEEKLY]: 520_000,
  [Frequency.DAILY]: 1_000_000,
  [Frequency.HOURLY]: 1_000_000,
  [Frequency.MINUTELY]: 1_000_000,
};
/** The largest INTERVAL of any frequency. */
export const MAX_RRULE_INTERVAL = 1_000_000;

function ruleError(message: string): ScheduleError {
  return new ScheduleError("invalid_rrule", "schedule.rule", message);
}

function intIn(key: string, raw: string, min: number, max: number, why = ""): number {
  if (!/^\d+$/.test(raw)) throw ruleError(`${key}=${raw} is not a whole number`);
  const n = Number(raw);
  if (n < min || n > max) throw ruleError(`${key}=${raw} is out of range ${min}-${max}${why}`);
  return n;
}

function intList(key: string, raw: string, min: number, max: number, signed: boolean): number[] {
  return raw.split(",").map((item) => {
    if (!(signed ? /^[+-]?\d{1,3}$/ : /^\d{1,3}$/).test(item)) throw ruleError(`${key} value "${item}" is not a whole number`);
    const n = Number(item);
    if (Math.abs(n) < min || Math.abs(n) > max || (!signed && n < 0)) {
      const range = signed ? `${min}-${max} or -${max} to -${min}` : `${min}-${max}`;
      throw ruleError(`${key} value "${item}" is out of range ${range}`);
    }
    return n;
  });
}

/**
 * UNTIL with Z is an instant; without Z it is a local wall time (RFC 5545 floating); a bare
 * date is the start of that day, 00:00:00 local, as python-dateutil and rrule.js read it.
 */
function parseUntil(raw: string): { ms: number; utc: boolean } {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(raw);
  const wall = m ? parseWallDateTime(`${m[1]}-${m[2]}-${m[3]}T${m[4] ?? "00"}:${m[5] ?? "00"}:${m[6] ?? "00"}`) : null;
  if (!m || wall === null) {
    throw ruleError(`UNTIL=${raw} is not a date-time; use YYYYMMDDTHHMMSS (local), YYYYMMDDTHHMMSSZ (UTC) or YYYYMMDD`);
  }
  return { ms: wall, utc: m[7] === "Z" };
}

function parseByDay(raw: string): { weekday: number; n: number | null }[] {
  return raw.split(",").map((item) => {
    const m = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/.exec(item);
    if (!m || m[2] === undefined)
      throw ruleError(`BYDAY value "${item}" is not a weekday; use MO, TU, WE, TH, FR, SA, SU, optionally numbered (1MO, -1FR)`);
    const n = m[1] === undefined ? null : Number(m[1]);
    if (n !== null && (n === 0 || Math.abs(n) > 53)) throw ruleError(`BYDAY value "${item}": the number must be 1-53 or -53 to -1`);
    return { weekday: WEEKDAYS.indexOf(m[2]), n };
  });
}

/** Splits the text into KEY=VALUE parts, refusing unknown, empty and repeated parts. */
function splitParts(rule: string): Map<string, string> {
  if (typeof rule !== "string" || rule.trim() === "")
    throw ruleError("rule is empty; use e.g. FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=9;BYMINUTE=0");
  const text = rule
    .trim()
    .toUpperCase()
    .replace(/^RRULE:/, "")
    .replace(/;$/, "");
  if (/DTSTART|[\r\n]/.test(text)) throw ruleError("rule must hold only the RRULE parts; give the start as schedule.dtstart");
  const parts = new Map<string, string>();
  for (const part of text.split(";")) {
    const eq = part.indexOf("=");
    const key = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? "" : part.slice(eq + 1);
    if (key === "BYSECOND") throw ruleError("BYSECOND is not supported: schedules have minute precision");
    if (!PARTS.includes(key)) throw ruleError(`unknown RRULE part "${part}"; allowed parts are ${PARTS.join(", ")}`);
    if (value === "") throw ruleError(`${key} has no value; write ${key}=...`);
    if (parts.has(key)) throw ruleError(`${key} is given twice`);
    parts.set(key, value);
  }
  return parts;
}

/** RFC 5545 combinations that make no sense, and the ones the library cannot run safely. */
function checkCombinations(spec: RruleSpec, parts: Map<string, string>): void {
  const f = spec.freq;
  if (spec.count !== null && spec.until !== null) throw ruleError("COUNT and UNTIL cannot both be given; keep one");
  if (spec.byweekno.length > 0 && f !== Frequency.YEARLY) throw ruleError("BYWEEKNO needs FREQ=YEARLY");
  if (spec.byyearday.length > 0 && (f === Frequency.MONTHLY || f === Frequency.WEEKLY || f === Frequency.DAILY)) {
    throw ruleError("BYYEARDAY cannot be used with FREQ=MONTHLY, WEEKLY or DAILY");
  }
  if (spec.bymonthday.length > 0 && f === Frequency.WEEKLY) throw ruleError("BYMONTHDAY cannot be used with FREQ=WEEKLY");
  if (spec.byday.some((d) => d.n !== null) && (!(f === Frequency.MONTHLY || f === Frequency.YEARLY) || spec.byweekno.length > 0)) {
    throw ruleError("numbered BYDAY values (e.g. 1MO, -1FR) need FREQ=MONTHLY or FREQ=YEARLY (without BYWEEKNO)");
  }
  if (spec.bysetpos.length > 0 && [...parts.keys()].every((k) => !k.startsWith("BY") || k === "BYSETPOS")) {
    throw ruleError("BYSETPOS needs another BY part (e.g. BYDAY) to pick from");
  }
}

/** Parses a local dtstart "YYYY-MM-DDTHH:MM[:SS]" to wall ms; throws invalid_schedule on schedule.dtstart. */
export function parseDtstart(dtstart: string): number {
  const wall = typeof dtstart === "string" ? parseWallDateTime(dtstart) : null;
  if (wall !== null) return wall;
  const hasOffset = typeof dtstart === "string" && /(Z|[+-]\d{2}:?\d{2})$/i.test(dtstart);
  throw new ScheduleError(
    "invalid_schedule",
    "schedule.dtstart",
    hasOffset
      ? `dtstart "${dtstart}" has an offset; remove it: dtstart is a local date-time (YYYY-MM-DDTHH:MM[:SS]) read in the schedule's timezone`
      : `dtstart "${String(dtstart)}" is not a local date-time; use YYYY-MM-DDTHH:MM[:SS], e.g. 2026-03-02T09:00`,
  );
}

/** Parses and validates an RRULE (optional "RRULE:" prefix) and, if given, its local dtstart; throws ScheduleError. */
export function validateRrule(rule: string, dtstart?: string): RruleSpec {
  const parts = splitParts(rule);
  const freqText = parts.get("FREQ");
  if (freqText === undefined) throw ruleError("FREQ is required, e.g. FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0");
  if (freqText === "SECONDLY") throw ruleError("FREQ=SECONDLY is not supported: the minimum interval is one minute; use FREQ=MINUTELY");
  const freq = FREQS[freqText];
  if (freq === undefined) throw ruleError(`FREQ=${freqText} is not a frequency; use YEARLY, MONTHLY, WEEKLY, DAILY, HOURLY or MINUTELY`);
  const get = <T>(key: string, parse: (raw: string) => T, fallback: T): T => {
    const raw = parts.get(key);
    return raw === undefined ? fallback : parse(raw);
  };
  const wkst = get("WKST", (raw) => WEEKDAYS.indexOf(raw), null);
  if (wkst === -1) throw ruleError(`WKST=${parts.get("WKST") ?? ""} is not a weekday; use MO, TU, WE, TH, FR, SA or SU`);
  const spec: RruleSpec = {
    rule: [...parts].map(([k, v]) => `${k}=${v}`).join(";"),
    freq,
    step: get("INTERVAL", (raw) => intIn("INTERVAL", raw, 1, MAX_RRULE_INTERVALS[freq] ?? 1, ` for FREQ=${freqText}`), 1),
    count: get("COUNT", (raw) => intIn("COUNT", raw, 1, MAX_RRULE_COUNT), null),
    until: get("UNTIL", parseUntil, null),
    bymonth: get("BYMONTH", (raw) => intList("BYMONTH", raw, 1, 12, false), []),
    bymonthday: get("BYMONTHDAY", (raw) => intList("BYMONTHDAY", raw, 1, 31, true), []),
    byyearday: get("BYYEARDAY", (raw) => intList("BYYEARDAY", raw, 1, 366, true), []),
    byweekno: get("BYWEEKNO", (raw) => intList("BYWEEKNO", raw, 1, 53, true), []),
    byday: get("BYDAY", parseByDay, []),
    byhour: get("BYHOUR", (raw) => intList("BYHOUR", raw, 0, 23, false), []),
    byminute: get("BYMINUTE", (raw) => intList("BYMINUTE", raw, 0, 59, false), []),
    bysetpos: get("BYSETPOS", (raw) => intList("BYSETPOS", raw, 1, 366, true), []),
    wkst,
    interval: freq === Frequency.HOURLY || freq === Frequency.MINUTELY,
  };
  checkCombinations(spec, parts);
  if (dtstart !== undefined) {
    const reason = unreachableReason(spec, parseDtstart(dtstart));
    if (reason !== null) throw ruleError(`rule never fires: ${reason}; change the BY parts, INTERVAL or dtstart`);
  }
  return spec;
}
