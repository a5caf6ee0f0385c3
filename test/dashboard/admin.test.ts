import { describe, expect, it } from "vitest";
import { ADMIN, apiKey, call, tenant } from "../helpers/api";
import { page, post, signIn } from "../helpers/dashboard";

describe("Runners", () => {
  it("lists the runners seen with labels, last heartbeat and runs in flight", async () => {
    const { key, org } = await tenant();
    const runner = await apiKey(org, ["runner"]);
    await call("POST", "/v1/runners/claim", {
      token: runner,
      body: { runner_id: "host-1", types: ["custom_script"], labels: { project: "production", note: "<i>hi</i>" }, wait_seconds: 0 },
    });
    const r = await page("/dashboard/runners", await signIn(key));
    expect(r.status).toBe(200);
    expect(r.body).toContain('<th scope="row">host-1</th>');
    expect(r.body).toContain("project=production, note=&lt;i&gt;hi&lt;/i&gt;");
    expect(r.body).toContain("custom_script");
  });
});

describe("Admin", () => {
  it("is for the admin scope only: the link is hidden and the page refused for an ordinary key", async () => {
    const { key } = await tenant();
    const cookie = await signIn(key);
    expect((await page("/dashboard", cookie)).body).not.toContain(">Admin</a>");
    expect((await page("/dashboard/admin", cookie)).status).toBe(403);
    expect((await post("/dashboard/admin/keys", { name: "sneaky", scopes: "tasks:read" }, { cookie })).status).toBe(403);
  });

  it("issues a key (shown once), lists and revokes keys, and adds and deletes projects", async () => {
    const { org } = await tenant();
    const cookie = await signIn(ADMIN, org);
    const issued = await post("/dashboard/admin/keys", { name: "from the dashboard", scopes: "tasks:read" }, { cookie });
    expect(issued.status).toBe(201);
    const key = /<code class="secret">(tk_[^<]+)<\/code>/.exec(issued.body)?.[1] ?? "";
    expect(key).toMatch(/^tk_/);
    expect((await call("GET", "/v1/tasks", { token: key })).status).toBe(200);
    const listed = await page("/dashboard/admin", cookie);
    expect(listed.body).not.toContain(key);
    expect(listed.body).toContain("from the dashboard");
    const keyId = (await call("GET", `/v1/api-keys?org=${org}`, { token: ADMIN })).body.api_keys.find(
      (k: any) => k.name === "from the dashboard",
    ).id;
    const revoked = await post(`/dashboard/admin/keys/${keyId}/revoke`, {}, { cookie });
    expect(revoked.headers.get("location")).toBe("/dashboard/admin?done=revoked");
    expect(
      (await call("GET", `/v1/api-keys?org=${org}`, { token: ADMIN })).body.api_keys.find((k: any) => k.id === keyId).revoked_at,
    ).not.toBeNull();

    const added = await post("/dashboard/admin/projects", { id: "production", name: "Production", url: "" }, { cookie });
    expect(added.status).toBe(303);
    expect((await page("/dashboard/admin", cookie)).body).toContain('<th scope="row">production</th>');
    const bad = await post("/dashboard/admin/projects", { id: "Not Valid", name: "x" }, { cookie });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain("The project was not added");
    await post("/dashboard/admin/projects/production/delete", {}, { cookie });
    expect((await page("/dashboard/admin", cookie)).body).toContain("No projects.");
  });
});
