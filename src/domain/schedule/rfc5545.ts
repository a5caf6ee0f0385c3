/**
 * RFC 5545 text for an rrule schedule, as some APIs carry it: an optional
 * `DTSTART[;TZID=zone]:YYYYMMDDTHHMMSS` line, the RRULE, and `EXDATE` / `EXDATE;VALUE=DATE` /
 * `RDATE` lines (the schedule's `except` / `also`). Values are local to the schedule's time
 * zone: a TZID naming another zone, or a UTC value (Z) outside UTC, is refused.
 */
import { validateTimezone } from "./timezone";
import { ScheduleError } from "./types";
import type { Schedule } from "./types";

type RruleSchedule = Extract<Schedule, { kind: "rrule" }>;
type DateName = "EXDATE" | "RDATE";

const textError = (message: string) => new ScheduleError("invalid_schedule", "schedule.rule", message);
const compact = (local: string) => (local.length === 16 ? `${local}:00` : local).replace(/[-:]/g, "");

function dateValues(name: DateName, params: string, values: string, timezone: string): string[] {
  const tzid = /;TZID=([^;:]+)/i.exec(params)?.[1];
  if (tzid !== undefined && validateTimezone(tzid) !== timezone)
    throw textError(`${name} TZID=${tzid} differs from the schedule's timezone ${timezone}; give ${name} in ${timezone}`);
  const valueType = /;VALUE=([^;:]+)/i.exec(params)?.[1]?.toUpperCase();
  return values.split(",").map((v) => {
    const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/i.exec(v.trim());
    if (!m || (valueType === "DATE") !== (m[4] === undefined) || (name === "RDATE" && m[4] === undefined)) {
      throw textError(
        `${name} value "${v}" is not a ${name === "RDATE" ? "date-time (YYYYMMDDTHHMMSS)" : "date-time (YYYYMMDDTHHMMSS) or, with VALUE=DATE, a date (YYYYMMDD)"}`,
      );
    }
    if (m[7] && timezone !== "UTC") throw textError(`${name} value "${v}" is in UTC (ends in Z); give it as local time in ${timezone}`);
    return m[4] === undefined ? `${m[1]}-${m[2]}-${m[3]}` : `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}`;
  });
}

/** Reads RFC 5545 text into an rrule schedule in `timezone` (a DTSTART's TZID wins). Throws ScheduleError. */
export function fromRfc5545(text: string, timezone: string): RruleSchedule {
  let tz = validateTimezone(timezone);
  let dtstart: string | undefined;
  const ruleLines: string[] = [];
  const dates: { name: DateName; params: string; values: string }[] = [];
  for (const line of text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)) {
    const d = /^(EXDATE|RDATE)((?:;[^:]*)?):(.*)$/i.exec(line);
    if (d) {
      dates.push({ name: (d[1] ?? "").toUpperCase() as DateName, params: d[2] ?? "", values: d[3] ?? "" });
      continue;
    }
    const m = /^DTSTART(?:;TZID=([^:]+))?:(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)$/i.exec(line);
    if (!m) {
      ruleLines.push(line);
      continue;
    }
    if (m[1]) tz = validateTimezone(m[1]);
    if (m[8] && tz !== "UTC")
      throw textError("a DTSTART in UTC (ending in Z) needs timezone UTC; give DTSTART as local time with TZID instead");
    dtstart = `${m[2]}-${m[3]}-${m[4]}T${m[5]}:${m[6]}:${m[7]}`;
  }
  const except = dates.filter((d) => d.name === "EXDATE").flatMap((d) => dateValues("EXDATE", d.params, d.values, tz));
  const also = dates.filter((d) => d.name === "RDATE").flatMap((d) => dateValues("RDATE", d.params, d.values, tz));
  return {
    kind: "rrule",
    rule: ruleLines.join(";"),
    timezone: tz,
    ...(dtstart && { dtstart }),
    ...(except.length > 0 && { except }),
    ...(also.length > 0 && { also }),
  };
}

/** The rule with its `except`/`also` as RFC 5545 lines (EXDATE;VALUE=DATE for whole days, EXDATE and RDATE for date-times). */
export function toRfc5545(s: RruleSchedule): string {
  const except = s.except ?? [];
  const days = except.filter((d) => d.length === 10).map(compact);
  const times = except.filter((d) => d.length > 10).map(compact);
  return [
    s.rule,
    ...(days.length > 0 ? [`EXDATE;VALUE=DATE:${days.join(",")}`] : []),
    ...(times.length > 0 ? [`EXDATE:${times.join(",")}`] : []),
    ...(s.also?.length ? [`RDATE:${s.also.map(compact).join(",")}`] : []),
  ].join("\n");
}
