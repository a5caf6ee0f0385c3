import { env } from "cloudflare:test";
import { SignJWT, exportJWK, exportSPKI, generateKeyPair } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createDb } from "../../src/db/client";
import { authenticate } from "../../src/services/auth/authenticate";
import { sha256Hex } from "../../src/services/auth/crypto";
import { ADMIN, call, createTask, jwt, newOrg, tenant } from "../helpers/api";

// Complements test/api/auth.test.ts (none, bad signature, expired, alg none, no exp/org,
// garbage, revoked key, scopes, tenancy): the cases below are the ones it does not cover.

const b64url = (s: string) => btoa(s).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
const nowSec = () => Math.floor(Date.now() / 1000);
const enc = (s: string) => new TextEncoder().encode(s);
const bearer = (value: string) => ({ scheme: "bearer" as const, value });

/** Replaces a signed token's header (keeping payload and signature), e.g. to change `alg`. */
function withHeader(token: string, header: Record<string, unknown>): string {
  const [, payload, sig] = token.split(".");
  return `${b64url(JSON.stringify(header))}.${payload}.${sig}`;
}

async function expect401(token: string, path = "/v1/tasks") {
  const r = await call("GET", path, { token });
  expect(r.status, JSON.stringify(r.body)).toBe(401);
  expect(r.body.error.code).toBe("unauthorized");
  return r;
}

describe("JWT: algorithm confusion (no JWKS_URL in the test env)", () => {
  it("a genuine RS256 or ES256 token is refused when no JWKS_URL is configured", async () => {
    expect(env.JWKS_URL).toBeFalsy();
    for (const alg of ["RS256", "ES256"] as const) {
      const { privateKey } = await generateKeyPair(alg);
      const token = await new SignJWT({ org: newOrg(), scope: "tasks:read" })
        .setProtectedHeader({ alg })
        .setExpirationTime("1h")
        .sign(privateKey);
      const r = await expect401(token);
      expect(r.body.error.message).toMatch(new RegExp(`${alg}.*not accepted`));
    }
  });

  it("an HS256 token whose header claims RS256 is refused (header swapped after signing)", async () => {
    const hs = await jwt({ org: newOrg(), scope: "tasks:read" });
    await expect401(withHeader(hs, { alg: "RS256", typ: "JWT" }));
    await expect401(withHeader(hs, { alg: "ES256", typ: "JWT" }));
    await expect401(withHeader(hs, { alg: "HS512", typ: "JWT" }));
    await expect401(withHeader(hs, { alg: "hs256", typ: "JWT" }));
  });

  it("an HS256 token signed with an RSA public key's PEM text as the secret is refused", async () => {
    const { publicKey } = await generateKeyPair("RS256", { extractable: true });
    const pem = await exportSPKI(publicKey);
    const token = await jwt({ org: newOrg(), scope: "tasks:read" }, { secret: pem });
    await expect401(token);
  });
});

describe("JWT: validity and signature", () => {
  it("a token that is not yet valid (nbf in the future) is 401", async () => {
    const token = await new SignJWT({ org: newOrg(), scope: "tasks:read" })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuedAt()
      .setNotBefore(nowSec() + 3600)
      .setExpirationTime(nowSec() + 7200)
      .sign(enc(env.JWT_SECRET as string));
    await expect401(token);
    // The same claims with nbf in the past work: the refusal is the nbf, nothing else.
    const ok = await new SignJWT({ org: newOrg(), scope: "tasks:read" })
      .setProtectedHeader({ alg: "HS256" })
      .setNotBefore(nowSec() - 60)
      .setExpirationTime(nowSec() + 3600)
      .sign(enc(env.JWT_SECRET as string));
    expect((await call("GET", "/v1/tasks", { token: ok })).status).toBe(200);
  });

  it("tokens signed with secrets close to the real one are 401 (prefix, extension, one character off)", async () => {
    const secret = env.JWT_SECRET as string;
    const last = secret.at(-1) === "a" ? "b" : "a";
    for (const other of [secret.slice(0, -1), `${secret}x`, `${secret.slice(0, -1)}${last}`, secret.toUpperCase()]) {
      if (other === secret) continue;
      const token = await jwt({ org: newOrg(), scope: "tasks:read" }, { secret: other });
      await expect401(token);
    }
  });

  it("a token with a flipped signature byte or a tampered payload is 401", async () => {
    const org = newOrg();
    const token = await jwt({ org, scope: "tasks:read" });
    const [h, p, s] = token.split(".") as [string, string, string];
    const flipped = `${h}.${p}.${s.slice(0, -2)}${s.at(-2) === "A" ? "B" : "A"}${s.at(-1)}`;
    await expect401(flipped);
    const tampered = `${h}.${b64url(JSON.stringify({ org, scope: "tasks:read tasks:write admin", exp: nowSec() + 600 }))}.${s}`;
    await expect401(tampered);
  });

  it("an oversized token (> 8 KiB) is 401 quickly, even when correctly signed", async () => {
    const token = await jwt({ org: newOrg(), scope: "tasks:read", pad: "x".repeat(9000) });
    expect(token.length).toBeGreaterThan(8192);
    const started = Date.now();
    const r = await expect401(token);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(r.body.error.message).toMatch(/too long/);
    // A huge non-token credential (e.g. through X-API-Key) is refused the same way.
    const big = await call("GET", "/v1/tasks", { headers: { "x-api-key": `tk_${"a".repeat(20_000)}` } });
    expect(big.status).toBe(401);
  });
});

