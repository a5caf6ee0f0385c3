/**
 * A schedule in words, as the Tasks page and the task page show it: "At 02:00 every day,
 * America/New_York", "Every 5 minutes", an RRULE through rrule's own toText. Expressions
 * this does not recognise are shown as they are ("Cron 5 4 1-7 * MON"): plain and exact
 * beats a wrong sentence.
 */
import { RRule } from "rrule";
import type { components } from "../../client";
import { CRON_MACROS } from "../../domain/schedule/cron";

type Schedule = components["schemas"]["Task"]["schedule"];

const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const DAY_NAMES: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

const num = (f: string) => /^\d+$/.test(f);
const pad = (n: string | number) => String(n).padStart(2, "0");
const plural = (n: number, one: string) => (n === 1 ? one : `${n} ${one}s`);

function dayOfWeek(f: string): string | null {
  const day = (d: string) => {
    const n = num(d) ? Number(d) % 7 : DAY_NAMES[d.toLowerCase()];
    return n === undefined ? null : DAYS[n];
  };
  const range = /^(\w+)-(\w+)$/.exec(f);
  if (range?.[1] && range[2]) {
    const [a, b] = [day(range[1]), day(range[2])];
    return a && b ? `${a} to ${b}` : null;
  }
  const list = f.split(",").map(day);
  return list.every(Boolean) ? list.join(", ") : null;
}

/** The five fields of a cron expression in words, or null when it is not a common shape. */
export function cronWords(expression: string): string | null {
  const fields = (CRON_MACROS[expression.trim().toLowerCase()] ?? expression).trim().split(/\s+/);
  if (fields.length !== 5) return null;
  const [min, hour, dom, mon, dow] = fields as [string, string, string, string, string];
  const anyDay = (dom === "*" || dom === "?") && mon === "*";
  const every = /^\*\/(\d+)$/;
  if (anyDay && (dow === "*" || dow === "?")) {
    if (min === "*" && hour === "*") return "Every minute";
    const m = every.exec(min);
    if (m?.[1] && hour === "*") return `Every ${plural(Number(m[1]), "minute")}`;
    if (num(min) && hour === "*") return min === "0" ? "Every hour" : `Every hour at minute ${Number(min)}`;
    const h = every.exec(hour);
    if (num(min) && h?.[1]) return `Every ${plural(Number(h[1]), "hour")} at minute ${Number(min)}`;
  }
  if (!num(min) || !num(hour)) return null;
  const at = `At ${pad(hour)}:${pad(min)}`;
  if (anyDay && (dow === "*" || dow === "?")) return `${at} every day`;
  if (anyDay) {
    const days = dayOfWeek(dow);
    return days ? `${at} on ${days}` : null;
  }
  const anyWeekday = dow === "*" || dow === "?";
  if (num(dom) && mon === "*" && anyWeekday) return `${at} on day ${Number(dom)} of every month`;
  if (num(dom) && num(mon) && anyWeekday && MONTHS[Number(mon) - 1]) return `${at} on day ${Number(dom)} of ${MONTHS[Number(mon) - 1]}`;
  return null;
}

function rruleWords(rule: string): string {
  try {
    const text = RRule.fromString(rule.replace(/^RRULE:/i, "")).toText();
    return text.charAt(0).toUpperCase() + text.slice(1);
  } catch {
    return `RRULE ${rule}`;
  }
}

/** A schedule in words, ending with its time zone where it has one. */
export function scheduleWords(s: Schedule): string {
  switch (s.kind) {
    case "cron":
      return `${cronWords(s.expression) ?? `Cron ${s.expression}`}, ${s.timezone ?? "UTC"}`;
    case "rrule":
      return `${rruleWords(s.rule)}, ${s.timezone ?? "UTC"}`;
    case "once":
      return `Once at ${s.at}`;
    case "delayed":
      return `Once, ${plural(s.delay_seconds, "second")} after it was created`;
    case "event":
      return `When the event “${s.event}” arrives`;
  }
}

/** The time zone a task's times are shown in (UTC for schedules without one). */
export const zoneOf = (s: Schedule): string => ("timezone" in s && s.timezone ? s.timezone : "UTC");
