import { SignJWT, createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import type { JWTPayload } from "jose";
import type { Db } from "../../db/client";
import { apiKeys } from "../../db/schema";
import { and, eq, isNull, lt, or } from "drizzle-orm";
import type { Env } from "../../env";
import { DomainError } from "../../domain/errors";
import type { Identity } from "../../domain/identity";
import { parseScopes } from "../../domain/identity";
import { ensureOrg, isValidOrgId } from "../orgs";
import { API_KEY_PREFIX, findApiKey } from "./api-keys";
import { timingSafeEqualText } from "./crypto";
import { touchApiKey } from "./key-cache";

const MAX_TOKEN_LENGTH = 8192;
/** `last_used_at` is kept to this precision (ms), so a busy key does not write on every request. */
const LAST_USED_PRECISION_MS = 60_000;
const unauthorized = (message: string) => new DomainError("unauthorized", "unauthorized", message);

const jwksByUrl = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
const knownOrgs = new Set<string>();

/** How a credential was presented: `Authorization: Bearer|UserKey <x>` or `X-API-Key: <x>`. */
export type Presented = { scheme: "bearer" | "userkey" | "x-api-key"; value: string };

/**
 * Turns a presented credential into an identity, or throws 401. Accepts the admin
 * token, an API key (`tk_…`), or a JWT (HS256 with JWT_SECRET; RS256/ES256 via
 * JWKS_URL). `alg: none` and algorithm confusion are refused because the
 * algorithm list is fixed by the key type, never taken from the token.
 *
 * None of them reads D1 on the hot path: an API key's lookup is cached in the isolate
 * for 30 s (key-cache.ts), a JWT is verified by its signature alone (its org is
 * ensured once per isolate), the admin token is compared with the secret. `defer`
 * (the request's waitUntil) takes bookkeeping writes off the request; without it they
 * are awaited.
 */
export async function authenticate(
  db: Db,
  env: Env,
  cred: Presented | null,
  now: number,
  defer?: (work: Promise<unknown>) => void,
): Promise<Identity> {
  if (!cred || cred.value === "") throw unauthorized("missing credential: send Authorization: Bearer <token or API key>");
  const value = cred.value.trim();
  if (value.length > MAX_TOKEN_LENGTH) throw unauthorized("credential too long");

  if (cred.scheme === "bearer" && env.ADMIN_TOKEN && !value.startsWith(API_KEY_PREFIX) && value.split(".").length !== 3) {
    if (await timingSafeEqualText(value, env.ADMIN_TOKEN)) {
      return { kind: "admin_token", orgId: null, scopes: new Set(["admin"]), subject: "admin" };
    }
    throw unauthorized("invalid credential");
  }
  if (value.startsWith(API_KEY_PREFIX)) {
    const { hash, key } = await findApiKey(db, value, now);
    if (!key) throw unauthorized("invalid or revoked API key");
    // Best-effort bookkeeping at minute precision: a key used many times a minute
    // costs one write a minute (per isolate), not one per request, and the write runs
    // after the answer (`defer`, the request's waitUntil) so no request waits for it.
    if (key.lastUsedAt === null || key.lastUsedAt < now - LAST_USED_PRECISION_MS) {
      touchApiKey(hash, now);
      const write = db
        .update(apiKeys)
        .set({ lastUsedAt: now })
        .where(and(eq(apiKeys.id, key.id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, now - LAST_USED_PRECISION_MS))))
        .run()
        .catch(() => undefined);
      if (defer) defer(write);
      else await write;
    }
    return {
      kind: "api_key",
      orgId: key.orgId,
      scopes: parseScopes(key.scopes),
      subject: `api_key:${key.id}`,
      keyId: key.id,
      projectId: key.projectId,
    };
  }
  if (cred.scheme !== "bearer") throw unauthorized("invalid API key");
  const payload = await verifyJwt(env, value, now);
  const org = payload.org;
  if (typeof org !== "string" || !isValidOrgId(org)) throw unauthorized("token has no valid org claim");
  if (!knownOrgs.has(org)) {
    await ensureOrg(db, org, now);
    knownOrgs.add(org);
  }
  return { kind: "jwt", orgId: org, scopes: parseScopes(payload.scope), subject: typeof payload.sub === "string" ? payload.sub : "jwt" };
}

