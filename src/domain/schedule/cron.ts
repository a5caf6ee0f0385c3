/**
 * Five-field cron expressions (minute hour day-of-month month day-of-week), Vixie semantics.
 * Each field is checked on its own and expanded through cron-parser, so every message can
 * name the field at fault. List items may be values, ranges, steps or ranges with steps.
 */
import { CronExpressionParser } from "cron-parser";
import { daysInMonth, monthName } from "./civil";
import { ScheduleError } from "./types";

/** A validated cron expression, expanded to the values each field allows. */
export type CronSpec = {
  /** The five-field form (macros expanded). */
  expression: string;
  minutes: readonly number[];
  hours: readonly number[];
  daysOfMonth: readonly number[];
  months: readonly number[];
  /** 0-6, Sunday = 0 (7 in the expression is folded into 0). */
  daysOfWeek: readonly number[];
  /** Day-of-month text starts with * or ? (Vixie: then day matching is dom AND dow). */
  domStar: boolean;
  dowStar: boolean;
  /** Minute or hour holds a wildcard, range or step: an interval schedule, not a fixed time of day. */
  interval: boolean;
};

type FieldKey = "minute" | "hour" | "dayOfMonth" | "month" | "dayOfWeek";
type FieldDef = { key: FieldKey; label: string; min: number; max: number; names: readonly string[]; day: boolean };

const MONTH_NAMES = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const FIELDS: readonly FieldDef[] = [
  { key: "minute", label: "minute", min: 0, max: 59, names: [], day: false },
  { key: "hour", label: "hour", min: 0, max: 23, names: [], day: false },
  { key: "dayOfMonth", label: "day-of-month", min: 1, max: 31, names: [], day: true },
  { key: "month", label: "month", min: 1, max: 12, names: MONTH_NAMES, day: false },
  { key: "dayOfWeek", label: "day-of-week", min: 0, max: 7, names: DAY_NAMES, day: true },
];
const FIELD_LIST = "minute hour day-of-month month day-of-week";

/** The cron macros we accept, each as the 5 fields it stands for. */
export const CRON_MACROS: Readonly<Record<string, string>> = {
  "@hourly": "0 * * * *",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@weekly": "0 0 * * 0",
  "@monthly": "0 0 1 * *",
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
};

const UNSUPPORTED_LETTERS: Record<string, string> = {
  L: `"L" (last day)`,
  W: `"W" (nearest weekday)`,
  LW: `"LW" (last weekday)`,
  H: `"H" (hashed value)`,
};

function cronError(message: string): ScheduleError {
  return new ScheduleError("invalid_cron", "schedule.expression", message);
}

/** Syntax checks cron-parser would accept or word poorly (names, L/W/#/H, ?). */
function precheck(def: FieldDef, text: string): void {
  const where = `${def.label} field "${text}"`;
  if (text.includes("#")) throw cronError(`${where} uses "#" (nth weekday), which is not supported; list the days instead`);
  const bad = /[^0-9A-Za-z*?,/-]/.exec(text);
  if (bad) throw cronError(`${where} contains "${bad[0]}"; use numbers, names, *, ranges (1-5), lists (1,3) and steps (*/15)`);
  if (text.includes("?") && !def.day) {
    throw cronError(`${where} uses "?", which is allowed only in the day-of-month and day-of-week fields; use "*"`);
  }
  for (const [word] of text.matchAll(/[A-Za-z]+/g)) {
    const special = UNSUPPORTED_LETTERS[word.toUpperCase()];
    if (special !== undefined) throw cronError(`${where} uses ${special}, which is not supported; list the values explicitly`);
    if (def.names.includes(word.toLowerCase())) continue;
    if (def.names.length === 0) throw cronError(`${where} contains "${word}"; the ${def.label} field takes numbers only`);
    const hint = def.key === "month" ? "JAN-DEC" : "SUN-SAT";
    throw cronError(`${where} contains unknown name "${word}"; use three-letter names ${hint} or numbers`);
  }
}

/** Rewords a cron-parser error for one field. */
function fieldError(def: FieldDef, text: string, err: unknown): ScheduleError {
  const msg = err instanceof Error ? err.message : String(err);
  const where = `${def.label} field "${text}"`;
  const range = `${def.min}-${def.max}`;
  const value = /got value (\S+) expected range/.exec(msg)?.[1] ?? /got range (\S+) expected range/.exec(msg)?.[1];
  if (value !== undefined) {
    return cronError(value === text ? `${where} is out of range ${range}` : `${where}: ${value} is out of range ${range}`);
  }
  const backwards = /Invalid range: (\d+-\d+), min/.exec(msg)?.[1];
  if (backwards !== undefined) return cronError(`${where}: range ${backwards} runs backwards; write ranges low-high`);
  const step = /cannot repeat at every (\S+) time/.exec(msg)?.[1];
  if (step !== undefined) return cronError(`${where}: step "${step}" must be a whole number of at least 1`);
  return cronError(`${where} is not valid (${msg}); use numbers, names, *, ranges (1-5), lists (1,3) and steps (*/15)`);
}