describe("JWT: issuer and audience when configured (service level)", () => {
  const configured = () => ({ ...env, JWT_ISSUER: "https://issuer.example", JWT_AUDIENCE: "tasks" });
  const sign = (claims: Record<string, unknown>, iss?: string, aud?: string) => {
    let b = new SignJWT({ org: newOrg(), scope: "tasks:read", ...claims }).setProtectedHeader({ alg: "HS256" }).setExpirationTime("1h");
    if (iss) b = b.setIssuer(iss);
    if (aud) b = b.setAudience(aud);
    return b.sign(enc(env.JWT_SECRET as string));
  };

  it("accepts the right iss and aud", async () => {
    const id = await authenticate(createDb(env.DB), configured(), bearer(await sign({}, "https://issuer.example", "tasks")), Date.now());
    expect(id.kind).toBe("jwt");
  });

  it("refuses a wrong or missing iss, and a wrong or missing aud", async () => {
    const db = createDb(env.DB);
    for (const token of [
      await sign({}, "https://evil.example", "tasks"),
      await sign({}, undefined, "tasks"),
      await sign({}, "https://issuer.example", "other"),
      await sign({}, "https://issuer.example", undefined),
      await sign({}, "https://issuer.example.evil", "tasks"),
    ]) {
      await expect(authenticate(db, configured(), bearer(token), Date.now())).rejects.toMatchObject({ kind: "unauthorized" });
    }
  });

  it("a not-yet-valid token is refused at the service level too, with the injected clock", async () => {
    const token = await sign({ nbf: nowSec() + 600 }, "https://issuer.example", "tasks");
    const db = createDb(env.DB);
    await expect(authenticate(db, configured(), bearer(token), Date.now())).rejects.toMatchObject({ kind: "unauthorized" });
    // Ten minutes later the same token is valid: the clock passed in is the one used.
    expect((await authenticate(db, configured(), bearer(token), Date.now() + 601_000)).kind).toBe("jwt");
  });
});

