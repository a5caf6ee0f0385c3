import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { createDb } from "../../db/client";
import { DomainError } from "../../domain/errors";
import type { Identity, Scope } from "../../domain/identity";
import { hasScope } from "../../domain/identity";
import type { AppEnv } from "../../env";
import type { Presented } from "../../services/auth/authenticate";
import { authenticate } from "../../services/auth/authenticate";

/** Reads the credential from `Authorization: Bearer|UserKey <x>` or `X-API-Key`. */
export function presentedCredential(headers: { authorization?: string; apiKey?: string }): Presented | null {
  const auth = headers.authorization?.trim();
  if (auth) {
    const m = /^(\S+)\s+(.+)$/.exec(auth);
    const scheme = m?.[1]?.toLowerCase();
    if (m?.[2] && (scheme === "bearer" || scheme === "userkey")) return { scheme, value: m[2].trim() };
    return { scheme: "bearer", value: "" };
  }
  if (headers.apiKey) return { scheme: "x-api-key", value: headers.apiKey.trim() };
  return null;
}

/** The request's waitUntil, when it has one (a bare `app.request` in a test has none). */
function deferTo(c: Context<AppEnv>): ((work: Promise<unknown>) => void) | undefined {
  try {
    const ctx = c.executionCtx;
    return (work) => ctx.waitUntil(work);
  } catch {
    return undefined;
  }
}

/** Resolves the caller's identity or answers 401. */
export const authn = createMiddleware<AppEnv>(async (c, next) => {
  const cred = presentedCredential({ authorization: c.req.header("authorization"), apiKey: c.req.header("x-api-key") });
  const identity = await authenticate(createDb(c.env.DB), c.env, cred, Date.now(), deferTo(c));
  c.set("identity", identity);
  await next();
});

export const forbidden = (message: string) => new DomainError("forbidden", "forbidden", message);

/** Answers 403 unless the caller holds `scope`. */
export const requireScope = (scope: Scope) =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (!hasScope(c.get("identity"), scope)) throw forbidden(`this route needs the ${scope} scope`);
    await next();
  });

/** Only the bootstrap admin token (or a credential with the admin scope) passes. */
export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.get("identity").scopes.has("admin")) throw forbidden("this route needs the admin token");
  await next();
});

/**
 * The organization a request acts for: the credential's own, or for the admin
 * token (which belongs to none) the `X-Org-Id` header.
 */
export function orgOf(identity: Identity, header: string | undefined): string {
  if (identity.orgId) return identity.orgId;
  if (header && /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/.test(header)) return header;
  throw new DomainError("invalid", "org_required", "the admin token acts for no organization: name one with the X-Org-Id header");
}
