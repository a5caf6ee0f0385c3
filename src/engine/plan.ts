import { EXCLUDED_NOTE, nextOccurrences, nextRunAndSkip } from "../domain/schedule";
import type { Occurrence } from "../domain/schedule";
import type { SkipReason } from "../domain/run";
import type { Task } from "../domain/task";
import { iso } from "../domain/time";

const MINUTE = 60_000;
/** How late a minute's trigger may fire and still find its first seconds' runs already queued. */
export const CLAIM_MARGIN_MS = 15_000;

/**
 * The end (exclusive) of what a claim at `now` hands out: everything due up to and
 * including the next minute boundary plus a margin, and at least the next 60 s. On
 * Cloudflare the trigger's scheduledTime is the exact minute, so a run due at hh:mm:00
 * (most cron tasks) is claimed a minute ahead, by the previous tick, and already waits in
 * the queue when its second comes; the margin covers the next trigger firing late, and the
 * 60 s a trigger that fires late itself.
 */
export const claimEnd = (now: number): number => Math.max(now + MINUTE, Math.floor(now / MINUTE) * MINUTE + MINUTE + CLAIM_MARGIN_MS + 1);
/** An occurrence this far behind the tick was missed (the Worker was down or a tick skipped), not just due. */
export const LATE_MS = 30_000;
/** Catch-up `all` runs at most this many missed occurrences. */
export const MAX_CATCHUP = 100;
/** Skipped occurrences recorded one by one per task and tick; older ones are folded into one summary record. */
export const MAX_SKIP_RECORDS = 100;
/** Occurrences one claim looks at (a minutely schedule down for a week is 10 080). */
const MAX_SCAN = 10_000;

export type PlannedRun = {
  at: number;
  trigger: "schedule" | "catchup";
  status: "queued" | "skipped";
  reason?: SkipReason;
  detail?: string;
};

/** `next` and `skipDue` are the task's new next_run_at and skip_due_at. */
export type Plan = { runs: PlannedRun[]; next: number | null; skipDue: number | null; skipNext: number; completes: boolean };

type Occ = { at: number; skip?: { reason: "dst" | "excluded"; detail: string } };

/** An occurrence that does not run: excluded by `except`, or dropped by a DST gap under gap "skip". */
const skipped = (o: Occurrence): Occ =>
  o.note === EXCLUDED_NOTE
    ? { at: o.at, skip: { reason: "excluded", detail: "excluded by the schedule's except list" } }
    : { at: o.at, skip: { reason: "dst", detail: o.note ?? "DST gap" } };

/**
 * What one tick at `now` does with a due task (pure): every occurrence from its
 * `next_run_at` up to the horizon is run, or recorded as skipped with a reason
 * (`dst`, `excluded`, `skip_next`, `catchup_window`), following the task's catch-up
 * policy for missed ones; occurrences that never run (DST-skipped, excluded) from
 * `skip_due_at` on are recorded when their time comes, even when no run is due; and
 * where `next_run_at` and `skip_due_at` move.
 */