async function verifyJwt(env: Env, token: string, now: number): Promise<JWTPayload> {
  let alg: string | undefined;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    throw unauthorized("malformed token");
  }
  const options = {
    issuer: env.JWT_ISSUER || undefined,
    audience: env.JWT_AUDIENCE || undefined,
    requiredClaims: ["exp"],
    currentDate: new Date(now),
  };
  try {
    if (alg === "HS256") {
      if (!env.JWT_SECRET) throw unauthorized("HS256 tokens are not accepted: JWT_SECRET is not configured");
      const { payload } = await jwtVerify(token, new TextEncoder().encode(env.JWT_SECRET), { ...options, algorithms: ["HS256"] });
      return payload;
    }
    if ((alg === "RS256" || alg === "ES256") && env.JWKS_URL) {
      let jwks = jwksByUrl.get(env.JWKS_URL);
      if (!jwks) {
        jwks = createRemoteJWKSet(new URL(env.JWKS_URL));
        jwksByUrl.set(env.JWKS_URL, jwks);
      }
      const { payload } = await jwtVerify(token, jwks, { ...options, algorithms: ["RS256", "ES256"] });
      return payload;
    }
  } catch (e) {
    if (e instanceof DomainError) throw e;
    throw unauthorized(jwtMessage(e));
  }
  throw unauthorized(`token algorithm ${alg ?? "(none)"} is not accepted`);
}

function jwtMessage(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === "ERR_JWT_EXPIRED") return "token expired";
  if (code === "ERR_JWT_CLAIM_VALIDATION_FAILED") return `token claim check failed: ${(e as { claim?: string }).claim ?? "claim"}`;
  if (code === "ERR_JWS_SIGNATURE_VERIFICATION_FAILED") return "token signature is invalid";
  return "invalid token";
}

/**
 * Mints a short-lived HS256 token for an API key's organization and scopes, or for the
 * admin token acting for the organization `orgHeader` (X-Org-Id) names: the dashboard
 * keeps that token in its session cookie instead of the admin token itself.
 */
export async function issueToken(
  env: Env,
  identity: Identity,
  now: number,
  orgHeader?: string,
): Promise<{ access_token: string; token_type: "Bearer"; expires_in: number }> {
  if (!env.JWT_SECRET) throw new DomainError("invalid", "jwt_not_configured", "token exchange needs the JWT_SECRET secret to be set");
  let org: string;
  if (identity.kind === "admin_token") {
    if (!orgHeader || !isValidOrgId(orgHeader)) {
      throw new DomainError("invalid", "org_required", "the admin token acts for no organization: name one with the X-Org-Id header");
    }
    org = orgHeader;
  } else if (identity.kind === "api_key" && identity.orgId) {
    org = identity.orgId;
  } else {
    throw new DomainError("invalid", "api_key_required", "only an API key or the admin token can be exchanged for a token");
  }
  const ttl = Math.max(60, Math.min(86_400, Number(env.TOKEN_TTL_SECONDS) || 3600));
  const iat = Math.floor(now / 1000);
  let jwt = new SignJWT({ org, scope: [...identity.scopes].join(" ") })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(identity.subject)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttl);
  if (env.JWT_ISSUER) jwt = jwt.setIssuer(env.JWT_ISSUER);
  if (env.JWT_AUDIENCE) jwt = jwt.setAudience(env.JWT_AUDIENCE);
  return { access_token: await jwt.sign(new TextEncoder().encode(env.JWT_SECRET)), token_type: "Bearer", expires_in: ttl };
}
