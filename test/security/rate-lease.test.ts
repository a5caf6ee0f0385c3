import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { rateLimitedApp } from "../helpers/rate";
import { rateLimits } from "../../src/api/middleware/rate-limit";
import type { Identity } from "../../src/domain/identity";
import { LEASE_TTL_MS, LeasePool, leaseSize } from "../../src/engine/rate-lease";
import type { Bucket } from "../../src/engine/rate-limiter";
import { takeTokens } from "../../src/engine/rate-limiter";

// Isolates lease tokens from the credential's RateLimiter object (engine/rate-lease.ts).
// Here the object is played by the same pure bucket maths, with an injected clock, and
// each LeasePool plays one isolate.

const { burst, refillPerMs } = rateLimits({ RATE_LIMIT_PER_MINUTE: "600", RATE_LIMIT_BURST: "100" });

/** One credential's bucket, as its Durable Object keeps it, counting the round trips. */
function fakeObject(clock: { now: number }) {
  let bucket: Bucket | undefined;
  const o = {
    calls: 0,
    lease: async (want: number) => {
      o.calls++;
      const { granted, retryAfterMs, state } = takeTokens(bucket, clock.now, burst, refillPerMs, want);
      bucket = state;
      return { granted, retryAfterMs };
    },
  };
  return o;
}

describe("leased rate limiting (injected clock)", () => {
  it("a burst of 100 costs 10 round trips, not 100; the 101st is refused, and refusals are answered locally", async () => {
    const clock = { now: 1_000_000 };
    const object = fakeObject(clock);
    const pool = new LeasePool();
    const verdicts = [];
    for (let i = 0; i < 101; i++) verdicts.push(await pool.admit("k", clock.now, burst, object.lease));
    expect(verdicts.filter((v) => v.allowed)).toHaveLength(100);
    expect(verdicts[100]).toEqual({ allowed: false, retryAfterMs: 100 });
    expect(object.calls).toBe(100 / leaseSize(burst) + 1);
    const calls = object.calls;
    for (let i = 0; i < 20; i++) expect((await pool.admit("k", clock.now + 50, burst, object.lease)).allowed).toBe(false);
    expect(object.calls).toBe(calls);
    // Once the next token is due, the object is asked again and grants it.
    clock.now += 100;
    expect((await pool.admit("k", clock.now, burst, object.lease)).allowed).toBe(true);
  });

  it("sustained load is held to the limit: 600 a minute (after the burst) whatever the number of isolates", async () => {
    const clock = { now: 0 };
    const object = fakeObject(clock);
    const isolates = [new LeasePool(), new LeasePool(), new LeasePool()];
    let allowed = 0;
    for (let t = 0; t < 60_000; t += 10) {
      clock.now = t;
      if ((await isolates[(t / 10) % 3]?.admit("k", t, burst, object.lease))?.allowed) allowed++;
    }
    // An exact bucket allows 100 + 599 here (a token every 100 ms after the first 100).
    expect(allowed).toBeLessThanOrEqual(100 + 600);
    expect(allowed).toBeGreaterThanOrEqual(600);
  });

  it("over a window, a credential gets at most one lease (10) more per isolate than one exact bucket", async () => {
    const clock = { now: 0 };
    const object = fakeObject(clock);
    const a = new LeasePool();
    const b = new LeasePool();
    // Each isolate leases once and spends one token: each holds 9 more.
    await a.admit("k", 0, burst, object.lease);
    await b.admit("k", 0, burst, object.lease);
    // The bucket refills; then the credential fires as fast as it can through both.
    clock.now = 8_000;
    let allowed = 0;
    for (let i = 0; i < 300; i++) if ((await (i % 2 ? a : b).admit("k", clock.now, burst, object.lease)).allowed) allowed++;
    expect(allowed).toBe(100 + 2 * (leaseSize(burst) - 1));
    expect(allowed).toBeLessThanOrEqual(burst + 2 * leaseSize(burst));
  });

  it("concurrent requests share one lease in flight; unspent tokens lapse after LEASE_TTL_MS", async () => {
    const clock = { now: 5_000_000 };
    const object = fakeObject(clock);
    const pool = new LeasePool();
    const verdicts = await Promise.all(Array.from({ length: 10 }, () => pool.admit("k", clock.now, burst, object.lease)));
    expect(verdicts.every((v) => v.allowed)).toBe(true);
    expect(object.calls).toBe(1);
    expect((await pool.admit("k", clock.now + LEASE_TTL_MS - 1, burst, object.lease)).allowed).toBe(true);
    expect(object.calls).toBe(2); // the first lease was spent; a second one taken
    await pool.admit("k", clock.now + 2 * LEASE_TTL_MS, burst, object.lease);
    expect(object.calls).toBe(3); // the second lease's 9 left-overs lapsed
  });

  it("a failing object rejects (the middleware lets the request through) and is asked again next time", async () => {
    const pool = new LeasePool();
    let fail = true;
    const lease = async () => {
      if (fail) throw new Error("limiter down");
      return { granted: 1, retryAfterMs: 0 };
    };
    await expect(pool.admit("k", 0, 2, lease)).rejects.toThrow("limiter down");
    fail = false;
    await expect(pool.admit("k", 0, 2, lease)).resolves.toEqual({ allowed: true });
  });
});

describe("leased rate limiting through the middleware and the real object", () => {
  it("with the default limits, 100 requests pass and the 101st is 429 with Retry-After", async () => {
    const id = crypto.randomUUID();
    const identity: Identity = { kind: "api_key", orgId: `org-${id.slice(0, 8)}`, scopes: new Set(), subject: `api_key:${id}`, keyId: id };
    const app = rateLimitedApp(identity);
    const defaults = { ...env, RATE_LIMIT_PER_MINUTE: "600", RATE_LIMIT_BURST: "100" };
    let ok = 0;
    let refused: Response | undefined;
    for (let i = 0; i < 101; i++) {
      const res = await app.request("/v1/ping", {}, defaults);
      if (res.status === 200) ok++;
      else refused = res;
    }
    expect(ok).toBe(100);
    expect(refused?.status).toBe(429);
    expect(Number(refused?.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });

  it("the object's lease grants what the bucket holds, down to none with the wait", async () => {
    const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`lease-${crypto.randomUUID()}`));
    const t0 = Date.now();
    expect(await stub.lease(25, 1 / 1000, 10, t0)).toEqual({ granted: 10, retryAfterMs: 0 });
    expect(await stub.lease(25, 1 / 1000, 10, t0)).toEqual({ granted: 10, retryAfterMs: 0 });
    expect(await stub.lease(25, 1 / 1000, 10, t0)).toEqual({ granted: 5, retryAfterMs: 0 });
    expect(await stub.lease(25, 1 / 1000, 10, t0)).toEqual({ granted: 0, retryAfterMs: 1000 });
  });
});
