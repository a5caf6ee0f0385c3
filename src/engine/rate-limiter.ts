import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";

/** One credential's token bucket: how many tokens it held at `updatedAt` (ms). */
export type Bucket = { tokens: number; updatedAt: number };
export type TakeResult = { allowed: boolean; remaining: number; retryAfterMs: number; state: Bucket };
/** Tokens handed to an isolate at once (0 when the bucket is empty, with the wait for the next). */
export type Grant = { granted: number; retryAfterMs: number };

/**
 * Token-bucket maths, pure so the clock can be injected: the bucket refills at
 * `refillPerMs` tokens per millisecond up to `capacity`; a call takes up to `want`
 * whole tokens (as many as there are). When none is left, `retryAfterMs` says when the
 * next one will be there.
 */
export function takeTokens(
  state: Bucket | undefined,
  now: number,
  capacity: number,
  refillPerMs: number,
  want: number,
): Grant & { remaining: number; state: Bucket } {
  const cap = Math.max(1, capacity);
  const rate = Math.max(0, refillPerMs);
  const elapsed = state ? Math.max(0, now - state.updatedAt) : 0;
  const tokens = state ? Math.min(cap, state.tokens + elapsed * rate) : cap;
  const granted = Math.min(Math.max(1, Math.floor(want)), Math.floor(tokens));
  if (granted >= 1) {
    const left = tokens - granted;
    return { granted, remaining: Math.floor(left), retryAfterMs: 0, state: { tokens: left, updatedAt: now } };
  }
  const retryAfterMs = rate > 0 ? Math.ceil((1 - tokens) / rate) : Number.POSITIVE_INFINITY;
  return { granted: 0, remaining: 0, retryAfterMs, state: { tokens, updatedAt: now } };
}

/** One request's token: `takeTokens` with `want` = 1. */
export function takeToken(state: Bucket | undefined, now: number, capacity: number, refillPerMs: number): TakeResult {
  const { granted, remaining, retryAfterMs, state: next } = takeTokens(state, now, capacity, refillPerMs, 1);
  return { allowed: granted === 1, remaining, retryAfterMs, state: next };
}

/**
 * The rate limiter of one credential (one object per API key, JWT subject or the
 * admin token, addressed by name). The bucket lives in memory only: writing it to
 * storage on every request would cost a storage write per API call for no real
 * gain. If the object is evicted (it idles out after some seconds without calls)
 * the bucket starts full again, which is what an idle credential's bucket would
 * have refilled to anyway; a busy credential keeps its object alive.
 *
 * Isolates do not call it per request: they `lease` a few tokens at a time and spend
 * them locally (engine/rate-lease.ts); this object is the one place they come from.
 */
export class RateLimiter extends DurableObject<Env> {
  private bucket: Bucket | undefined;

  /** Takes one token; the limits come with each call so a change of vars applies at once. */
  async take(capacity: number, refillPerMs: number, now = Date.now()): Promise<Omit<TakeResult, "state">> {
    const { state, ...result } = takeToken(this.bucket, now, capacity, refillPerMs);
    this.bucket = state;
    return result;
  }

  /** Takes up to `want` tokens for an isolate to spend locally. */
  async lease(capacity: number, refillPerMs: number, want: number, now = Date.now()): Promise<Grant> {
    const { granted, retryAfterMs, state } = takeTokens(this.bucket, now, capacity, refillPerMs, want);
    this.bucket = state;
    return { granted, retryAfterMs };
  }
}