describe("JWT: RS256 through a JWKS (service level, fetch stubbed)", () => {
  afterEach(() => vi.restoreAllMocks());

  async function idp() {
    const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "RS256", use: "sig" };
    // A fresh URL per test: the service caches one key set per URL.
    const url = `https://idp-${crypto.randomUUID().slice(0, 8)}.example/.well-known/jwks.json`;
    const fetchSpy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL) => {
      const u = input instanceof Request ? input.url : String(input);
      if (u === url) return new Response(JSON.stringify({ keys: [jwk] }), { headers: { "content-type": "application/json" } });
      return new Response("not found", { status: 404 });
    });
    return { privateKey, publicKey, url, fetchSpy, envWith: { ...env, JWKS_URL: url } };
  }

  it("accepts a token signed by the JWKS key", async () => {
    const { privateKey, envWith, fetchSpy } = await idp();
    const org = newOrg();
    const token = await new SignJWT({ org, scope: "tasks:read", sub: "rs-user" })
      .setProtectedHeader({ alg: "RS256", kid: "k1" })
      .setExpirationTime("1h")
      .sign(privateKey);
    const id = await authenticate(createDb(env.DB), envWith, bearer(token), Date.now());
    expect(id).toMatchObject({ kind: "jwt", orgId: org, subject: "rs-user" });
    expect(fetchSpy).toHaveBeenCalled();
  });

  it("refuses the same token with its alg changed, one signed by another key, and HS256 keyed with the public PEM", async () => {
    const { privateKey, publicKey, envWith } = await idp();
    const db = createDb(env.DB);
    const claims = { org: newOrg(), scope: "tasks:read" };
    const good = await new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: "k1" }).setExpirationTime("1h").sign(privateKey);
    const reject = (t: string) => expect(authenticate(db, envWith, bearer(t), Date.now())).rejects.toMatchObject({ kind: "unauthorized" });

    await reject(withHeader(good, { alg: "ES256", kid: "k1" }));
    await reject(withHeader(good, { alg: "HS256", kid: "k1" }));
    await reject(withHeader(good, { alg: "PS256", kid: "k1" }));

    const other = await generateKeyPair("RS256");
    await reject(await new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: "k1" }).setExpirationTime("1h").sign(other.privateKey));

    // The classic confusion: HS256 with the RSA public key (as PEM, and as its JWK JSON) for the HMAC secret.
    const pem = await exportSPKI(publicKey);
    await reject(await new SignJWT(claims).setProtectedHeader({ alg: "HS256", kid: "k1" }).setExpirationTime("1h").sign(enc(pem)));
    const jwkText = JSON.stringify(await exportJWK(publicKey));
    await reject(await new SignJWT(claims).setProtectedHeader({ alg: "HS256", kid: "k1" }).setExpirationTime("1h").sign(enc(jwkText)));

    // An RS256 token without exp is refused too.
    await reject(await new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: "k1" }).sign(privateKey));
  });
});

describe("API keys", () => {
  it("a real key with the wrong prefix is 401 (tk-, TK_, no prefix) on every way of sending it", async () => {
    const { key } = await tenant(["tasks:read"]);
    expect(key.startsWith("tk_")).toBe(true);
    const rest = key.slice(3);
    for (const bad of [`tk-${rest}`, `TK_${rest}`, `Tk_${rest}`, rest, `tk__${rest}`, ` tk_${rest}x`]) {
      expect((await call("GET", "/v1/tasks", { token: bad })).status, bad).toBe(401);
      expect((await call("GET", "/v1/tasks", { headers: { "x-api-key": bad } })).status, bad).toBe(401);
      expect((await call("GET", "/v1/tasks", { headers: { authorization: `UserKey ${bad}` } })).status, bad).toBe(401);
    }
    expect((await call("GET", "/v1/tasks", { token: key })).status).toBe(200);
  });

  it("a JWT-looking string is not an API key, and an API key dressed as a JWT is not a token", async () => {
    const { key } = await tenant(["tasks:read"]);
    const fake = `${b64url(JSON.stringify({ alg: "HS256" }))}.${b64url(JSON.stringify({ org: "x", exp: nowSec() + 60 }))}.${key.slice(3)}`;
    expect((await call("GET", "/v1/tasks", { headers: { "x-api-key": fake } })).status).toBe(401);
    expect((await call("GET", "/v1/tasks", { token: `${key}.a.b` })).status).toBe(401);
    expect((await call("GET", "/v1/tasks", { token: `a.b.${key}` })).status).toBe(401);
  });

  it("a key differing only in its last character (or truncated, or extended) is 401", async () => {
    const { key } = await tenant(["tasks:read"]);
    const last = key.at(-1) === "A" ? "B" : "A";
    for (const bad of [`${key.slice(0, -1)}${last}`, key.slice(0, -1), `${key}A`, key.toUpperCase()]) {
      if (bad === key) continue;
      expect((await call("GET", "/v1/tasks", { token: bad })).status, bad).toBe(401);
    }
  });

  it("the admin token works only as a Bearer, never as X-API-Key or UserKey", async () => {
    expect((await call("GET", "/v1/api-keys", { headers: { "x-api-key": ADMIN } })).status).toBe(401);
    expect((await call("GET", "/v1/api-keys", { headers: { authorization: `UserKey ${ADMIN}` } })).status).toBe(401);
    expect((await call("GET", "/v1/api-keys", { token: `${ADMIN}x` })).status).toBe(401);
    expect((await call("GET", "/v1/api-keys", { token: ADMIN.slice(0, -1) })).status).toBe(401);
  });
});

