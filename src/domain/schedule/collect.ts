/**
 * Turns candidate wall times into occurrences: applies the DST policy to each resolution,
 * merges everything that lands on the same instant, writes the notes, and stops a search
 * once `count` distinct runs are known (plus a settling margin, since a repeated hour can
 * put a later wall time before an earlier one).
 */
import { localText, wallDate, wallIso, wallTime } from "./civil";
import type { Resolution, WallResolver } from "./resolve";
import { EXCLUDED_NOTE } from "./except";
import { DAY_MS, OFFSET_MARGIN_MS } from "./types";
import type { DstPolicy, Occurrence } from "./types";

type RawKind = "plain" | "shifted" | "skipped" | "first" | "second" | "firstOnly" | "excluded";
/** One candidate: the nominal wall time `wall`, fired (or skipped) at `at` where the offset is `offset`. */
type Raw = { at: number; offset: number; wall: number; kind: RawKind };

/** Once enough runs are found, wall times up to this much later are still read. */
const SETTLE_MS = 2 * DAY_MS;

/** Applies the DST policy to one resolved wall time. `interval` selects both passes under repeat "auto". */
function applyPolicy(wall: number, res: Resolution, policy: DstPolicy, interval: boolean): Raw[] {
  switch (res.kind) {
    case "exact":
      return [{ at: res.at, offset: res.offset, wall, kind: "plain" }];
    case "gap":
      return [{ at: res.at, offset: res.offset, wall, kind: policy.gap === "skip" ? "skipped" : "shifted" }];
    case "repeat": {
      const both = policy.repeat === "both" || (policy.repeat === "auto" && interval);
      const first: Raw = { at: res.first, offset: res.firstOffset, wall, kind: both ? "first" : "firstOnly" };
      return both ? [first, { at: res.second, offset: res.secondOffset, wall, kind: "second" }] : [first];
    }
  }
}

function listTimes(walls: number[]): string {
  const first = walls[0] ?? 0;
  const last = walls[walls.length - 1] ?? first;
  if (walls.length <= 4) return walls.map(wallTime).join(", ");
  return `${wallTime(first)} to ${wallTime(last)} (${walls.length} times)`;
}

function gapNote(walls: number[], tail: string): string {
  const verb = walls.length === 1 ? "does not exist" : "do not exist";
  return `${listTimes(walls)} ${verb} on ${wallDate(walls[0] ?? 0)} (DST gap); ${tail}`;
}

const PASS_TEXT: Partial<Record<RawKind, string>> = { first: "first pass", second: "second pass", firstOnly: "first pass only" };

/**
 * Merges the candidates that share one instant into a single occurrence. A real run wins over
 * skipped gap times at the same instant (they only add a note), so no instant appears twice.
 */
function merge(group: Raw[]): Occurrence {
  const fired = group.filter((r) => r.kind !== "skipped" && r.kind !== "excluded");
  const main = fired[0];
  const excluded = group.find((r) => r.kind === "excluded");
  if (main === undefined && excluded !== undefined) {
    return { at: excluded.at, local: localText(excluded.at, excluded.offset), note: EXCLUDED_NOTE, skipped: true };
  }
  if (main === undefined) {
    const walls = [...new Set(group.map((r) => r.wall))].sort((a, b) => a - b);
    const at = group[0]?.at ?? 0;
    return { at, local: wallIso(walls[0] ?? 0), note: gapNote(walls, "skipped"), skipped: true };
  }
  const occ: Occurrence = { at: main.at, local: localText(main.at, main.offset) };
  const shifted = [...new Set(fired.filter((r) => r.kind === "shifted").map((r) => r.wall))].sort((a, b) => a - b);
  if (shifted.length > 0) {
    const firing = main.at + main.offset;
    const sameDay = wallDate(firing) === wallDate(shifted[0] ?? firing);
    const to = sameDay ? wallTime(firing) : `${wallDate(firing)} ${wallTime(firing)}`;
    occ.note = gapNote(shifted, shifted.length === 1 ? `shifted to ${to}` : `shifted to ${to} as one run`);
    return occ;
  }
  const skipped = [...new Set(group.filter((r) => r.kind === "skipped").map((r) => r.wall))].sort((a, b) => a - b);
  if (skipped.length > 0) {
    // A real run already fires at the gap's end: the skipped times are told in its note.
    occ.note = gapNote(skipped, "skipped");
    return occ;
  }
  const pass = fired.find((r) => PASS_TEXT[r.kind] !== undefined);
  if (pass !== undefined) {
    occ.note = `${wallTime(pass.wall)} occurs twice on ${wallDate(pass.wall)} (DST fall back); ${PASS_TEXT[pass.kind] ?? ""}`;
  }
  return occ;
}

/** What else limits a search besides `after`, `count` and the last wall time. */
export type CollectorBounds = {
  /** UNTIL as an instant (RRULE UNTIL with Z): later instants are dropped, each pass of a repeated hour on its own. */
  untilAt?: number;
  /** Nominal wall times the schedule's `except` removes (kept as skipped entries, not counted). */
  excluded?: (wall: number) => boolean;
};

/** Collects the first `count` runs strictly after `after` from ascending wall times. */
export class Collector {
  private readonly raws: Raw[] = [];
  private readonly fired = new Set<number>();
  private settleUntil = Number.POSITIVE_INFINITY;

  constructor(
    private readonly resolver: WallResolver,
    private readonly policy: DstPolicy,
    private readonly interval: boolean,
    private readonly after: number,
    private readonly count: number,
    private readonly lastWall: number,
    private readonly bounds: CollectorBounds = {},
  ) {}

  /**
   * Feeds the next candidate wall time (ascending); returns false once no more are needed.
   * `ruleTime` false marks an RDATE (`also`) time, which UNTIL does not bound.
   */
  push(wall: number, ruleTime = true): boolean {
    if (wall > this.settleUntil || wall > this.lastWall) return false;
    if (wall <= this.after - OFFSET_MARGIN_MS) return true;
    const excluded = this.bounds.excluded?.(wall) ?? false;
    const untilAt = ruleTime ? (this.bounds.untilAt ?? Number.POSITIVE_INFINITY) : Number.POSITIVE_INFINITY;
    for (const raw of applyPolicy(wall, this.resolver.resolve(wall), this.policy, this.interval)) {
      if (raw.at <= this.after || raw.at > untilAt) continue;
      if (excluded) raw.kind = "excluded";
      this.raws.push(raw);
      if (raw.kind !== "skipped" && raw.kind !== "excluded") this.fired.add(raw.at);
    }
    if (this.fired.size >= this.count && this.settleUntil === Number.POSITIVE_INFINITY) {
      // Later wall times can only land before a run already found across a fall-back; with
      // no offset change in the settling span they cannot, and the search ends here (a
      // minutely rule would otherwise read two more days of candidates).
      this.settleUntil = this.resolver.steady(wall, wall + SETTLE_MS) ? wall : wall + SETTLE_MS;
    }
    return true;
  }

  /** The merged occurrences in time order: `count` runs, with the skipped entries among them. */
  result(): Occurrence[] {
    const sorted = [...this.raws].sort((a, b) => a.at - b.at || a.wall - b.wall);
    const out: Occurrence[] = [];
    let runs = 0;
    for (let i = 0; i < sorted.length && runs < this.count; ) {
      let j = i;
      while (j < sorted.length && sorted[j]?.at === sorted[i]?.at) j++;
      const occ = merge(sorted.slice(i, j));
      out.push(occ);
      if (occ.skipped !== true) runs++;
      i = j;
    }
    return out;
  }
}
