/**
 * What a lock knows about one task (or one concurrency key), and the pure rules that change
 * it: which runs hold a slot, which wait for one, which were canceled by a newer run, and
 * when each deduplication key last ran. `TaskLock` keeps one of these per key and decides
 * with these functions; nothing here touches storage or the clock.
 */
import type { OverlapPolicy } from "../domain/task";
import type { HeldOutcome } from "./outcome";

/** A slot held by a run; `held` is the outcome of a run whose executor finished but whose write failed (see `TaskLock.hold`). */
export type Lease = { runId: string; taskId: string; orgId: string; expiresAt: number; reserved?: true; held?: HeldOutcome };
export type Waiting = { runId: string; taskId: string; orgId: string };
export type LockState = {
  leases: Lease[];
  waiting: Waiting[];
  canceled: string[];
  dedupe: Record<string, number>;
  limit: number;
  policy: OverlapPolicy;
};

export type LeaseRequest = {
  runId: string;
  taskId: string;
  orgId: string;
  limit: number;
  policy: OverlapPolicy;
  leaseMs: number;
  dedupeKey?: string | null;
  dedupeWindowMs?: number | null;
};
export type Decision = "run" | "duplicate" | "skip_overlap" | "skip_dedupe" | "buffered";

/** How long a slot stays reserved for a buffered run while its message travels back. */
const RESERVATION_MS = 5 * 60_000;
/** Dedupe keys are remembered at least this long (or the task's window, if longer). */
const DEDUPE_KEEP_MS = 30 * 86_400_000;

export const emptyState = (): LockState => ({ leases: [], waiting: [], canceled: [], dedupe: {}, limit: 1, policy: "skip" });

/** Nothing left to remember: the lock drops the key's row. */
export const isEmpty = (s: LockState) =>
  s.leases.length === 0 && s.waiting.length === 0 && s.canceled.length === 0 && Object.keys(s.dedupe).length === 0;

/** The earliest lease deadline: when the lock's alarm must look at this key. */
export function deadlineOf(s: LockState): number | null {
  const next = Math.min(...s.leases.map((l) => l.expiresAt));
  return Number.isFinite(next) ? next : null;
}

/**
 * Decides a run's request for a slot by the task's overlap policy and dedupe window, and
 * changes `s` to match. `changed` says whether `s` must be written back.
 */
export function decide(s: LockState, req: LeaseRequest, now: number): { decision: Decision; cancel?: string[]; changed: boolean } {
  s.limit = req.limit;
  s.policy = req.policy;
  const held = s.leases.find((l) => l.runId === req.runId);
  if (held && !held.reserved) return { decision: "duplicate", changed: false };
  if (req.dedupeKey && req.dedupeWindowMs) {
    const last = s.dedupe[req.dedupeKey];
    if (last !== undefined && now - last < req.dedupeWindowMs) {
      if (held) s.leases = s.leases.filter((l) => l !== held);
      return { decision: "skip_dedupe", changed: true };
    }
  }
  const others = s.leases.filter((l) => l.runId !== req.runId);
  const capacity = req.policy === "allow_all" ? Number.POSITIVE_INFINITY : req.limit;
  let cancel: string[] | undefined;
  if (!held && others.length >= capacity) {
    switch (req.policy) {
      case "buffer_one":
      case "buffer_all":
        if (req.policy === "buffer_one" && s.waiting.length > 0) return { decision: "skip_overlap", changed: false };
        if (!s.waiting.some((w) => w.runId === req.runId)) s.waiting.push({ runId: req.runId, taskId: req.taskId, orgId: req.orgId });
        return { decision: "buffered", changed: true };
      case "cancel_other":
        cancel = others.filter((l) => !l.reserved).map((l) => l.runId);
        s.canceled.push(...cancel);
        s.leases = s.leases.filter((l) => !cancel?.includes(l.runId));
        break;
      default:
        return { decision: "skip_overlap", changed: false };
    }
  }
  s.leases = s.leases.filter((l) => l.runId !== req.runId);
  s.leases.push({ runId: req.runId, taskId: req.taskId, orgId: req.orgId, expiresAt: now + req.leaseMs });
  if (req.dedupeKey) s.dedupe[req.dedupeKey] = now;
  pruneDedupe(s, now, req.dedupeWindowMs ?? 0);
  return cancel && cancel.length > 0 ? { decision: "run", cancel, changed: true } : { decision: "run", changed: true };
}

/** Gives a run's slot back (idempotent; an outcome held with it goes too). */
export function releaseRun(s: LockState, runId: string): void {
  s.leases = s.leases.filter((l) => l.runId !== runId);
  s.canceled = s.canceled.filter((id) => id !== runId);
}

/** Hands free slots to waiting runs, reserving each slot while its message travels; returns the runs to send. */
export function wake(s: LockState, now: number): Waiting[] {
  const capacity = s.policy === "allow_all" ? Number.POSITIVE_INFINITY : s.limit;
  const woken: Waiting[] = [];
  while (s.waiting.length > 0 && s.leases.length < capacity) {
    const w = s.waiting.shift();
    if (!w) break;
    s.leases.push({ ...w, expiresAt: now + RESERVATION_MS, reserved: true });
    woken.push(w);
  }
  return woken;
}

function pruneDedupe(s: LockState, now: number, windowMs: number): void {
  const keep = Math.max(windowMs, DEDUPE_KEEP_MS);
  for (const [k, at] of Object.entries(s.dedupe)) if (now - at > keep) delete s.dedupe[k];
}