describe("constant-time comparison of secrets", () => {
  afterEach(() => vi.restoreAllMocks());
  const db = () => createDb(env.DB);

  it("the admin token is compared as two SHA-256 digests with crypto.subtle.timingSafeEqual, whatever the guess's length", async () => {
    const spy = vi.spyOn(crypto.subtle, "timingSafeEqual");
    await expect(authenticate(db(), env, bearer(ADMIN), Date.now())).resolves.toMatchObject({ kind: "admin_token" });
    for (const guess of ["x", `${ADMIN.slice(0, -1)}`, `${ADMIN}${"y".repeat(500)}`]) {
      await expect(authenticate(db(), env, bearer(guess), Date.now())).rejects.toMatchObject({ kind: "unauthorized" });
    }
    // One call per attempt, always on equal-length (32-byte) digests: neither content nor length is compared early.
    expect(spy).toHaveBeenCalledTimes(4);
    for (const [a, b] of spy.mock.calls) {
      expect((a as ArrayBuffer).byteLength).toBe(32);
      expect((b as ArrayBuffer).byteLength).toBe(32);
    }
  });

  it("an API key is never compared as text: it is hashed, found by its hash, and the hash checked in constant time", async () => {
    const { key } = await tenant(["tasks:read"]);
    const spy = vi.spyOn(crypto.subtle, "timingSafeEqual");
    await expect(authenticate(db(), env, bearer(key), Date.now())).resolves.toMatchObject({ kind: "api_key" });
    expect(spy).toHaveBeenCalledTimes(1);
    const stored = await env.DB.prepare("SELECT hash FROM api_keys WHERE hash = ?")
      .bind(await sha256Hex(key))
      .first<{ hash: string }>();
    expect(stored?.hash).toBe(await sha256Hex(key));
    // A wrong key finds no row at all: nothing about the real key is touched.
    spy.mockClear();
    await expect(authenticate(db(), env, bearer(`${key.slice(0, -1)}${key.at(-1) === "A" ? "B" : "A"}`), Date.now())).rejects.toMatchObject(
      { kind: "unauthorized" },
    );
    expect(spy).not.toHaveBeenCalled();
  });
});

describe("secrets never appear in responses", () => {
  it("neither the key, its hash, JWT_SECRET nor ADMIN_TOKEN appear in lists, tasks or auth errors", async () => {
    const org = newOrg();
    const made = await call("POST", "/v1/api-keys", {
      token: ADMIN,
      body: { name: "leak-check", org, scopes: ["tasks:read", "tasks:write"] },
    });
    expect(made.status).toBe(201);
    const key: string = made.body.key;
    const hash = await sha256Hex(key);
    const secretPart = key.slice(made.body.prefix.length);
    expect(secretPart.length).toBeGreaterThan(16);
    await createTask(key);

    const last = key.at(-1) === "A" ? "B" : "A";
    const replies = [
      await call("GET", "/v1/api-keys", { token: ADMIN }),
      await call("GET", `/v1/api-keys?org=${org}`, { token: ADMIN }),
      await call("GET", "/v1/tasks", { token: key }),
      await call("GET", "/v1/runs", { token: key }),
      await call("POST", "/v1/auth/token", { token: key }),
      await call("GET", "/v1/tasks", { token: `${key.slice(0, -1)}${last}` }),
      await call("GET", "/v1/tasks", { token: `tk-${secretPart}` }),
      await call("GET", "/v1/tasks", { headers: { "x-api-key": `${key}x` } }),
      await call("GET", "/v1/tasks", { token: await jwt({ org, scope: "tasks:read" }, { secret: `${env.JWT_SECRET}x` }) }),
      await call("GET", "/v1/tasks", { token: `${ADMIN}x` }),
      await call("GET", "/v1/api-keys", { token: key }),
      await call("DELETE", `/v1/api-keys/${made.body.id}`, { token: key }),
      await call("POST", "/v1/api-keys", { token: ADMIN, body: { name: "x", org: "bad org!", scopes: ["tasks:read"] } }),
    ];
    const needles = [key, secretPart, hash, env.JWT_SECRET as string, ADMIN];
    for (const r of replies) {
      const text = JSON.stringify(r.body) + JSON.stringify([...r.headers.entries()]);
      for (const n of needles) expect(text.includes(n), `${r.status} ${text.slice(0, 200)}`).toBe(false);
    }
    // The token exchange response carries a JWT, which is fine, but not the key or the secret.
    expect(replies[4]?.status).toBe(200);
  });
});

