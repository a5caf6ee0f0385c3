/**
 * Maps wall-clock times of a zone to instants, detecting DST gaps and repeated hours.
 *
 * Per local day D the offsets are read at (D 00:00 - 15 h) and (D 24:00 + 15 h), taken as
 * instants: every UTC offset lies within -12 h..+14 h, so these bracket the whole local day.
 * Equal offsets mean no transition touches the day. Otherwise the transition instant T is found
 * by binary search (to the second), and a wall time W maps to W - before (valid iff < T) and/or
 * W - after (valid iff >= T): neither valid is a gap, both valid is a repeated time.
 */
import { offsetAt } from "./timezone";
import { DAY_MS, OFFSET_MARGIN_MS } from "./types";

type DayInfo = { before: number; after: number; transition: number | null };

export type Resolution =
  /** The wall time exists once: fires at `at`, where the offset is `offset`. */
  | { kind: "exact"; at: number; offset: number }
  /** The wall time falls in a spring-forward gap; `at` is the first instant after it. */
  | { kind: "gap"; at: number; offset: number }
  /** The wall time occurs twice (fall back): first at `first`, then at `second`. */
  | { kind: "repeat"; first: number; firstOffset: number; second: number; secondOffset: number };

/** Resolves wall ms in one zone, caching what it learns per local day. */
export class WallResolver {
  private readonly days = new Map<number, DayInfo>();

  constructor(readonly tz: string) {}

  /** True when no offset change touches the local days from wall `from` through wall `to`: wall times then map to instants in order. */
  steady(from: number, to: number): boolean {
    const first = this.day(Math.floor(from / DAY_MS));
    for (let d = Math.floor(from / DAY_MS); d <= Math.floor(to / DAY_MS); d++) {
      const info = this.day(d);
      if (info.transition !== null || info.before !== first.before) return false;
    }
    return true;
  }

  /** How wall time `wall` (local clock encoded as UTC fields) maps to instants. */
  resolve(wall: number): Resolution {
    const info = this.day(Math.floor(wall / DAY_MS));
    if (info.transition === null) return { kind: "exact", at: wall - info.before, offset: info.before };
    const t = info.transition;
    const first = wall - info.before;
    const second = wall - info.after;
    const firstValid = first < t;
    const secondValid = second >= t;
    if (firstValid && secondValid) {
      return { kind: "repeat", first, firstOffset: info.before, second, secondOffset: info.after };
    }
    if (firstValid) return { kind: "exact", at: first, offset: info.before };
    if (secondValid) return { kind: "exact", at: second, offset: info.after };
    return { kind: "gap", at: t, offset: info.after };
  }

  private day(day: number): DayInfo {
    let info = this.days.get(day);
    if (info === undefined) {
      info = this.computeDay(day);
      this.days.set(day, info);
    }
    return info;
  }

  private computeDay(day: number): DayInfo {
    let lo = day * DAY_MS - OFFSET_MARGIN_MS;
    let hi = (day + 1) * DAY_MS + OFFSET_MARGIN_MS;
    const before = offsetAt(this.tz, lo);
    const after = offsetAt(this.tz, hi);
    if (before === after) return { before, after, transition: null };
    // Invariant: offset(lo) === before, offset(hi) !== before; both on whole seconds.
    while (hi - lo > 1000) {
      const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
      if (offsetAt(this.tz, mid) === before) lo = mid;
      else hi = mid;
    }
    return { before, after, transition: hi };
  }
}
