import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import type { OverlapPolicy } from "../domain/task";
import { log } from "../log";
import type { Task } from "../domain/task";
import { writeHeldOutcome } from "./held";
import { runMessage } from "./messages";
import { expireLease } from "./outcome";
import type { HeldOutcome } from "./outcome";

/** A slot held by a run; `held` is the outcome of a run whose executor finished but whose write failed (see `hold`). */
type Lease = { runId: string; taskId: string; orgId: string; expiresAt: number; reserved?: true; held?: HeldOutcome };
type Waiting = { runId: string; taskId: string; orgId: string };
type State = {
  leases: Lease[];
  waiting: Waiting[];
  canceled: string[];
  dedupe: Record<string, number>;
  limit: number;
  policy: OverlapPolicy;
};

/** Lease grace beyond the run's timeout before the lock declares its consumer dead. */
export const LEASE_GRACE_MS = 30_000;

/** The lock that serialises a task's runs: one per task, or one per concurrency key in its organization. */
export const lockOf = (env: Env, task: Task) =>
  env.TASK_LOCK.get(env.TASK_LOCK.idFromName(task.concurrency_key ? `${task.org_id}:${task.concurrency_key}` : task.id));

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
/** `written`: storage rows the decision wrote (for the run's cost). */
export type LeaseDecision = {
  decision: "run" | "duplicate" | "skip_overlap" | "skip_dedupe" | "buffered";
  cancel?: string[];
  written?: number;
};

/** How long a slot stays reserved for a buffered run while its message travels back. */
const RESERVATION_MS = 5 * 60_000;
/** A lease whose outcome is held is due this soon: the alarm writes it if no redelivery does first. */
const HELD_LEASE_MS = 60_000;

/**
 * The lock of one task (or of one concurrency key): which runs hold a slot, which
 * wait for one, which were canceled by a newer run, and when each deduplication
 * key last ran. Kept in the object's own storage, so it survives eviction; an
 * alarm at the earliest lease deadline expires the leases of consumers that died.
 * It also keeps an executor's outcome that D1 refused to record (`hold`), with the
 * run's lease, until a redelivered message or the alarm writes it: the target is
 * never called again for a run that already ran.
 */
export class TaskLock extends DurableObject<Env> {
  private async load(): Promise<State> {
    return (await this.ctx.storage.get<State>("state")) ?? { leases: [], waiting: [], canceled: [], dedupe: {}, limit: 1, policy: "skip" };
  }

  /** Writes the state and sets the alarm to the earliest lease deadline; returns the storage rows written (for cost). */
  private async save(s: State): Promise<number> {
    await this.ctx.storage.put("state", s);
    const next = Math.min(...s.leases.map((l) => l.expiresAt));
    if (Number.isFinite(next)) await this.ctx.storage.setAlarm(next);
    else await this.ctx.storage.deleteAlarm();
    return 2;
  }

  /** Asks for a slot for a run; the answer follows the task's overlap policy and dedupe window. */
  async acquire(req: LeaseRequest, now = Date.now()): Promise<LeaseDecision> {
    const s = await this.load();
    s.limit = req.limit;
    s.policy = req.policy;
    const held = s.leases.find((l) => l.runId === req.runId);
    if (held && !held.reserved) return { decision: "duplicate" };
    if (req.dedupeKey && req.dedupeWindowMs) {
      const last = s.dedupe[req.dedupeKey];
      if (last !== undefined && now - last < req.dedupeWindowMs) {
        if (held) s.leases = s.leases.filter((l) => l !== held);
        return { decision: "skip_dedupe", written: await this.save(s) };
      }
    }
    const others = s.leases.filter((l) => l.runId !== req.runId);
    const capacity = req.policy === "allow_all" ? Number.POSITIVE_INFINITY : req.limit;
    let cancel: string[] | undefined;
    if (!held && others.length >= capacity) {
      switch (req.policy) {
        case "buffer_one":
        case "buffer_all":
          if (req.policy === "buffer_one" && s.waiting.length > 0) return { decision: "skip_overlap" };
          if (!s.waiting.some((w) => w.runId === req.runId)) s.waiting.push({ runId: req.runId, taskId: req.taskId, orgId: req.orgId });
          return { decision: "buffered", written: await this.save(s) };
        case "cancel_other":
          cancel = others.filter((l) => !l.reserved).map((l) => l.runId);
          s.canceled.push(...cancel);
          s.leases = s.leases.filter((l) => !cancel?.includes(l.runId));
          break;
        default:
          return { decision: "skip_overlap" };
      }
    }
    s.leases = s.leases.filter((l) => l.runId !== req.runId);
    s.leases.push({ runId: req.runId, taskId: req.taskId, orgId: req.orgId, expiresAt: now + req.leaseMs });
    if (req.dedupeKey) s.dedupe[req.dedupeKey] = now;
    this.pruneDedupe(s, now, req.dedupeWindowMs ?? 0);
    const written = await this.save(s);
    return cancel && cancel.length > 0 ? { decision: "run", cancel, written } : { decision: "run", written };
  }

