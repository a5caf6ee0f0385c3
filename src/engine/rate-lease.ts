import type { Grant } from "./rate-limiter";

/**
 * The isolate's side of rate limiting. A credential's bucket lives in its RateLimiter
 * Durable Object; asking it on every request put a round trip in front of every
 * answer. Instead an isolate leases `leaseSize(burst)` tokens at once and spends them
 * locally, so only about one request in `leaseSize` waits for the object. Near the
 * limit the object grants what it has (down to one), so a busy credential is limited
 * as precisely as before; a refusal is remembered until the next token is due, so a
 * credential hammering past its limit costs no round trip per refused request either.
 *
 * The bound: tokens are taken from the bucket when leased, so the sustained rate never
 * exceeds the limit. What a lease changes is *when* they are spent: an isolate may
 * still hold up to `leaseSize` tokens when the bucket has refilled, so over any window
 * a credential gets at most `leaseSize` requests more per isolate it reaches than one
 * exact bucket would allow (10 with the default burst of 100). Unspent tokens lapse
 * after LEASE_TTL_MS, which makes the limiter stricter, never looser.
 */
export const LEASE_TTL_MS = 10_000;
/** Credentials whose local lease this isolate keeps (least recently used dropped first). */
export const LEASES_MAX = 10_000;

/** A tenth of the burst, at least 1 (a burst under 20 is leased token by token: exact), at most 1000. */
export function leaseSize(burst: number): number {
  return Math.max(1, Math.min(1000, Math.floor(burst / 10)));
}

type Local = { tokens: number; expiresAt: number; deniedUntil: number };
export type Verdict = { allowed: true } | { allowed: false; retryAfterMs: number };

/** One isolate's leases, by credential. The Worker uses `isolateLeases`; tests build several to play several isolates. */
export class LeasePool {
  private readonly locals = new Map<string, Local>();
  private readonly pending = new Map<string, Promise<Grant>>();

  /**
   * Admits one request of credential `key` at `now`, leasing from the object through
   * `lease(want)` when this isolate holds no token. Concurrent requests of one credential
   * share a lease in flight. A failing `lease` rejects; the caller decides (fail open).
   */
  async admit(key: string, now: number, burst: number, lease: (want: number) => Promise<Grant>): Promise<Verdict> {
    const local = this.fromLocal(key, now);
    if (local) return local;
    const inFlight = this.pending.get(key);
    if (inFlight) {
      await inFlight.catch(() => undefined);
      const after = this.fromLocal(key, now);
      if (after) return after;
    }
    const asked = lease(leaseSize(burst));
    this.pending.set(key, asked);
    let grant: Grant;
    try {
      grant = await asked;
    } finally {
      if (this.pending.get(key) === asked) this.pending.delete(key);
    }
    // Another request's lease may have landed meanwhile: its unexpired tokens are kept.
    const prev = this.locals.get(key);
    const held = prev && now < prev.expiresAt ? prev.tokens : 0;
    if (grant.granted >= 1) {
      this.store(key, { tokens: held + grant.granted - 1, expiresAt: now + LEASE_TTL_MS, deniedUntil: 0 });
      return { allowed: true };
    }
    const wait = Number.isFinite(grant.retryAfterMs) ? Math.max(1, grant.retryAfterMs) : 60_000;
    this.store(key, { tokens: held, expiresAt: prev?.expiresAt ?? 0, deniedUntil: now + wait });
    return { allowed: false, retryAfterMs: grant.retryAfterMs };
  }

  /** Forgets every lease (a cold isolate). */
  clear(): void {
    this.locals.clear();
    this.pending.clear();
  }

  /** A verdict from this isolate's lease alone, or undefined when the object must be asked. */
  private fromLocal(key: string, now: number): Verdict | undefined {
    const l = this.locals.get(key);
    if (!l) return undefined;
    if (l.tokens >= 1 && now < l.expiresAt) {
      l.tokens -= 1;
      return { allowed: true };
    }
    if (now < l.deniedUntil) return { allowed: false, retryAfterMs: l.deniedUntil - now };
    return undefined;
  }

  private store(key: string, l: Local): void {
    this.locals.delete(key);
    this.locals.set(key, l);
    while (this.locals.size > LEASES_MAX) {
      const oldest = this.locals.keys().next();
      if (oldest.done) break;
      this.locals.delete(oldest.value);
    }
  }
}

/** This isolate's pool: module state lives as long as the isolate does. */
export const isolateLeases = new LeasePool();
