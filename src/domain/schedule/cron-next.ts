/** Fire times of a cron expression in a time zone: walks local calendar days, then hours x minutes. */
import { Collector } from "./collect";
import type { CronSpec } from "./cron";
import { WallResolver } from "./resolve";
import { DAY_MS, HOUR_MS, MINUTE_MS, OFFSET_MARGIN_MS, SEARCH_HORIZON_DAYS } from "./types";
import type { DstPolicy, Occurrence } from "./types";

function mask(values: readonly number[], size: number): boolean[] {
  const out = new Array<boolean>(size).fill(false);
  for (const v of values) out[v] = true;
  return out;
}

/** Vixie cron day matching: AND when either day field is a star, otherwise OR. */
export function cronDayMatches(spec: CronSpec, dayOfMonth: number, dayOfWeek: number): boolean {
  const dom = spec.daysOfMonth.includes(dayOfMonth);
  const dow = spec.daysOfWeek.includes(dayOfWeek);
  return spec.domStar || spec.dowStar ? dom && dow : dom || dow;
}

/**
 * The first `count` runs of `spec` strictly after `after` in `tz` (skipped gap entries
 * included, not counted), searching at most SEARCH_HORIZON_DAYS of local days.
 */
export function cronOccurrences(
  spec: CronSpec,
  tz: string,
  policy: DstPolicy,
  after: number,
  count: number,
  excluded?: (wall: number) => boolean,
): Occurrence[] {
  const firstDay = Math.floor((after - OFFSET_MARGIN_MS) / DAY_MS);
  const lastDay = firstDay + SEARCH_HORIZON_DAYS;
  const collector = new Collector(new WallResolver(tz), policy, spec.interval, after, count, (lastDay + 1) * DAY_MS - 1, { excluded });
  const months = mask(spec.months, 13);
  for (let day = firstDay; day <= lastDay; day++) {
    const date = new Date(day * DAY_MS);
    if (!months[date.getUTCMonth() + 1]) continue;
    if (!cronDayMatches(spec, date.getUTCDate(), date.getUTCDay())) continue;
    for (const h of spec.hours) {
      for (const m of spec.minutes) {
        if (!collector.push(day * DAY_MS + h * HOUR_MS + m * MINUTE_MS)) return collector.result();
      }
    }
  }
  return collector.result();
}
