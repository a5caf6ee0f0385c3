import { and, desc, eq, isNull } from "drizzle-orm";
import type { Db } from "../../db/client";
import { apiKeys, projects } from "../../db/schema";
import type { ApiKeyRow } from "../../db/schema";
import { DomainError, invalid, notFound } from "../../domain/errors";
import type { Scope } from "../../domain/identity";
import type { AdminContext } from "../context";
import { ensureOrg, isValidOrgId, randomSecret } from "../orgs";
import { sha256Hex, timingSafeEqualText } from "./crypto";
import type { CachedKey } from "./key-cache";
import { cachedApiKey, forgetApiKey, rememberApiKey } from "./key-cache";

export const API_KEY_PREFIX = "tk_";

/** Public view of a key: never the hash, never the key itself. */
export type ApiKeyView = {
  id: string;
  name: string;
  org: string;
  scopes: Scope[];
  project_id: string | null;
  prefix: string;
  created_at: number;
  revoked_at: number | null;
  last_used_at: number | null;
};

const view = (r: ApiKeyRow): ApiKeyView => ({
  id: r.id,
  name: r.name,
  org: r.orgId,
  scopes: r.scopes.split(" ").filter(Boolean) as Scope[],
  project_id: r.projectId,
  prefix: r.prefix,
  created_at: r.createdAt,
  revoked_at: r.revokedAt,
  last_used_at: r.lastUsedAt,
});

/** Issues a key. The plain key is returned here once and stored only as its SHA-256. */
export async function createApiKey(
  ctx: AdminContext,
  p: { name: string; org: string; scopes: Scope[]; project_id?: string | null },
): Promise<ApiKeyView & { key: string }> {
  const { db, now } = ctx;
  if (!isValidOrgId(p.org)) {
    throw invalid("validation_failed", "org must be 1-100 characters of letters, digits and . _ : -", [
      { path: "org", message: "invalid organization id" },
    ]);
  }
  await ensureOrg(db, p.org, now);
  if (p.project_id) {
    const project = await db
      .select()
      .from(projects)
      .where(and(eq(projects.orgId, p.org), eq(projects.id, p.project_id)))
      .get();
    if (!project)
      throw new DomainError("invalid", "project_not_found", "Project not found", [
        { path: "project_id", message: "no such project in this organization" },
      ]);
  }
  const key = `${API_KEY_PREFIX}${randomSecret(24)}`;
  const hash = await sha256Hex(key);
  const row = await db
    .insert(apiKeys)
    .values({
      id: crypto.randomUUID(),
      orgId: p.org,
      name: p.name,
      prefix: key.slice(0, 11),
      hash,
      scopes: [...new Set(p.scopes)].join(" "),
      projectId: p.project_id ?? null,
      createdAt: now,
    })
    .returning()
    .get();
  // Belt and braces: nobody can have presented a key before it existed, but if this
  // isolate remembers its hash as unknown, that answer is void now.
  forgetApiKey(hash);
  return { ...view(row), key };
}

/** Every key, or one organization's, newest first (at most 1000). */
export async function listApiKeys(ctx: AdminContext, org?: string): Promise<ApiKeyView[]> {
  const rows = await ctx.db
    .select()
    .from(apiKeys)
    .where(org ? eq(apiKeys.orgId, org) : undefined)
    .orderBy(desc(apiKeys.createdAt))
    .limit(1000)
    .all();
  return rows.map(view);
}

/**
 * Revokes a key; its record stays for audit. It stops working at once in this isolate
 * and within KEY_CACHE_TTL_MS (30 s) in every other one (see key-cache.ts).
 */
export async function revokeApiKey(ctx: AdminContext, id: string): Promise<ApiKeyView> {
  const { db, now } = ctx;
  const row = await db
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning()
    .get();
  if (row) {
    forgetApiKey(row.hash);
    return view(row);
  }
  const existing = await db.select().from(apiKeys).where(eq(apiKeys.id, id)).get();
  if (!existing) throw notFound("API key");
  return view(existing);
}

/**
 * The live key behind a presented secret (with its hash), or `key: null`. The secret
 * itself is never compared: it is hashed, the row is found by its hash (an index), and
 * the stored hash is then checked against the computed one in constant time, so neither
 * the lookup nor the check leaks how much of a guess was right. The answer is kept in
 * this isolate for KEY_CACHE_TTL_MS (key-cache.ts), so a busy key costs no D1 read per
 * request; the cache is keyed by the same hash, never by the secret.
 */
export async function findApiKey(db: Db, presented: string, now: number): Promise<{ hash: string; key: CachedKey }> {
  if (!presented.startsWith(API_KEY_PREFIX) || presented.length > 200) return { hash: "", key: null };
  const hash = await sha256Hex(presented);
  const cached = cachedApiKey(hash, now);
  if (cached !== undefined) return { hash, key: cached };
  const row = await db.select().from(apiKeys).where(eq(apiKeys.hash, hash)).get();
  const live = row && row.revokedAt === null && (await timingSafeEqualText(row.hash, hash)) ? row : null;
  const key: CachedKey = live
    ? { id: live.id, orgId: live.orgId, scopes: live.scopes, projectId: live.projectId, lastUsedAt: live.lastUsedAt }
    : null;
  rememberApiKey(hash, key, now);
  return { hash, key };
}
