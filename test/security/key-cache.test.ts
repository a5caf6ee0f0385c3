import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { authenticate } from "../../src/services/auth/authenticate";
import { sha256Hex } from "../../src/services/auth/crypto";
import { KEY_CACHE_TTL_MS } from "../../src/services/auth/key-cache";
import { ADMIN, call, jwt, newOrg, tenant } from "../helpers/api";

// API-key lookups are cached per isolate (services/auth/key-cache.ts). The clock is
// an argument of authenticate(), so the 30 s bound is driven here, never slept through.

const bearer = (value: string) => ({ scheme: "bearer" as const, value });

/** A D1 binding that counts the statements it is asked to prepare. */
function countingDb() {
  const seen = { statements: 0 };
  const d1 = new Proxy(env.DB, {
    get(target, prop) {
      if (prop === "prepare") {
        return (sql: string) => {
          seen.statements++;
          return target.prepare(sql);
        };
      }
      const v = Reflect.get(target, prop);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  return { db: createDb(d1), seen };
}

const revokeBehindTheCache = (key: string) =>
  sha256Hex(key).then((hash) => env.DB.prepare("UPDATE api_keys SET revoked_at = ? WHERE hash = ?").bind(Date.now(), hash).run());

describe("API-key lookups cached in the isolate", () => {
  it("a verified key is answered without D1 within the bound, and read again after it", async () => {
    const { key } = await tenant(["tasks:read"]);
    const t0 = Date.now();
    const { db, seen } = countingDb();
    await expect(authenticate(db, env, bearer(key), t0)).resolves.toMatchObject({ kind: "api_key" });
    const cold = seen.statements;
    expect(cold).toBeGreaterThanOrEqual(1);
    for (const dt of [1, 5_000, KEY_CACHE_TTL_MS - 1]) {
      await expect(authenticate(db, env, bearer(key), t0 + dt)).resolves.toMatchObject({ kind: "api_key" });
    }
    expect(seen.statements).toBe(cold);
    await authenticate(db, env, bearer(key), t0 + KEY_CACHE_TTL_MS + 1);
    expect(seen.statements).toBeGreaterThan(cold);
  });

  it("a key revoked by another isolate (the row changes, this cache does not hear of it) stops working within 30 s", async () => {
    const { key } = await tenant(["tasks:read"]);
    const db = createDb(env.DB);
    const t0 = Date.now();
    await authenticate(db, env, bearer(key), t0);
    await revokeBehindTheCache(key);
    // Still trusted inside the bound: this is the documented staleness, no more.
    await expect(authenticate(db, env, bearer(key), t0 + KEY_CACHE_TTL_MS - 1)).resolves.toMatchObject({ kind: "api_key" });
    await expect(authenticate(db, env, bearer(key), t0 + KEY_CACHE_TTL_MS)).rejects.toMatchObject({ kind: "unauthorized" });
    await expect(authenticate(db, env, bearer(key), t0 + KEY_CACHE_TTL_MS + 60_000)).rejects.toMatchObject({ kind: "unauthorized" });
  });

  it("a key revoked through the API in this isolate stops working at once, though it was cached", async () => {
    const org = newOrg();
    const made = await call("POST", "/v1/api-keys", { token: ADMIN, body: { name: "k", org, scopes: ["tasks:read"] } });
    for (let i = 0; i < 3; i++) expect((await call("GET", "/v1/tasks", { token: made.body.key })).status).toBe(200);
    expect((await call("DELETE", `/v1/api-keys/${made.body.id}`, { token: ADMIN })).status).toBe(200);
    expect((await call("GET", "/v1/tasks", { token: made.body.key })).status).toBe(401);
  });

  it("an unknown key's 401 is remembered no longer than the bound (a key inserted elsewhere works after it)", async () => {
    const key = `tk_${crypto.randomUUID().replaceAll("-", "")}`;
    const db = createDb(env.DB);
    const t0 = Date.now();
    await expect(authenticate(db, env, bearer(key), t0)).rejects.toMatchObject({ kind: "unauthorized" });
    // Another isolate issues exactly this key (only possible in a test: keys are random).
    await env.DB.prepare(
      "INSERT INTO api_keys (id, org_id, name, prefix, hash, scopes, created_at) VALUES (?, ?, 'elsewhere', ?, ?, 'tasks:read', ?)",
    )
      .bind(crypto.randomUUID(), newOrg(), key.slice(0, 11), await sha256Hex(key), t0)
      .run();
    await expect(authenticate(db, env, bearer(key), t0 + KEY_CACHE_TTL_MS)).resolves.toMatchObject({ kind: "api_key" });
  });

  it("a key issued in this isolate works at once", async () => {
    const { key } = await tenant(["tasks:read"]);
    expect((await call("GET", "/v1/tasks", { token: key })).status).toBe(200);
  });

  it("last_used_at is written after the answer (deferred), at most once a minute", async () => {
    const { key } = await tenant(["tasks:read"]);
    const db = createDb(env.DB);
    const t0 = Date.now();
    const deferred: Promise<unknown>[] = [];
    const defer = (p: Promise<unknown>) => deferred.push(p);
    await authenticate(db, env, bearer(key), t0, defer);
    expect(deferred).toHaveLength(1);
    await Promise.all(deferred);
    const read = async () =>
      (
        await env.DB.prepare("SELECT last_used_at FROM api_keys WHERE hash = ?")
          .bind(await sha256Hex(key))
          .first<{ last_used_at: number }>()
      )?.last_used_at;
    expect(await read()).toBe(t0);
    await authenticate(db, env, bearer(key), t0 + 59_000, defer);
    expect(deferred).toHaveLength(1);
    await authenticate(db, env, bearer(key), t0 + 61_000, defer);
    expect(deferred).toHaveLength(2);
    await Promise.all(deferred);
    expect(await read()).toBe(t0 + 61_000);
  });

  it("JWTs are verified by signature alone: no D1 statement once their org is known", async () => {
    const token = await jwt({ org: newOrg(), scope: "tasks:read" });
    const { db, seen } = countingDb();
    await authenticate(db, env, bearer(token), Date.now());
    const first = seen.statements;
    for (let i = 0; i < 3; i++) await authenticate(db, env, bearer(token), Date.now());
    expect(seen.statements).toBe(first);
  });
});
