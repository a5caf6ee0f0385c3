import type { ApiKeyRow } from "../../db/schema";

/**
 * How long this isolate trusts a verified API-key lookup without reading D1 again:
 * a key revoked through another isolate stops working here within this bound (one
 * revoked through this isolate stops at once, see `forgetApiKey`).
 */
export const KEY_CACHE_TTL_MS = 30_000;
/** Keys remembered per isolate (most recently used kept); an isolate serves few at once. */
export const KEY_CACHE_MAX = 1_000;

/** What authentication needs from a key row, as of `checkedAt`; `null` is "no live key with this hash". */
export type CachedKey = Pick<ApiKeyRow, "id" | "orgId" | "scopes" | "projectId" | "lastUsedAt"> | null;

type Entry = { key: CachedKey; checkedAt: number };

/**
 * Verified lookups by key hash, in this isolate's memory (a Map in insertion order is
 * the LRU: a hit moves its entry to the end, the oldest goes first). Unknown hashes are
 * remembered too, so a caller repeating a wrong key costs no D1 read per request; that
 * cannot refuse a new key, because a key's hash is first presented after the key exists,
 * and `rememberApiKey` replaces the entry on creation anyway.
 */
const entries = new Map<string, Entry>();

/** The cached answer for `hash` (a key, or `null` for none), or `undefined` when it must be read. */
export function cachedApiKey(hash: string, now: number): CachedKey | undefined {
  const e = entries.get(hash);
  if (!e) return undefined;
  // A clock that went backwards counts as expired rather than extending trust.
  if (now - e.checkedAt >= KEY_CACHE_TTL_MS || now < e.checkedAt) {
    entries.delete(hash);
    return undefined;
  }
  entries.delete(hash);
  entries.set(hash, e);
  return e.key;
}

/** Records what D1 answered for `hash` at `now`. */
export function rememberApiKey(hash: string, key: CachedKey, now: number): void {
  entries.delete(hash);
  entries.set(hash, { key, checkedAt: now });
  while (entries.size > KEY_CACHE_MAX) {
    const oldest = entries.keys().next();
    if (oldest.done) break;
    entries.delete(oldest.value);
  }
}

/** Notes that the key's `last_used_at` was written, so this isolate does not write it again within the minute. */
export function touchApiKey(hash: string, lastUsedAt: number): void {
  const e = entries.get(hash);
  if (e?.key) e.key = { ...e.key, lastUsedAt };
}

/** Drops a key (revoked here): this isolate reads D1 on its next use. */
export function forgetApiKey(hash: string): void {
  entries.delete(hash);
}

/** Empties the cache (tests that need a cold isolate). */
export function clearApiKeyCache(): void {
  entries.clear();
}
