import { createMiddleware } from "hono/factory";
import { DomainError } from "../../domain/errors";
import type { Identity } from "../../domain/identity";
import type { AppEnv, Env } from "../../env";
import { log } from "../../log";
import type { Verdict } from "../../engine/rate-lease";
import { isolateLeases } from "../../engine/rate-lease";

export const DEFAULT_RATE_LIMIT_PER_MINUTE = 600;
export const DEFAULT_RATE_LIMIT_BURST = 100;

/** The limits in force: `RATE_LIMIT_PER_MINUTE` (sustained) and `RATE_LIMIT_BURST` (bucket size). */
export function rateLimits(env: Pick<Env, "RATE_LIMIT_PER_MINUTE" | "RATE_LIMIT_BURST">): {
  perMinute: number;
  burst: number;
  refillPerMs: number;
} {
  const num = (v: string | undefined, d: number) => {
    const n = Number(v);
    return v !== undefined && v !== "" && Number.isFinite(n) && n > 0 ? n : d;
  };
  const perMinute = num(env.RATE_LIMIT_PER_MINUTE, DEFAULT_RATE_LIMIT_PER_MINUTE);
  const burst = Math.floor(num(env.RATE_LIMIT_BURST, DEFAULT_RATE_LIMIT_BURST));
  return { perMinute, burst, refillPerMs: perMinute / 60_000 };
}

/**
 * Whose bucket a request draws from: an API key (and the JWTs exchanged for it,
 * which carry the same org and subject), a JWT's org and subject, or the admin token.
 */
export function rateLimitKey(identity: Identity): string {
  return identity.orgId ? `${identity.orgId}|${identity.subject}` : `admin|${identity.subject}`;
}

/**
 * Per-credential rate limiting, after authentication: 429 with `Retry-After`
 * (seconds) once the bucket is empty, rendered by the face that serves the route
 * (the /v1 envelope on /v1, each dialect's own error shape on its paths). The bucket
 * is the credential's RateLimiter object; this isolate leases tokens from it a few at
 * a time (engine/rate-lease.ts, and its bound in the README). If the limiter itself
 * fails, the request goes through (logged): limiting must not take the API down.
 */
export const rateLimit = createMiddleware<AppEnv>(async (c, next) => {
  const { burst, refillPerMs } = rateLimits(c.env);
  const key = rateLimitKey(c.get("identity"));
  let verdict: Verdict | undefined;
  try {
    verdict = await isolateLeases.admit(key, Date.now(), burst, async (want) => {
      const stub = c.env.RATE_LIMITER.get(c.env.RATE_LIMITER.idFromName(key));
      return stub.lease(burst, refillPerMs, want);
    });
  } catch (e) {
    log("error", "rate_limit.failed", { request_id: c.get("requestId"), error: e instanceof Error ? e.message : String(e) });
  }
  if (verdict && !verdict.allowed) {
    const seconds = Number.isFinite(verdict.retryAfterMs) ? Math.max(1, Math.ceil(verdict.retryAfterMs / 1000)) : 60;
    c.header("Retry-After", String(seconds));
    throw new DomainError("rate_limited", "rate_limited", `too many requests for this credential: retry in ${seconds} s`);
  }
  await next();
});