/** Expands one list item (a value, range, step or range with a step) through cron-parser, the other fields held at "*". */
function expandItem(def: FieldDef, text: string, item: string): readonly (number | string)[] {
  const parts = ["0", "*", "*", "*", "*", "*"];
  parts[FIELDS.indexOf(def) + 1] = item;
  try {
    return CronExpressionParser.parse(parts.join(" ")).fields[def.key].values;
  } catch (err) {
    throw fieldError(def, text, err);
  }
}

/**
 * Expands one field. Each comma item is expanded on its own and the values are united, as
 * Vixie cron does: items may overlap, as 30 does in "0-59/15,30-59/10" (cron-parser alone
 * refuses a list whose items share a value).
 */
function expandField(def: FieldDef, text: string): number[] {
  precheck(def, text);
  const items = text.split(",");
  if (items.some((item) => item === "")) throw cronError(`${def.label} field "${text}" has an empty list item; remove the extra comma`);
  const values = items.flatMap((item) => expandItem(def, text, item));
  const numbers = values.filter((v): v is number => typeof v === "number").map((v) => (def.key === "dayOfWeek" ? v % 7 : v));
  const unique = [...new Set(numbers)].sort((a, b) => a - b);
  if (unique.length === 0) throw cronError(`${def.label} field "${text}" selects no value`);
  return unique;
}

/** Splits an expression into five field texts, expanding macros. */
function splitFields(expr: string): string[] {
  const trimmed = typeof expr === "string" ? expr.trim() : "";
  if (trimmed === "") throw cronError(`cron expression is empty; use 5 fields (${FIELD_LIST}), e.g. "*/15 * * * *"`);
  if (trimmed.length > 255) throw cronError("cron expression is longer than 255 characters");
  if (trimmed.startsWith("@")) {
    const macro = CRON_MACROS[trimmed.toLowerCase()];
    if (macro === undefined) {
      throw cronError(`macro "${trimmed}" is not supported; use ${Object.keys(CRON_MACROS).join(", ")} or 5 fields (${FIELD_LIST})`);
    }
    return macro.split(" ");
  }
  const fields = trimmed.split(/\s+/);
  if (fields.length === 6 || fields.length === 7) {
    const what = fields.length === 6 ? "seconds are" : "seconds and years are";
    throw cronError(`cron expression "${trimmed}" has ${fields.length} fields; ${what} not supported: use 5 fields (${FIELD_LIST})`);
  }
  if (fields.length !== 5) {
    throw cronError(
      `cron expression "${trimmed}" has ${fields.length} field${fields.length === 1 ? "" : "s"}; use 5 fields (${FIELD_LIST}), e.g. "*/15 * * * *"`,
    );
  }
  return fields;
}

/** Throws when no selected month holds a selected day-of-month (counting 29 February) and days combine with AND. */
function assertCanFire(spec: CronSpec): void {
  if (!spec.domStar && !spec.dowStar) return; // Vixie OR: every matching weekday fires
  const lastDay = (m: number): number => (m === 2 ? 29 : daysInMonth(2001, m));
  if (spec.months.some((m) => spec.daysOfMonth.some((d) => d <= lastDay(m)))) return;
  const days = spec.daysOfMonth.join(",");
  const months = spec.months.map(monthName).join(", ");
  throw cronError(
    `cron expression "${spec.expression}" never fires: day-of-month ${days} does not exist in ${months}; ` +
      "fix the day-of-month or month field",
  );
}

/** Parses and validates a 5-field cron expression (or macro); throws ScheduleError invalid_cron on schedule.expression. */
export function validateCron(expr: string): CronSpec {
  const texts = splitFields(expr);
  const [minute, hour, dom, month, dow] = FIELDS.map((def, i) => expandField(def, texts[i] ?? ""));
  const [minuteText = "", hourText = "", domText = "", , dowText = ""] = texts;
  if (!minute || !hour || !dom || !month || !dow) throw cronError("cron expression could not be read");
  const spec: CronSpec = {
    expression: texts.join(" "),
    minutes: minute,
    hours: hour,
    daysOfMonth: dom,
    months: month,
    daysOfWeek: dow,
    domStar: /^[*?]/.test(domText),
    dowStar: /^[*?]/.test(dowText),
    interval: /[*/-]/.test(minuteText) || /[*/-]/.test(hourText),
  };
  assertCanFire(spec);
  return spec;
}

/** True when the expression repeats within the day (minute or hour has *, - or /): both passes of a repeated hour fire under repeat "auto". */
export function isIntervalCron(spec: CronSpec): boolean {
  return spec.interval;
}
