import { describe, expect, it } from "vitest";
import { ADMIN, apiKey, call, createTask, cronTask, jwt, newOrg, tenant } from "../helpers/api";

const b64url = (s: string) => btoa(s).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");

describe("credentials", () => {
  it("no credential is 401", async () => {
    const r = await call("GET", "/v1/tasks");
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe("unauthorized");
  });

  it("health, the OpenAPI document and the docs need none", async () => {
    expect((await call("GET", "/healthz")).status).toBe(200);
    const doc = await call("GET", "/openapi.json");
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe("3.1.0");
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(["/v1/tasks", "/v1/tasks/{id}", "/v1/schedules/preview", "/v1/events"]),
    );
    const docs = await call("GET", "/docs");
    expect(docs.status).toBe(200);
    expect(String(docs.body)).toMatch(/<html/i);
  });

  it("accepts a JWT with org and scope, creating the organization on first use", async () => {
    const org = newOrg();
    const token = await jwt({ org, scope: "tasks:read tasks:write", sub: "user-1" });
    const t = await createTask(token);
    expect(t.created_by).toBe("user-1");
    expect((await call("GET", `/v1/tasks/${t.id}`, { token })).status).toBe(200);
  });

  it("refuses a JWT signed with another secret", async () => {
    const token = await jwt({ org: newOrg(), scope: "tasks:read" }, { secret: "some-other-secret-of-enough-length!!" });
    const r = await call("GET", "/v1/tasks", { token });
    expect(r.status).toBe(401);
    expect(r.body.error.message).toMatch(/signature/);
  });

  it("refuses an expired JWT", async () => {
    const token = await jwt({ org: newOrg(), scope: "tasks:read" }, { expiresIn: Math.floor(Date.now() / 1000) - 60 });
    const r = await call("GET", "/v1/tasks", { token });
    expect(r.status).toBe(401);
    expect(r.body.error.message).toMatch(/expired/);
  });

  it("refuses alg: none", async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = `${b64url(JSON.stringify({ alg: "none", typ: "JWT" }))}.${b64url(JSON.stringify({ org: newOrg(), scope: "tasks:read", exp: now + 600 }))}.`;
    expect((await call("GET", "/v1/tasks", { token })).status).toBe(401);
  });

  it("refuses a JWT without exp and one without org", async () => {
    const { SignJWT } = await import("jose");
    const { env } = await import("cloudflare:test");
    const noExp = await new SignJWT({ org: newOrg(), scope: "tasks:read" })
      .setProtectedHeader({ alg: "HS256" })
      .sign(new TextEncoder().encode(env.JWT_SECRET));
    expect((await call("GET", "/v1/tasks", { token: noExp })).status).toBe(401);
    const noOrg = await jwt({ scope: "tasks:read" });
    expect((await call("GET", "/v1/tasks", { token: noOrg })).status).toBe(401);
  });

  it("refuses a garbage bearer and an unknown API key", async () => {
    expect((await call("GET", "/v1/tasks", { token: "garbage" })).status).toBe(401);
    expect((await call("GET", "/v1/tasks", { token: "tk_doesnotexist" })).status).toBe(401);
  });

  it("accepts an API key as Bearer, UserKey or X-API-Key", async () => {
    const { key } = await tenant();
    expect((await call("GET", "/v1/tasks", { token: key })).status).toBe(200);
    expect((await call("GET", "/v1/tasks", { headers: { authorization: `UserKey ${key}` } })).status).toBe(200);
    expect((await call("GET", "/v1/tasks", { headers: { "x-api-key": key } })).status).toBe(200);
  });

  it("a revoked key stops working at once", async () => {
    const org = newOrg();
    const made = await call("POST", "/v1/api-keys", { token: ADMIN, body: { name: "k", org, scopes: ["tasks:read"] } });
    expect((await call("GET", "/v1/tasks", { token: made.body.key })).status).toBe(200);
    const del = await call("DELETE", `/v1/api-keys/${made.body.id}`, { token: ADMIN });
    expect(del.status).toBe(200);
    expect(del.body.revoked_at).not.toBeNull();
    expect((await call("GET", "/v1/tasks", { token: made.body.key })).status).toBe(401);
  });
});

