/**
 * FREQ=MINUTELY with BYHOUR, computed arithmetically: the library's MINUTELY stepping jumps
 * whole hours when BYHOUR rejects one, which breaks INTERVAL alignment unless INTERVAL divides
 * 60 (and can loop). The rule's times are dtstart + k x INTERVAL minutes, kept when their
 * hour, minute and day pass the BY parts; days and hours that fail are skipped in one step.
 */
import { daysInMonth } from "./civil";
import type { RruleSpec } from "./rrule";
import { DAY_MS, HOUR_MS, MINUTE_MS } from "./types";

/** True when the wall day `day` (days since 1970-01-01) passes BYMONTH, BYMONTHDAY, BYYEARDAY and BYDAY. */
function dayPasses(spec: RruleSpec, day: number): boolean {
  const d = new Date(day * DAY_MS);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth() + 1;
  const dom = d.getUTCDate();
  if (spec.bymonth.length > 0 && !spec.bymonth.includes(month)) return false;
  if (spec.bymonthday.length > 0) {
    const last = daysInMonth(year, month);
    if (!spec.bymonthday.some((n) => (n > 0 ? n : last + n + 1) === dom)) return false;
  }
  if (spec.byyearday.length > 0) {
    const jan1 = new Date(0);
    jan1.setUTCFullYear(year, 0, 1);
    const yday = day - Math.floor(jan1.getTime() / DAY_MS) + 1;
    const length = daysInMonth(year, 2) === 29 ? 366 : 365;
    if (!spec.byyearday.some((n) => (n > 0 ? n : length + n + 1) === yday)) return false;
  }
  // rrule numbering: MO = 0 ... SU = 6 (numbered BYDAY is refused for MINUTELY).
  return spec.byday.length === 0 || spec.byday.some((x) => x.weekday === (d.getUTCDay() + 6) % 7);
}

export type MinutelyWalk = { visited: number; capped: boolean };

/**
 * Feeds `visit` the rule's wall times from `from` through `to` (wall ms, ascending), starting
 * the count at dtstart, until `visit` returns false or `maxSkips` days or hours were skipped.
 */
export function walkMinutely(
  spec: RruleSpec,
  dtstart: number,
  from: number,
  to: number,
  maxSkips: number,
  visit: (wall: number) => boolean,
): MinutelyWalk {
  const step = spec.step * MINUTE_MS;
  const first = (x: number): number => (x <= dtstart ? dtstart : dtstart + Math.ceil((x - dtstart) / step) * step);
  const hours = [...new Set(spec.byhour)].sort((a, b) => a - b);
  const minutes = [...new Set(spec.byminute)].sort((a, b) => a - b);
  let skips = 0;
  let visited = 0;
  let checkedDay = Number.NaN;
  for (let t = first(from); t <= to; ) {
    if (skips > maxSkips) return { visited, capped: true };
    const day = Math.floor(t / DAY_MS);
    if (day !== checkedDay) {
      if (!dayPasses(spec, day)) {
        skips++;
        t = first((day + 1) * DAY_MS);
        continue;
      }
      checkedDay = day;
    }
    const hour = Math.floor((t - day * DAY_MS) / HOUR_MS);
    if (!hours.includes(hour)) {
      skips++;
      const next = hours.find((h) => h > hour);
      t = first(next === undefined ? (day + 1) * DAY_MS : day * DAY_MS + next * HOUR_MS);
      continue;
    }
    const minute = Math.floor((t - day * DAY_MS - hour * HOUR_MS) / MINUTE_MS);
    if (minutes.length > 0 && !minutes.includes(minute)) {
      // The later times of this hour are minute + j x INTERVAL: go to the first in BYMINUTE, or to the next hour.
      skips++;
      const next = minutes.find((m) => m > minute && (m - minute) % spec.step === 0);
      t = next === undefined ? first(day * DAY_MS + (hour + 1) * HOUR_MS) : t + (next - minute) * MINUTE_MS;
      continue;
    }
    visited++;
    if (!visit(t)) return { visited, capped: false };
    t += step;
  }
  return { visited, capped: false };
}