  /** True once a newer run has canceled this one (cancel_other); the running consumer polls it. */
  async isCanceled(runId: string): Promise<boolean> {
    return (await this.load()).canceled.includes(runId);
  }

  /** Sets a held lease's deadline (a runner's claim or heartbeat). False when the lease is gone (expired or canceled). */
  async renew(runId: string, expiresAt: number): Promise<boolean> {
    const s = await this.load();
    const lease = s.leases.find((l) => l.runId === runId && !l.reserved);
    if (!lease) return false;
    lease.expiresAt = expiresAt;
    await this.save(s);
    return true;
  }

  /**
   * Keeps the outcome of a run whose executor finished but whose outcome write failed, and
   * brings its lease's deadline close: a redelivered message writes it (`held`), or the alarm
   * does, instead of running the target again or timing the run out.
   */
  async hold(runId: string, held: HeldOutcome, now = Date.now()): Promise<void> {
    const s = await this.load();
    const lease = s.leases.find((l) => l.runId === runId && !l.reserved);
    if (!lease) return; // The lease already lapsed: the alarm timed the run out, and a late write changes nothing.
    lease.held = held;
    lease.expiresAt = Math.min(lease.expiresAt, now + HELD_LEASE_MS);
    await this.save(s);
  }

  /** The outcome held for a run, if its write failed (see `hold`). */
  async held(runId: string): Promise<HeldOutcome | null> {
    return (await this.load()).leases.find((l) => l.runId === runId)?.held ?? null;
  }

  /**
   * Gives the slot back (idempotent; any outcome held with it goes too) and hands it to the
   * first waiting run, if any. Returns the storage rows written (for the run's cost).
   */
  async release(runId: string, now = Date.now()): Promise<number> {
    const s = await this.load();
    s.leases = s.leases.filter((l) => l.runId !== runId);
    s.canceled = s.canceled.filter((id) => id !== runId);
    await this.wakeWaiting(s, now);
    return this.save(s);
  }

  /**
   * Leases past their deadline belong to consumers that died: their runs time out (and retry
   * by the task's rules), unless an outcome is held for the run, which is written instead.
   */
  override async alarm(): Promise<void> {
    const now = Date.now();
    const s = await this.load();
    const expired = s.leases.filter((l) => l.expiresAt <= now);
    s.leases = s.leases.filter((l) => l.expiresAt > now);
    for (const l of expired) {
      if (l.reserved) continue;
      try {
        if (l.held) await writeHeldOutcome(this.env, l.runId, l.taskId, l.orgId, l.held);
        else await expireLease(this.env, l.runId, l.taskId, l.orgId);
      } catch (e) {
        // Keep it for the next alarm rather than lose the run.
        s.leases.push({ ...l, expiresAt: now + 30_000 });
        log("error", "lease.expire_failed", { run_id: l.runId, task_id: l.taskId, error: e instanceof Error ? e.message : String(e) });
      }
    }
    await this.wakeWaiting(s, now);
    await this.save(s);
  }

  private async wakeWaiting(s: State, now: number): Promise<void> {
    const capacity = s.policy === "allow_all" ? Number.POSITIVE_INFINITY : s.limit;
    while (s.waiting.length > 0 && s.leases.length < capacity) {
      const w = s.waiting.shift();
      if (!w) break;
      s.leases.push({ ...w, expiresAt: now + RESERVATION_MS, reserved: true });
      await this.env.RUNS.send(runMessage({ id: w.runId, task_id: w.taskId }, w.orgId));
    }
  }

  private pruneDedupe(s: State, now: number, windowMs: number): void {
    const keep = Math.max(windowMs, 30 * 86_400_000);
    for (const [k, at] of Object.entries(s.dedupe)) if (now - at > keep) delete s.dedupe[k];
  }
}