describe("scopes", () => {
  it("a read-only credential gets 403 on writes", async () => {
    const { key } = await tenant(["tasks:read"]);
    const r = await call("POST", "/v1/tasks", { token: key, body: { name: "x" } });
    expect(r.status).toBe(403);
    expect(r.body.error.message).toMatch(/tasks:write/);
    expect((await call("GET", "/v1/tasks", { token: key })).status).toBe(200);
  });

  it("a runner-only credential cannot read tasks", async () => {
    const { key } = await tenant(["runner"]);
    expect((await call("GET", "/v1/tasks", { token: key })).status).toBe(403);
  });

  it("admin routes need the admin token", async () => {
    const { key } = await tenant();
    expect((await call("GET", "/v1/api-keys", { token: key })).status).toBe(403);
    expect((await call("POST", "/v1/api-keys", { token: key, body: { name: "x", org: "o", scopes: ["tasks:read"] } })).status).toBe(403);
    const list = await call("GET", "/v1/api-keys", { token: ADMIN });
    expect(list.status).toBe(200);
    // The hash and the key itself are never shown.
    expect(JSON.stringify(list.body)).not.toMatch(/"key"|hash/);
  });

  it("a wrong admin token is 401", async () => {
    expect((await call("GET", "/v1/api-keys", { token: "not-the-admin-token" })).status).toBe(401);
  });
});

describe("tenancy", () => {
  it("another organization's task is 404 on every route and absent from lists", async () => {
    const a = await tenant();
    const b = await tenant();
    const t = await createTask(a.key, { name: "secret-name" });
    const run = await call("POST", `/v1/tasks/${t.id}/run`, { token: a.key });
    for (const [m, p, body] of [
      ["GET", `/v1/tasks/${t.id}`],
      [
        "PUT",
        `/v1/tasks/${t.id}`,
        { name: "x", type: "http", parameters: { url: "https://e.com" }, schedule: { kind: "event", event: "e" } },
      ],
      ["PATCH", `/v1/tasks/${t.id}`, { priority: 1 }],
      ["DELETE", `/v1/tasks/${t.id}`],
      ["POST", `/v1/tasks/${t.id}/run`],
      ["POST", `/v1/tasks/${t.id}/pause`],
      ["POST", `/v1/tasks/${t.id}/cancel`],
      ["POST", `/v1/tasks/${t.id}/snooze`, { delay_seconds: 60 }],
      ["GET", `/v1/tasks/${t.id}/runs`],
      ["GET", `/v1/runs/${run.body.id}`],
    ] as [string, string, unknown?][]) {
      const r = await call(m, p, { token: b.key, body });
      expect(r.status, `${m} ${p}`).toBe(404);
    }
    expect((await call("GET", "/v1/tasks?q=secret", { token: b.key })).body.total).toBe(0);
    const still = await call("GET", `/v1/tasks/${t.id}`, { token: a.key });
    expect(still.body).toMatchObject({ status: "active", priority: 5 });
  });
});

describe("POST /v1/auth/token", () => {
  it("exchanges an API key for a short-lived JWT that works", async () => {
    const org = newOrg();
    const key = await apiKey(org, ["tasks:read"]);
    const r = await call("POST", "/v1/auth/token", { token: key });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ token_type: "Bearer", expires_in: 3600 });
    const list = await call("GET", "/v1/tasks", { token: r.body.access_token });
    expect(list.status).toBe(200);
    expect((await call("POST", "/v1/tasks", { token: r.body.access_token, body: {} })).status).toBe(403);
  });

  it("exchanges the admin token for a JWT of the organization X-Org-Id names (the dashboard's admin sign-in)", async () => {
    const org = newOrg();
    const key = await apiKey(org);
    const mine = await call("POST", "/v1/tasks", { token: key, body: cronTask() });
    const r = await call("POST", "/v1/auth/token", { token: ADMIN, headers: { "x-org-id": org } });
    expect(r.status).toBe(200);
    const list = await call("GET", "/v1/tasks", { token: r.body.access_token });
    expect(list.body.tasks.map((t: any) => t.id)).toEqual([mine.body.id]);
    // It carries the admin scope: it can manage API keys, as the admin token can.
    expect((await call("GET", `/v1/api-keys?org=${org}`, { token: r.body.access_token })).status).toBe(200);
  });

  it("refuses the admin token without an organization", async () => {
    const r = await call("POST", "/v1/auth/token", { token: ADMIN });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("org_required");
  });

  it("refuses to exchange a JWT", async () => {
    const token = await jwt({ org: newOrg(), scope: "tasks:read" });
    const r = await call("POST", "/v1/auth/token", { token });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("api_key_required");
  });
});