describe("scopes on every /v1 route (built from the OpenAPI document)", () => {
  type Route = { method: string; path: string; tags: string[] };
  const ADMIN_TAGS = ["API keys", "Signing secrets"];
  const RUNNER_TAGS = ["Runners"];
  // POSTs that only read: preview computes occurrences, token exchange needs only a key.
  const READ_ONLY_POSTS = ["/v1/schedules/preview", "/v1/auth/token"];

  async function routes(): Promise<Route[]> {
    const doc = await call("GET", "/openapi.json");
    expect(doc.status).toBe(200);
    const out: Route[] = [];
    for (const [path, ops] of Object.entries(doc.body.paths as Record<string, Record<string, { tags?: string[] }>>)) {
      if (!path.startsWith("/v1/")) continue;
      for (const [method, op] of Object.entries(ops)) {
        if (!["get", "post", "put", "patch", "delete"].includes(method)) continue;
        out.push({ method: method.toUpperCase(), path, tags: op.tags ?? [] });
      }
    }
    for (const p of READ_ONLY_POSTS)
      expect(
        out.some((r) => r.path === p),
        p,
      ).toBe(true);
    return out;
  }

  /** Real ids of the caller's org for the path parameters. */
  async function fill(key: string) {
    const task = await createTask(key);
    const run = await call("POST", `/v1/tasks/${task.id}/run`, { token: key });
    expect(run.status).toBeLessThan(300);
    return (path: string) =>
      path.replace(/\{(\w+)\}/g, (_m, name: string) => {
        if (name === "id") return path.startsWith("/v1/runs/") ? run.body.id : task.id;
        if (name === "target") return "x";
        return task.id;
      });
  }

  const isAdmin = (r: Route) => r.tags.some((t) => ADMIN_TAGS.includes(t));
  const isRunner = (r: Route) => r.tags.some((t) => RUNNER_TAGS.includes(t));

  it("every write route answers 403 to a tasks:read key", async () => {
    const org = newOrg();
    const { apiKey } = await import("../helpers/api");
    const writer = await apiKey(org, ["tasks:read", "tasks:write"]);
    const reader = await apiKey(org, ["tasks:read"]);
    const at = await fill(writer);
    const writes = (await routes()).filter((r) => r.method !== "GET" && !READ_ONLY_POSTS.includes(r.path));
    expect(writes.length).toBeGreaterThan(10);
    for (const r of writes) {
      const res = await call(r.method, at(r.path), { token: reader, body: {} });
      expect(res.status, `${r.method} ${r.path}`).toBe(403);
      expect(res.body.error.code).toBe("forbidden");
    }
    // The task survived all those attempts untouched.
    const list = await call("GET", "/v1/tasks", { token: reader });
    expect(list.body.total).toBe(1);
  });

  it("runner routes answer 403 to a tasks:write key", async () => {
    const org = newOrg();
    const { apiKey } = await import("../helpers/api");
    const writer = await apiKey(org, ["tasks:read", "tasks:write"]);
    const at = await fill(writer);
    const runnerRoutes = (await routes()).filter(isRunner);
    expect(runnerRoutes.map((r) => r.path)).toEqual(expect.arrayContaining(["/v1/runners/claim"]));
    for (const r of runnerRoutes) {
      const res = await call(r.method, at(r.path), { token: writer, body: r.method === "GET" ? undefined : {} });
      expect(res.status, `${r.method} ${r.path}`).toBe(403);
    }
  });

  it("admin routes (API keys, signing secrets) answer 403 to a tasks:write key and to a JWT with tasks:write", async () => {
    const org = newOrg();
    const { apiKey } = await import("../helpers/api");
    const writer = await apiKey(org, ["tasks:read", "tasks:write"]);
    const token = await jwt({ org, scope: "tasks:read tasks:write runner" });
    const at = await fill(writer);
    const adminRoutes = (await routes()).filter(isAdmin);
    expect(adminRoutes.length).toBeGreaterThanOrEqual(5);
    for (const r of adminRoutes) {
      for (const cred of [writer, token]) {
        const res = await call(r.method, at(r.path), {
          token: cred,
          body: r.method === "GET" ? undefined : { name: "x", org, scopes: ["admin"] },
        });
        expect(res.status, `${r.method} ${r.path}`).toBe(403);
      }
    }
    // And nothing was issued: the org still has exactly the one key made above.
    const keys = await call("GET", `/v1/api-keys?org=${org}`, { token: ADMIN });
    expect(keys.body.api_keys.filter((k: { org: string }) => k.org === org)).toHaveLength(1);
  });
});