export function planClaim(task: Task, now: number): Plan {
  const first = task.next_run_at;
  const skipFrom = task.skip_due_at;
  const s = task.schedule;
  const anchor = task.schedule_anchor_at;
  const horizon = claimEnd(now);
  const recurring = s.kind === "cron" || s.kind === "rrule";
  const runsDue = first !== null && first < horizon;
  const skipsDue = recurring && skipFrom !== null && skipFrom < horizon;
  if (!runsDue && !skipsDue) return { runs: [], next: first, skipDue: skipFrom, skipNext: task.skip_next, completes: false };
  const occurrences: Occ[] = [];
  if (skipsDue) {
    // Between skip_due_at and the next run there are only occurrences that do not run.
    const until = Math.min(horizon, first ?? Number.POSITIVE_INFINITY);
    for (const o of nextOccurrences(s, skipFrom - 1, MAX_SCAN, anchor)) {
      if (o.at >= until) break;
      if (o.skipped) occurrences.push(skipped(o));
    }
  }
  if (runsDue) {
    occurrences.push({ at: first });
    if (recurring) {
      for (const o of nextOccurrences(s, first, MAX_SCAN, anchor)) {
        if (o.at >= horizon) break;
        occurrences.push(o.skipped ? skipped(o) : { at: o.at });
      }
    }
  }
  let next: number | null = runsDue ? null : first;
  let skipDue: number | null = null;
  if (recurring) {
    const found = nextRunAndSkip(s, Math.max(horizon - 1, occurrences[occurrences.length - 1]?.at ?? horizon - 1), anchor);
    if (runsDue) next = found.run;
    skipDue = found.skip !== null && (next === null || found.skip < next) ? found.skip : null;
  }

  const windowStart = now - task.catchup_window_seconds * 1000;
  const missed = occurrences.filter((o) => !o.skip && o.at < now - LATE_MS && o.at >= windowStart);
  let chosen: Set<number>;
  if (task.catchup === "all") chosen = new Set(missed.slice(0, MAX_CATCHUP).map((o) => o.at));
  else if (task.catchup === "latest") chosen = new Set(missed.slice(-1).map((o) => o.at));
  else chosen = new Set();

  let skipNext = task.skip_next;
  const runs: PlannedRun[] = [];
  for (const o of occurrences) {
    if (o.skip) {
      runs.push({ at: o.at, trigger: "schedule", status: "skipped", reason: o.skip.reason, detail: o.skip.detail });
      continue;
    }
    const late = o.at < now - LATE_MS;
    const trigger = late ? "catchup" : "schedule";
    if (late && o.at < windowStart) {
      runs.push({
        at: o.at,
        trigger,
        status: "skipped",
        reason: "catchup_window",
        detail: `missed by more than catchup_window_seconds (${task.catchup_window_seconds} s)`,
      });
    } else if (late && !chosen.has(o.at)) {
      const why =
        task.catchup === "none"
          ? "catchup is none"
          : task.catchup === "latest"
            ? "catchup is latest: only the most recent missed occurrence runs"
            : `catchup is all, limited to ${MAX_CATCHUP} occurrences`;
      runs.push({ at: o.at, trigger, status: "skipped", reason: "catchup_window", detail: `missed while no tick ran; ${why}` });
    } else if (skipNext > 0) {
      skipNext--;
      runs.push({ at: o.at, trigger, status: "skipped", reason: "skip_next", detail: "skipped on request (POST /v1/tasks/{id}/skip)" });
    } else {
      runs.push({ at: o.at, trigger, status: "queued" });
    }
  }
  const completes = !recurring && runs.every((r) => r.status === "skipped");
  return { runs: foldSkipped(runs), next, skipDue, skipNext, completes };
}

/** Keeps the newest skipped records and folds older ones into the oldest, so a long outage writes a bounded number of rows. */
function foldSkipped(runs: PlannedRun[]): PlannedRun[] {
  const skipped = runs.filter((r) => r.status === "skipped");
  if (skipped.length <= MAX_SKIP_RECORDS) return runs;
  const folded = skipped.slice(0, skipped.length - (MAX_SKIP_RECORDS - 1));
  const firstFolded = folded[0];
  const lastFolded = folded[folded.length - 1];
  if (!firstFolded || !lastFolded) return runs;
  const drop = new Set(folded.slice(1).map((r) => r.at));
  const summary: PlannedRun = {
    ...firstFolded,
    detail:
      `${folded.length} occurrences from ${iso(firstFolded.at)} to ${iso(lastFolded.at)} were skipped (${firstFolded.reason}); ${firstFolded.detail ?? ""}`.trim(),
  };
  return runs.filter((r) => !drop.has(r.at) || r.status !== "skipped").map((r) => (r === firstFolded ? summary : r));
}
