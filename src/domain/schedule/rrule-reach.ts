/**
 * Rules that can never fire, caught before any search: the rrule library iterates period by
 * period and only checks its end conditions when a period yields a date, so on these it
 * would loop (or, capped, search in vain). Also what BYSETPOS picks in a sub-daily period.
 */
import { Frequency } from "rrule";
import type { RruleSpec } from "./rrule";

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

/** The most days each month can have (February in a leap year). */
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * The minutes an HOURLY rule with BYSETPOS fires at in each hour it keeps. RFC 5545 applies
 * BYSETPOS to the set of one period: for HOURLY that is the same minutes every hour (BYMINUTE,
 * or dtstart's minute), so the positions pick the same minutes every hour.
 */
export function hourlyPicks(spec: RruleSpec, dtstart: number): number[] {
  const set = spec.byminute.length > 0 ? [...new Set(spec.byminute)].sort((a, b) => a - b) : [new Date(dtstart).getUTCMinutes()];
  const picked = spec.bysetpos.map((p) => set[p > 0 ? p - 1 : set.length + p]).filter((m): m is number => m !== undefined);
  return [...new Set(picked)].sort((a, b) => a - b);
}

/** A MINUTELY period holds one time, so BYSETPOS keeps it only at position 1 or -1. */
export function minutelyKeeps(spec: RruleSpec): boolean {
  return spec.bysetpos.length === 0 || spec.bysetpos.includes(1) || spec.bysetpos.includes(-1);
}

function hhmm(minuteOfDay: number): string {
  return `${String(Math.floor(minuteOfDay / 60)).padStart(2, "0")}:${String(minuteOfDay % 60).padStart(2, "0")}`;
}

/** Sub-daily reasons: INTERVAL alignment that never meets BYHOUR/BYMINUTE, and BYSETPOS that picks nothing. */
function subDailyReason(spec: RruleSpec, dtstart: number): string | null {
  const start = new Date(dtstart);
  const h0 = start.getUTCHours();
  const m0 = start.getUTCMinutes();
  if (spec.freq === Frequency.HOURLY && spec.byhour.length > 0) {
    const g = gcd(spec.step, 24);
    if (!spec.byhour.some((h) => mod(h - h0, g) === 0)) {
      return `FREQ=HOURLY;INTERVAL=${spec.step} starting at hour ${h0} never reaches BYHOUR=${spec.byhour.join(",")}`;
    }
  }
  if (spec.freq === Frequency.HOURLY && spec.bysetpos.length > 0 && hourlyPicks(spec, dtstart).length === 0) {
    const set = spec.byminute.length > 0 ? `BYMINUTE=${spec.byminute.join(",")}` : `dtstart's minute ${m0}`;
    return `BYSETPOS=${spec.bysetpos.join(",")} picks no time: each hour of FREQ=HOURLY holds only the times of ${set}`;
  }
  if (spec.freq !== Frequency.MINUTELY) return null;
  if (!minutelyKeeps(spec)) {
    return `BYSETPOS=${spec.bysetpos.join(",")} picks no time: each period of FREQ=MINUTELY holds one time, kept only by BYSETPOS=1 or -1`;
  }
  if (spec.byhour.length > 0) {
    // The minutes of the day it reaches are those congruent to dtstart's modulo gcd(INTERVAL, 1440).
    const g = gcd(spec.step, 1440);
    const t0 = h0 * 60 + m0;
    const ok = spec.byhour.some((h) =>
      Array.from({ length: 60 }, (_, m) => m).some(
        (m) => mod(h * 60 + m - t0, g) === 0 && (spec.byminute.length === 0 || spec.byminute.includes(m)),
      ),
    );
    const by =
      spec.byminute.length > 0 ? `BYHOUR=${spec.byhour.join(",")};BYMINUTE=${spec.byminute.join(",")}` : `BYHOUR=${spec.byhour.join(",")}`;
    return ok ? null : `FREQ=MINUTELY;INTERVAL=${spec.step} starting at ${hhmm(t0)} never reaches ${by}`;
  }
  if (spec.byminute.length > 0) {
    const g = gcd(spec.step, 60);
    if (!spec.byminute.some((m) => mod(m - m0, g) === 0)) {
      return `FREQ=MINUTELY;INTERVAL=${spec.step} starting at minute ${m0} never reaches BYMINUTE=${spec.byminute.join(",")}`;
    }
  }
  return null;
}

/**
 * Why the rule can never fire from `dtstart` (wall ms) through INTERVAL alignment, BYSETPOS
 * or because no BYMONTH has any of its BYMONTHDAY days (e.g. February 30), or null.
 */
export function unreachableReason(spec: RruleSpec, dtstart: number): string | null {
  const sub = subDailyReason(spec, dtstart);
  if (sub !== null) return sub;
  if (spec.bymonth.length > 0 && spec.bymonthday.length > 0) {
    const fits = spec.bymonth.some((m) => spec.bymonthday.some((d) => Math.abs(d) <= (DAYS_IN_MONTH[m - 1] ?? 31)));
    if (!fits) return `BYMONTHDAY=${spec.bymonthday.join(",")} never occurs in BYMONTH=${spec.bymonth.join(",")}`;
  }
  return null;
}
