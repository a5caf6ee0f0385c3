import { DurableObject } from "cloudflare:workers";
import type { Task } from "../domain/task";
import type { Env } from "../env";
import { log } from "../log";
import { writeHeldOutcome } from "./held";
import type { Decision, Lease, LeaseRequest, LockState, Waiting } from "./lock-state";
import { deadlineOf, decide, emptyState, isEmpty, releaseRun, wake } from "./lock-state";
import { runMessage } from "./messages";
import { expireLease } from "./outcome";
import type { HeldOutcome } from "./outcome";

export type { LeaseRequest } from "./lock-state";

/** Lease grace beyond the run's timeout before the lock declares its consumer dead. */
export const LEASE_GRACE_MS = 30_000;

/**
 * Lock objects per organization for tasks without a concurrency key. A task's lock state
 * lives in one of these, chosen by a hash of its id, so a burst of 10,000 tasks touches 16
 * objects, not 10,000 (workerd runs out of memory for SQLite past a few thousand live
 * objects), and a batch takes its leases in one request per object. A concurrency key keeps
 * an object of its own: its tasks share one state.
 */
export const LOCK_SHARDS = 16;

type LockTask = Pick<Task, "id" | "org_id" | "concurrency_key">;

/** Which object holds a task's lock (`name`) and the task's key inside it. */
export function lockAddress(task: LockTask): { name: string; key: string } {
  if (task.concurrency_key) {
    const key = `${task.org_id}:${task.concurrency_key}`;
    return { name: key, key };
  }
  return { name: `lock-shard/${task.org_id}/${fnv1a(task.id) % LOCK_SHARDS}`, key: task.id };
}

export type LockRef = { stub: DurableObjectStub<TaskLock>; key: string };

/** The lock of a task: its object's stub and its key there. */
export function lockOf(env: Env, task: LockTask): LockRef {
  const { name, key } = lockAddress(task);
  return { stub: env.TASK_LOCK.get(env.TASK_LOCK.idFromName(name)), key };
}

/** Items grouped by the lock object that holds their task's key: one request per group. */
export function byLock<T>(
  env: Env,
  items: T[],
  taskOf: (item: T) => LockTask,
): { stub: DurableObjectStub<TaskLock>; entries: { item: T; key: string }[] }[] {
  const groups = new Map<string, { stub: DurableObjectStub<TaskLock>; entries: { item: T; key: string }[] }>();
  for (const item of items) {
    const { name, key } = lockAddress(taskOf(item));
    let group = groups.get(name);
    if (!group) {
      group = { stub: env.TASK_LOCK.get(env.TASK_LOCK.idFromName(name)), entries: [] };
      groups.set(name, group);
    }
    group.entries.push({ item, key });
  }
  return [...groups.values()];
}

export type LeaseDecision = { decision: Decision; cancel?: string[] };
export type KeyedLeaseRequest = LeaseRequest & { key: string };

/** A lease whose outcome is held is due this soon: the alarm writes it if no redelivery does first. */
const HELD_LEASE_MS = 60_000;
/** An expiry the alarm could not write is tried again this much later. */
const EXPIRE_RETRY_MS = 30_000;

/**
 * The locks of many tasks (one organization's shard) or of one concurrency key: per key,
 * the state of `lock-state.ts`, one SQLite row each with its earliest lease deadline. The
 * object's alarm is the earliest deadline of all its keys; it expires the leases of
 * consumers that died. Every change is read, decided and written with no await in between
 * (SQLite calls here are synchronous), so requests that interleave never lose one another's
 * writes. It also keeps an executor's outcome that D1 refused to record (`hold`), with the
 * run's lease, until a redelivered message or the alarm writes it: the target is never
 * called again for a run that already ran.
 *
 * Upgrading from one object per task: an old object's state (a storage key "state") is
 * adopted by its own alarm as key "legacy", so its leases still expire or are written.
 */
