import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";

type Lease = { runId: string; expiresAt: number };

/**
 * One object per task (or per concurrency key): holds the leases of the runs in
 * progress, in its own storage, so at most `limit` run at once. A lease ends when
 * released or when its deadline passes (the alarm clears it, so a consumer that
 * died mid-run cannot hold the task forever).
 */
export class TaskLock extends DurableObject<Env> {
  private async leases(now: number): Promise<Lease[]> {
    const all = (await this.ctx.storage.get<Lease[]>("leases")) ?? [];
    return all.filter((l) => l.expiresAt > now);
  }

  private async save(leases: Lease[]): Promise<void> {
    await this.ctx.storage.put("leases", leases);
    const next = Math.min(...leases.map((l) => l.expiresAt));
    if (Number.isFinite(next)) await this.ctx.storage.setAlarm(next);
    else await this.ctx.storage.deleteAlarm();
  }

  /** Grants a lease for `runId` unless `limit` others hold one. Asking again for a held lease renews nothing and succeeds. */
  async acquire(runId: string, leaseMs: number, limit: number, now = Date.now()): Promise<{ granted: boolean; holders: string[] }> {
    const leases = await this.leases(now);
    if (leases.some((l) => l.runId === runId)) return { granted: true, holders: leases.map((l) => l.runId) };
    if (leases.length >= limit) return { granted: false, holders: leases.map((l) => l.runId) };
    leases.push({ runId, expiresAt: now + leaseMs });
    await this.save(leases);
    return { granted: true, holders: leases.map((l) => l.runId) };
  }

  /** Ends a lease (idempotent). */
  async release(runId: string, now = Date.now()): Promise<void> {
    const leases = await this.leases(now);
    await this.save(leases.filter((l) => l.runId !== runId));
  }

  /** Drops leases whose deadline has passed. */
  override async alarm(): Promise<void> {
    await this.save(await this.leases(Date.now()));
  }
}
