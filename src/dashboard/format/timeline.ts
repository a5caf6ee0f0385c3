/**
 * The Upcoming timeline's model: a window of DAYS days cut into half-hour slots (a mark's
 * position is its slot, so the page needs no inline style: public/dashboard/timeline.css
 * has one class per slot), each task's occurrences in it from the schedule maths behind
 * POST /v1/schedules/preview, and the DST transitions of each task's zone.
 */
import type { components } from "../../client";
import { nextOccurrences } from "../../domain/schedule";
import type { Schedule } from "../../domain/schedule";
import { offsetAt } from "../../domain/schedule/timezone";

type Task = components["schemas"]["Task"];

export const DAYS = 7;
export const SLOT_MS = 30 * 60_000;
export const SLOTS = (DAYS * 86_400_000) / SLOT_MS;
/** More occurrences than this in the window draw a band instead of one mark each. */
export const MAX_MARKS = 100;

export type Mark = { at: number; slot: number; kind: "run" | "dst" | "skipped" | "excluded"; note?: string };
export type Transition = { at: number; slot: number; deltaMinutes: number };
export type Row = { task: Task; zone: string; marks: Mark[]; dense: boolean; transitions: Transition[] };

const slotOf = (at: number, from: number) => Math.min(SLOTS - 1, Math.max(0, Math.floor((at - from) / SLOT_MS)));

/** The instants in [from, to) where `zone`'s UTC offset changes, to the minute, with the change in minutes. */
export function dstTransitions(zone: string, from: number, to: number): Transition[] {
  const out: Transition[] = [];
  const hour = 3_600_000;
  let before = offsetAt(zone, from);
  for (let t = from + hour; t <= to; t += hour) {
    const after = offsetAt(zone, t);
    if (after !== before) {
      // The change lies in (t - 1 h, t]: find its minute.
      let lo = t - hour;
      let hi = t;
      while (hi - lo > 60_000) {
        const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
        if (offsetAt(zone, mid) === before) lo = mid;
        else hi = mid;
      }
      if (hi < to) out.push({ at: hi, slot: slotOf(hi, from), deltaMinutes: (after - before) / 60_000 });
      before = after;
    }
  }
  return out;
}

/** One task's row for the window [from, from + DAYS). */
export function rowFor(task: Task, from: number): Row {
  const to = from + DAYS * 86_400_000;
  const s = task.schedule as Schedule;
  const zone = "timezone" in s && s.timezone ? s.timezone : "UTC";
  let marks: Mark[] = [];
  let dense = false;
  if (s.kind === "cron" || s.kind === "rrule") {
    // One past the limit tells a dense schedule apart from one that fits.
    const occ = nextOccurrences(s, from - 1, MAX_MARKS + 1, Date.parse(task.created_at)).filter((o) => o.at < to);
    dense = occ.length > MAX_MARKS;
    marks = occ.slice(0, MAX_MARKS).map((o) => ({
      at: o.at,
      slot: slotOf(o.at, from),
      kind: o.note === "excluded" ? "excluded" : o.skipped ? "skipped" : o.note ? "dst" : "run",
      note: o.note,
    }));
  } else if ((s.kind === "once" || s.kind === "delayed") && task.next_run_at) {
    const at = Date.parse(task.next_run_at);
    if (at >= from && at < to) marks = [{ at, slot: slotOf(at, from), kind: "run" }];
  }
  return { task, zone, marks, dense, transitions: zone === "UTC" ? [] : dstTransitions(zone, from, to) };
}

/** The window's first instant: `?from=YYYY-MM-DD` at 00:00 UTC, or today's. */
export function windowStart(from: string | undefined, now: number): number {
  if (from && /^\d{4}-\d{2}-\d{2}$/.test(from)) {
    const t = Date.parse(`${from}T00:00:00Z`);
    if (Number.isFinite(t)) return t;
  }
  return Math.floor(now / 86_400_000) * 86_400_000;
}

export const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);
