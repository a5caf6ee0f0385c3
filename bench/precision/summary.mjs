// Turns the precision run into figures: one slot per occurrence that should have run
// (each one-off task once; each cron at every minute of the window), every sink call
// matched to its slot (a cron call through its run's scheduled_for), then lateness,
// early, missing and doubled per slot, split into boundary-due and mid-minute-due.
import { judge } from "../burst/lateness.mjs";
import { onBoundary } from "./plan.mjs";

export const TARGET_P99_MS = 500;

/** { all, boundary, mid_minute } judged views, plus per-kind counts and the targets. */
export function summarisePrecision({ start, end, tasks, runs, calls }) {
  const scheduledFor = new Map(runs.map((r) => [r.id, Date.parse(r.scheduled_for)]));
  const slots = new Map(); // slot key -> { due, kind }
  for (const t of tasks) {
    if (t.kind !== "cron") slots.set(t.id, { due: t.due, kind: t.kind });
    else for (let b = start; b < end; b += 60_000) slots.set(`${t.id}@${b}`, { due: b, kind: "cron" });
  }
  const byKind = new Map(tasks.map((t) => [t.id, t.kind]));
  const slotCalls = new Map();
  let outsideWindow = 0;
  for (const [taskId, list] of calls) {
    for (const c of list) {
      let k = taskId;
      if (byKind.get(taskId) === "cron") {
        const at = scheduledFor.get(c.runId);
        k = `${taskId}@${at}`;
        if (!(at >= start && at < end)) {
          outsideWindow++; // a cron occurrence before the window opened: not measured
          continue;
        }
      }
      if (!slotCalls.has(k)) slotCalls.set(k, []);
      slotCalls.get(k).push(c);
    }
  }
  const view = (pred) => {
    const keys = new Set([...slots].filter(([, s]) => pred(s)).map(([k]) => k));
    const v = judge(slotCalls, keys, (k) => slots.get(k).due);
    v.unknown_calls = undefined; // each split sees the others' calls as unknown; counted once below
    return v;
  };
  const all = view(() => true);
  const boundary = view((s) => onBoundary(s.due));
  const mid = view((s) => !onBoundary(s.due));
  const unknown = [...slotCalls.keys()].filter((k) => !slots.has(k)).length;
  const target = (v) => ({ p99_ok: v.lateness_ms.n > 0 && v.lateness_ms.p99 <= TARGET_P99_MS, none_early: v.early === 0 });
  const kinds = {};
  for (const s of slots.values()) kinds[s.kind] = (kinds[s.kind] ?? 0) + 1;
  return {
    window: { start: new Date(start).toISOString(), end: new Date(end).toISOString() },
    slots_by_kind: kinds,
    all,
    boundary,
    mid_minute: mid,
    calls_for_unplanned_slots: unknown,
    cron_calls_outside_window: outsideWindow,
    api_runs: runs.length,
    targets: { all: target(all), boundary: target(boundary), mid_minute: target(mid) },
  };
}
