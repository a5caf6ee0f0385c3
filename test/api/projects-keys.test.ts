import { describe, expect, it } from "vitest";
import { ADMIN, call, createTask, newOrg, tenant } from "../helpers/api";

describe("/v1/api-keys", () => {
  it("issues a key once, stores only a hash, lists it by org with its prefix", async () => {
    const org = newOrg();
    const r = await call("POST", "/v1/api-keys", { token: ADMIN, body: { name: "ci", org, scopes: ["tasks:read", "tasks:write"] } });
    expect(r.status).toBe(201);
    expect(r.body.key).toMatch(/^tk_[A-Za-z0-9_-]{20,}$/);
    expect(r.body).toMatchObject({ name: "ci", org, scopes: ["tasks:read", "tasks:write"], revoked_at: null });
    expect(r.body.key.startsWith(r.body.prefix)).toBe(true);
    const list = await call("GET", `/v1/api-keys?org=${org}`, { token: ADMIN });
    expect(list.body.api_keys).toHaveLength(1);
    expect(list.body.api_keys[0].key).toBeUndefined();
    expect(JSON.stringify(list.body)).not.toContain(r.body.key);
  });

  it("refuses unknown scopes and bad org ids", async () => {
    expect((await call("POST", "/v1/api-keys", { token: ADMIN, body: { name: "x", org: newOrg(), scopes: ["root"] } })).status).toBe(400);
    expect(
      (await call("POST", "/v1/api-keys", { token: ADMIN, body: { name: "x", org: "bad org!", scopes: ["tasks:read"] } })).status,
    ).toBe(400);
  });

  it("revoking an unknown key is 404", async () => {
    expect((await call("DELETE", `/v1/api-keys/${crypto.randomUUID()}`, { token: ADMIN })).status).toBe(404);
  });
});

describe("/v1/projects", () => {
  it("creates, reads, lists, renames and deletes a project", async () => {
    const { key } = await tenant();
    const c = await call("POST", "/v1/projects", {
      token: key,
      body: { id: "production", name: "Production", url: "https://app.example.com" },
    });
    expect(c.status).toBe(201);
    expect(c.body).toMatchObject({ id: "production", name: "Production", url: "https://app.example.com" });
    expect((await call("POST", "/v1/projects", { token: key, body: { id: "production", name: "Again" } })).status).toBe(409);
    const gen = await call("POST", "/v1/projects", { token: key, body: { name: "My Staging" } });
    expect(gen.body.id).toMatch(/^my-staging-[0-9a-f]{8}$/);
    expect((await call("GET", "/v1/projects/production", { token: key })).body.name).toBe("Production");
    expect((await call("GET", "/v1/projects", { token: key })).body.projects).toHaveLength(2);
    const p = await call("PATCH", "/v1/projects/production", { token: key, body: { name: "Prod" } });
    expect(p.body).toMatchObject({ name: "Prod", url: "https://app.example.com" });
    expect((await call("DELETE", "/v1/projects/production", { token: key })).status).toBe(204);
    expect((await call("GET", "/v1/projects/production", { token: key })).status).toBe(404);
  });

  it("tasks may name a project of their organization only", async () => {
    const a = await tenant();
    const b = await tenant();
    await call("POST", "/v1/projects", { token: a.key, body: { id: "web", name: "Web" } });
    expect((await createTask(a.key, { project_id: "web" })).project_id).toBe("web");
    const r = await call("POST", "/v1/tasks", {
      token: b.key,
      body: { name: "x", type: "http", parameters: { url: "https://e.com" }, schedule: { kind: "event", event: "e" }, project_id: "web" },
    });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: "project_not_found", message: "Project not found" });
  });

  it("the admin token manages a named organization's projects with X-Org-Id", async () => {
    const org = newOrg();
    const r = await call("POST", "/v1/projects", { token: ADMIN, body: { id: "ops", name: "Ops" }, headers: { "x-org-id": org } });
    expect(r.status).toBe(201);
    const without = await call("POST", "/v1/projects", { token: ADMIN, body: { id: "ops", name: "Ops" } });
    expect(without.status).toBe(400);
    expect(without.body.error.code).toBe("org_required");
  });

  it("read-only keys cannot create projects", async () => {
    const { key } = await tenant(["tasks:read"]);
    expect((await call("POST", "/v1/projects", { token: key, body: { name: "x" } })).status).toBe(403);
  });
});
