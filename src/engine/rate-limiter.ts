import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";

/** One credential's token bucket: how many tokens it held at `updatedAt` (ms). */
export type Bucket = { tokens: number; updatedAt: number };
export type TakeResult = { allowed: boolean; remaining: number; retryAfterMs: number; state: Bucket };

/**
 * Token-bucket maths, pure so the clock can be injected: the bucket refills at
 * `refillPerMs` tokens per millisecond up to `capacity`; a request takes one token.
 * When none is left, `retryAfterMs` says when the next one will be there.
 */
export function takeToken(state: Bucket | undefined, now: number, capacity: number, refillPerMs: number): TakeResult {
  const cap = Math.max(1, capacity);
  const rate = Math.max(0, refillPerMs);
  const elapsed = state ? Math.max(0, now - state.updatedAt) : 0;
  const tokens = state ? Math.min(cap, state.tokens + elapsed * rate) : cap;
  if (tokens >= 1) {
    const left = tokens - 1;
    return { allowed: true, remaining: Math.floor(left), retryAfterMs: 0, state: { tokens: left, updatedAt: now } };
  }
  const retryAfterMs = rate > 0 ? Math.ceil((1 - tokens) / rate) : Number.POSITIVE_INFINITY;
  return { allowed: false, remaining: 0, retryAfterMs, state: { tokens, updatedAt: now } };
}

/**
 * The rate limiter of one credential (one object per API key, JWT subject or the
 * admin token, addressed by name). The bucket lives in memory only: writing it to
 * storage on every request would cost a storage write per API call for no real
 * gain. If the object is evicted (it idles out after some seconds without calls)
 * the bucket starts full again, which is what an idle credential's bucket would
 * have refilled to anyway; a busy credential keeps its object alive.
 */
export class RateLimiter extends DurableObject<Env> {
  private bucket: Bucket | undefined;

  /** Takes one token; the limits come with each call so a change of vars applies at once. */
  async take(capacity: number, refillPerMs: number, now = Date.now()): Promise<Omit<TakeResult, "state">> {
    const { state, ...result } = takeToken(this.bucket, now, capacity, refillPerMs);
    this.bucket = state;
    return result;
  }
}