describe("secrets never appear in log lines", () => {
  afterEach(() => vi.restoreAllMocks());

  it("API keys, their hashes, tokens, signing secrets, JWT_SECRET, ADMIN_TOKEN and BACKUP_KEY are in no log line, on success or failure", async () => {
    const lines: string[] = [];
    for (const level of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, level).mockImplementation(
        (...args: unknown[]) => void lines.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" ")),
      );
    }
    const BACKUP_KEY = "backup-key-that-must-not-leak-7f3a";
    (env as { BACKUP_KEY?: string }).BACKUP_KEY = BACKUP_KEY;
    try {
      const org = newOrg();
      const key: string = (
        await call("POST", "/v1/api-keys", { token: ADMIN, body: { name: "log-check", org, scopes: ["tasks:read", "tasks:write"] } })
      ).body.key;
      const token = await jwt({ org, scope: "tasks:read tasks:write", sub: "log-check" });
      await call("POST", "/v1/signing-secrets/rotate", { token: ADMIN, headers: { "x-org-id": org } });
      const secrets = (await call("GET", "/v1/signing-secrets", { token: ADMIN, headers: { "x-org-id": org } })).body;
      const signing = [secrets.current.secret, secrets.next.secret] as string[];
      expect(signing.every((x) => typeof x === "string" && x.length >= 16)).toBe(true);

      // Failures: a near-miss key, a bad token, a wrong admin token, a forged JWT.
      await call("GET", "/v1/tasks", { token: `${key}x` });
      await call("GET", "/v1/tasks", { token: `${ADMIN}x` });
      await call("GET", "/v1/tasks", { token: `${token.slice(0, -2)}xx` });
      await call("GET", "/v1/tasks", { token: await jwt({ org }, { secret: "not-the-secret-but-long-enough-1234567890" }) });
      // Success paths that log: runs of a signed http task, a failing one, and an encrypted backup.
      const q = (await import("../helpers/engine")).captureQueue();
      const { deliver, target } = await import("../helpers/engine");
      target((c) => (c.url.includes("fail") ? new Response("no", { status: 500 }) : new Response("ok")));
      for (const parameters of [{ url: "https://example.com/ok" }, { url: "https://example.com/fail" }]) {
        const t = await createTask(key, { parameters, retry: { max_retries: 0 } });
        await call("POST", `/v1/tasks/${t.id}/run`, { token });
        await deliver(...q.take(t.id).map((m) => m.body));
      }
      const b = await createTask(key, {
        type: "backup",
        parameters: {
          sources: [{ url: "https://example.com/cfg", headers: { authorization: "Bearer source-token-secret-91" } }],
          encrypt: true,
        },
      });
      await call("POST", `/v1/tasks/${b.id}/run`, { token: key });
      await deliver(...q.take(b.id).map((m) => m.body));

      expect(lines.length).toBeGreaterThan(0);
      const all = lines.join("\n");
      for (const secret of [
        key,
        key.slice(3),
        await sha256Hex(key),
        token,
        token.split(".")[2]!,
        ADMIN,
        env.JWT_SECRET!,
        BACKUP_KEY,
        "source-token-secret-91",
        ...signing,
      ]) {
        expect(all.includes(secret), `a log line contains a secret (${secret.slice(0, 6)}…)`).toBe(false);
      }
    } finally {
      delete (env as { BACKUP_KEY?: string }).BACKUP_KEY;
    }
  });
});
