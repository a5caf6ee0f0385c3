import { createExecutionContext, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { rateLimitedApp } from "../helpers/rate";
import { createApp } from "../../src/app";
import { rateLimitKey, rateLimits } from "../../src/api/middleware/rate-limit";
import type { Identity } from "../../src/domain/identity";
import { takeToken } from "../../src/engine/rate-limiter";
import { call, tenant } from "../helpers/api";

const PER_SECOND = 1 / 1000;

describe("takeToken (pure bucket maths, injected clock)", () => {
  it("a fresh bucket allows a burst of `capacity`, then refuses with the time to the next token", () => {
    let s = undefined as Parameters<typeof takeToken>[0];
    const t0 = 1_000_000;
    for (let i = 0; i < 3; i++) {
      const r = takeToken(s, t0, 3, PER_SECOND);
      expect(r.allowed).toBe(true);
      expect(r.remaining).toBe(2 - i);
      s = r.state;
    }
    const denied = takeToken(s, t0, 3, PER_SECOND);
    expect(denied).toMatchObject({ allowed: false, remaining: 0, retryAfterMs: 1000 });
    // Half a token later, half the wait is left.
    expect(takeToken(denied.state, t0 + 500, 3, PER_SECOND)).toMatchObject({ allowed: false, retryAfterMs: 500 });
    // One token later, exactly one request passes.
    const again = takeToken(denied.state, t0 + 1000, 3, PER_SECOND);
    expect(again.allowed).toBe(true);
    expect(takeToken(again.state, t0 + 1000, 3, PER_SECOND).allowed).toBe(false);
  });

  it("refills up to capacity and no further; a clock going backwards adds nothing", () => {
    const empty = { tokens: 0, updatedAt: 0 };
    const later = takeToken(empty, 3_600_000, 5, PER_SECOND);
    expect(later.allowed).toBe(true);
    expect(later.remaining).toBe(4);
    expect(takeToken(empty, -10_000, 5, PER_SECOND).allowed).toBe(false);
  });

  it("600 per minute with a burst of 100: 100 at once, then one every 100 ms", () => {
    const { burst, refillPerMs } = rateLimits({ RATE_LIMIT_PER_MINUTE: "600", RATE_LIMIT_BURST: "100" });
    let s = undefined as Parameters<typeof takeToken>[0];
    let allowed = 0;
    for (let i = 0; i < 150; i++) {
      const r = takeToken(s, 0, burst, refillPerMs);
      s = r.state;
      if (r.allowed) allowed++;
      else expect(r.retryAfterMs).toBe(100);
    }
    expect(allowed).toBe(100);
    // Over one further minute, 600 more pass (the bucket refills 10 per second).
    let more = 0;
    for (let t = 100; t <= 60_000; t += 100) {
      const r = takeToken(s, t, burst, refillPerMs);
      s = r.state;
      if (r.allowed) more++;
    }
    expect(more).toBe(600);
  });

  it("a zero refill rate never refills (retry is infinite, not NaN)", () => {
    const r = takeToken({ tokens: 0, updatedAt: 0 }, 10, 1, 0);
    expect(r.allowed).toBe(false);
    expect(r.retryAfterMs).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("rateLimits and rateLimitKey", () => {
  it("defaults to 600 per minute with a burst of 100; bad values fall back to the defaults", () => {
    expect(rateLimits({})).toMatchObject({ perMinute: 600, burst: 100 });
    expect(rateLimits({ RATE_LIMIT_PER_MINUTE: "abc", RATE_LIMIT_BURST: "-5" })).toMatchObject({ perMinute: 600, burst: 100 });
    expect(rateLimits({ RATE_LIMIT_PER_MINUTE: "120", RATE_LIMIT_BURST: "10" })).toMatchObject({
      perMinute: 120,
      burst: 10,
      refillPerMs: 120 / 60_000,
    });
  });

  it("an API key and the JWT exchanged for it share a bucket; other orgs, subjects and the admin token do not", () => {
    const key: Identity = { kind: "api_key", orgId: "o1", scopes: new Set(), subject: "api_key:k1", keyId: "k1" };
    const exchanged: Identity = { kind: "jwt", orgId: "o1", scopes: new Set(), subject: "api_key:k1" };
    const sameSubOtherOrg: Identity = { kind: "jwt", orgId: "o2", scopes: new Set(), subject: "api_key:k1" };
    const admin: Identity = { kind: "admin_token", orgId: null, scopes: new Set(["admin"]), subject: "admin" };
    expect(rateLimitKey(key)).toBe(rateLimitKey(exchanged));
    expect(rateLimitKey(sameSubOtherOrg)).not.toBe(rateLimitKey(key));
    expect(new Set([rateLimitKey(key), rateLimitKey(admin), rateLimitKey({ ...exchanged, subject: "user-1" })]).size).toBe(3);
  });
});

describe("RateLimiter Durable Object (called directly, explicit limits)", () => {
  it("takes tokens per object, refuses when empty and refills with time", async () => {
    const name = `test-${crypto.randomUUID()}`;
    const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(name));
    const t0 = Date.now();
    const seen = [];
    for (let i = 0; i < 4; i++) seen.push(await stub.take(3, PER_SECOND, t0));
    expect(seen.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(seen[3]).toMatchObject({ remaining: 0, retryAfterMs: 1000 });
    expect((await stub.take(3, PER_SECOND, t0 + 1000)).allowed).toBe(true);
    // Another credential's object is untouched.
    const other = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`${name}-other`));
    expect((await other.take(3, PER_SECOND, t0)).allowed).toBe(true);
  });
});

describe("rate limit middleware (a small app with its own limits)", () => {
  const tight = { ...env, RATE_LIMIT_PER_MINUTE: "1", RATE_LIMIT_BURST: "2" };
  const ident = (): Identity => {
    const id = crypto.randomUUID();
    return { kind: "api_key", orgId: `org-${id.slice(0, 8)}`, scopes: new Set(["tasks:read"]), subject: `api_key:${id}`, keyId: id };
  };

  it("answers 429 with Retry-After and the /v1 error envelope once the burst is spent", async () => {
    const app = rateLimitedApp(ident());
    expect((await app.request("/v1/ping", {}, tight)).status).toBe(200);
    expect((await app.request("/v1/ping", {}, tight)).status).toBe(200);
    const res = await app.request("/v1/ping", { headers: { "x-request-id": "rl-test-1" } }, tight);
    expect(res.status).toBe(429);
    const retry = Number(res.headers.get("retry-after"));
    expect(retry).toBeGreaterThanOrEqual(59);
    expect(retry).toBeLessThanOrEqual(60);
    const body = (await res.json()) as { error: { code: string; message: string; request_id: string } };
    expect(body).toEqual({ error: { code: "rate_limited", message: expect.stringMatching(/retry in \d+ s/), request_id: "rl-test-1" } });
  });

  it("limits each credential separately", async () => {
    const a = rateLimitedApp(ident());
    const b = rateLimitedApp(ident());
    for (let i = 0; i < 2; i++) expect((await a.request("/v1/ping", {}, tight)).status).toBe(200);
    expect((await a.request("/v1/ping", {}, tight)).status).toBe(429);
    expect((await b.request("/v1/ping", {}, tight)).status).toBe(200);
  });

  it("lets requests through (and logs) when the limiter itself fails", async () => {
    const broken = {
      ...tight,
      RATE_LIMITER: {
        idFromName: () => {
          throw new Error("limiter down");
        },
      },
    } as unknown as typeof env;
    const app = rateLimitedApp(ident());
    for (let i = 0; i < 4; i++) expect((await app.request("/v1/ping", {}, broken)).status).toBe(200);
  });
});

describe("rate limiting in the real Worker", () => {
  it("is mounted on /v1 after authentication, with the test pool's generous limits", async () => {
    const { key } = await tenant(["tasks:read"]);
    for (let i = 0; i < 5; i++) expect((await call("GET", "/v1/tasks", { token: key })).status).toBe(200);
    // Unauthenticated requests are refused by authn before they reach the limiter.
    expect((await call("GET", "/v1/tasks")).status).toBe(401);
  });

  it("every dialect is limited too, per credential, answering 429 with Retry-After in its own error shape", async () => {
    const app = createApp();
    const tightEnv = { ...env, RATE_LIMIT_PER_MINUTE: "1", RATE_LIMIT_BURST: "2" };
    const faces: [string, (body: any) => void][] = [
      [
        "/api/tasks/schedules",
        (b) =>
          expect(b).toEqual({
            error: { code: "RATE_LIMITED", message: expect.stringMatching(/retry in \d+ s/), status: 429, details: null },
          }),
      ],
      ["/api/v1/tasks", (b) => expect(b).toEqual({ success: false, error: expect.stringMatching(/retry in \d+ s/) })],
      ["/tasks", (b) => expect(b).toEqual({ error: { code: "rate_limited", message: expect.stringMatching(/retry in \d+ s/) } })],
      ["/api/v1/scheduled_tasks", (b) => expect(b).toEqual({ msg: expect.stringMatching(/retry in \d+ s/) })],
      ["/api/agents/agent-1/schedules", (b) => expect(b).toEqual({ error: expect.stringMatching(/retry in \d+ s/), code: "rate_limited" })],
    ];
    for (const [path, shape] of faces) {
      const { key } = await tenant(["tasks:read"]); // a fresh credential (and bucket) per face
      const get = () =>
        app.request(`http://tasks.test${path}`, { headers: { authorization: `Bearer ${key}` } }, tightEnv, createExecutionContext());
      expect((await get()).status, path).toBe(200);
      expect((await get()).status, path).toBe(200);
      const res = await get();
      expect(res.status, path).toBe(429);
      expect(Number(res.headers.get("retry-after")), path).toBeGreaterThanOrEqual(59);
      shape(await res.json());
      // Another credential is not held back by this one.
      const other = await tenant(["tasks:read"]);
      expect(
        (
          await app.request(
            `http://tasks.test${path}`,
            { headers: { authorization: `Bearer ${other.key}` } },
            tightEnv,
            createExecutionContext(),
          )
        ).status,
        path,
      ).toBe(200);
    }
  });
});