export class TaskLock extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    // One b-tree, no other index: WITHOUT ROWID keeps the key from needing an index of its own,
    // and an index on deadline would double the rows written by every lease taken and given
    // back, for a table that holds only keys with something to remember (tasks in flight).
    this.sql.exec("CREATE TABLE IF NOT EXISTS locks (key TEXT PRIMARY KEY, state TEXT NOT NULL, deadline INTEGER) WITHOUT ROWID");
  }

  /** Takes or refuses a slot for each run (in order; several may share a key). `written`: storage rows written, for the runs' cost. */
  async acquireMany(reqs: KeyedLeaseRequest[], now = Date.now()): Promise<{ decisions: LeaseDecision[]; written: number }> {
    const states = this.load(reqs.map((r) => r.key));
    const changed = new Map<string, LockState>();
    const decisions = reqs.map((req) => {
      const s = states.get(req.key) ?? emptyState();
      states.set(req.key, s);
      const { decision, cancel, changed: dirty } = decide(s, req, now);
      if (dirty) changed.set(req.key, s);
      return cancel ? { decision, cancel } : { decision };
    });
    const written = this.write(changed) + (await this.schedule());
    return { decisions, written };
  }

  /**
   * Gives slots back (idempotent; any outcome held with one goes too) and hands each freed
   * slot to the first run waiting for it. Returns the storage rows written.
   */
  async releaseMany(items: { key: string; runId: string }[], now = Date.now()): Promise<number> {
    const states = this.load(items.map((i) => i.key));
    for (const { key, runId } of items) {
      const s = states.get(key);
      if (s) releaseRun(s, runId);
    }
    const woken = [...states].flatMap(([key, s]) => wake(s, now).map((w) => ({ key, w })));
    const written = this.write(states) + (await this.schedule());
    await this.send(woken);
    return written;
  }

  /** True once a newer run has canceled this one (cancel_other); the running consumer polls it. */
  async isCanceled(key: string, runId: string): Promise<boolean> {
    return this.load([key]).get(key)?.canceled.includes(runId) ?? false;
  }

  /** Sets a held lease's deadline (a runner's claim or heartbeat). False when the lease is gone (expired or canceled). */
  async renew(key: string, runId: string, expiresAt: number): Promise<boolean> {
    const s = this.load([key]).get(key);
    const lease = s?.leases.find((l) => l.runId === runId && !l.reserved);
    if (!s || !lease) return false;
    lease.expiresAt = expiresAt;
    this.write(new Map([[key, s]]));
    await this.schedule();
    return true;
  }

  /**
   * Keeps the outcome of a run whose executor finished but whose outcome write failed, and
   * brings its lease's deadline close: a redelivered message writes it (`held`), or the alarm
   * does, instead of running the target again or timing the run out.
   */
  async hold(key: string, runId: string, held: HeldOutcome, now = Date.now()): Promise<void> {
    const s = this.load([key]).get(key);
    const lease = s?.leases.find((l) => l.runId === runId && !l.reserved);
    if (!s || !lease) return; // The lease already lapsed: the alarm timed the run out, and a late write changes nothing.
    lease.held = held;
    lease.expiresAt = Math.min(lease.expiresAt, now + HELD_LEASE_MS);
    this.write(new Map([[key, s]]));
    await this.schedule();
  }

  /** The outcome held for a run, if its write failed (see `hold`). */
  async held(key: string, runId: string): Promise<HeldOutcome | null> {
    return (
      this.load([key])
        .get(key)
        ?.leases.find((l) => l.runId === runId)?.held ?? null
    );
  }

  /**
   * Leases past their deadline belong to consumers that died: their runs time out (and retry
   * by the task's rules), unless an outcome is held for the run, which is written instead.
   * Freed slots then go to waiting runs.
   */
  override async alarm(): Promise<void> {
    const now = Date.now();
    await this.adoptLegacy();
    const due = this.sql.exec<{ key: string; state: string }>("SELECT key, state FROM locks WHERE deadline <= ?", now).toArray();
    const states = new Map(due.map((r) => [r.key, JSON.parse(r.state) as LockState]));
    const expired: { key: string; lease: Lease }[] = [];
    for (const [key, s] of states) {
      for (const lease of s.leases) if (lease.expiresAt <= now && !lease.reserved) expired.push({ key, lease });
      s.leases = s.leases.filter((l) => l.expiresAt > now);
    }
    this.write(states);
    for (const { key, lease: l } of expired) {
      try {
        if (l.held) await writeHeldOutcome(this.env, l.runId, l.taskId, l.orgId, l.held);
        else await expireLease(this.env, l.runId, l.taskId, l.orgId);
      } catch (e) {
        // Keep it for the next alarm rather than lose the run.
        const s = this.load([key]).get(key) ?? emptyState();
        s.leases.push({ ...l, expiresAt: now + EXPIRE_RETRY_MS });
        this.write(new Map([[key, s]]));
        log("error", "lease.expire_failed", { run_id: l.runId, task_id: l.taskId, error: e instanceof Error ? e.message : String(e) });
      }
    }
    const after = this.load([...states.keys()]);
    const woken = [...after].flatMap(([key, s]) => wake(s, now).map((w) => ({ key, w })));
    this.write(after);
    await this.schedule();
    await this.send(woken);
  }

  private load(keys: string[]): Map<string, LockState> {
    const rows = this.sql
      .exec<{ key: string; state: string }>(
        "SELECT key, state FROM locks WHERE key IN (SELECT value FROM json_each(?))",
        JSON.stringify([...new Set(keys)]),
      )
      .toArray();
    return new Map(rows.map((r) => [r.key, JSON.parse(r.state) as LockState]));
  }

  /** Writes each key's state (a key with nothing left to remember loses its row); returns the rows written. */
  private write(states: Map<string, LockState>): number {
    let written = 0;
    for (const [key, s] of states) {
      const c = isEmpty(s)
        ? this.sql.exec("DELETE FROM locks WHERE key = ?", key)
        : this.sql.exec(
            "INSERT INTO locks (key, state, deadline) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET state = excluded.state, deadline = excluded.deadline",
            key,
            JSON.stringify(s),
            deadlineOf(s),
          );
      c.toArray();
      written += c.rowsWritten;
    }
    return written;
  }

  /** Sets the alarm to the earliest lease deadline of all keys (or clears it); returns 1 when that is a write. */
  private async schedule(): Promise<number> {
    const next = this.sql.exec<{ d: number | null }>("SELECT MIN(deadline) AS d FROM locks").one().d;
    if (next === (await this.ctx.storage.getAlarm())) return 0;
    if (next === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(next);
    return 1;
  }

  /**
   * Sends the runs handed a slot. If the queue refuses, they wait again (their slots are
   * freed), and the error fails the caller, whose message comes back to try once more.
   */
  private async send(woken: { key: string; w: Waiting }[]): Promise<void> {
    if (woken.length === 0) return;
    try {
      await this.env.RUNS.sendBatch(woken.map(({ w }) => ({ body: runMessage({ id: w.runId, task_id: w.taskId }, w.orgId) })));
    } catch (e) {
      const states = this.load(woken.map((x) => x.key));
      for (const { key, w } of woken.reverse()) {
        const s = states.get(key);
        if (!s) continue;
        s.leases = s.leases.filter((l) => !(l.runId === w.runId && l.reserved));
        s.waiting.unshift(w);
      }
      this.write(states);
      await this.schedule();
      throw e;
    }
  }

  /** An object from before the shards keeps one task's state under "state": it becomes key "legacy". */
  private async adoptLegacy(): Promise<void> {
    const legacy = await this.ctx.storage.get<LockState>("state");
    if (!legacy) return;
    this.write(new Map([["legacy", legacy]]));
    await this.ctx.storage.delete("state");
  }
}

/** 32-bit FNV-1a: a stable, cheap spread of task ids over the shards. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
