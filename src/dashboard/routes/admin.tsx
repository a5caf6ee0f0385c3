/** Runners, and Admin (admin scope): API keys and projects of the signed-in organization. */
import type { Context, Hono } from "hono";
import { ok } from "../api";
import type { DashEnv } from "../env";
import { AdminPage } from "../pages/admin";
import { RunnersPage } from "../pages/runners";

type Scope = "tasks:read" | "tasks:write" | "runner" | "admin";

const errorOf = (e: unknown) => (e as { error?: { message?: string } } | undefined)?.error?.message ?? "the API refused it";

export function registerAdminRoutes(r: Hono<DashEnv>): void {
  r.get("/runners", async (c) => {
    const list = ok(await c.var.api.GET("/v1/runners", {}));
    return c.html(<RunnersPage viewer={c.var.viewer} runners={list.runners} now={Date.now()} />);
  });

  /** The admin page, as the API lets this session see it (a non-admin session gets the API's 403). */
  async function admin(c: Context<DashEnv>, extra: { newKey?: string; error?: string } = {}, status = 200) {
    const api = c.var.api;
    const [keys, projects] = await Promise.all([
      api.GET("/v1/api-keys", { params: { query: { org: c.var.viewer.org } } }),
      api.GET("/v1/projects", {}),
    ]);
    return c.html(
      <AdminPage viewer={c.var.viewer} keys={ok(keys).api_keys} projects={ok(projects).projects} done={c.req.query("done")} {...extra} />,
      status as 200,
    );
  }

  r.get("/admin", (c) => admin(c));

  r.post("/admin/keys", async (c) => {
    const form = await c.req.parseBody({ all: true });
    const scopes = ([] as unknown[]).concat(form.scopes ?? []).filter((s): s is Scope => typeof s === "string") as Scope[];
    const name = typeof form.name === "string" ? form.name : "";
    const res = await c.var.api.POST("/v1/api-keys", { body: { name, org: c.var.viewer.org, scopes } });
    if (res.response.status === 401 || res.response.status === 403) ok(res);
    // The new key is rendered once, in this answer; it never goes into a URL or a redirect.
    if (res.data) return admin(c, { newKey: res.data.key }, 201);
    return admin(c, { error: `The key was not issued: ${errorOf(res.error)}` }, 400);
  });

  r.post("/admin/keys/:id/revoke", async (c) => {
    const res = await c.var.api.DELETE("/v1/api-keys/{id}", { params: { path: { id: c.req.param("id") } } });
    if (res.response.status >= 300) ok(res);
    return c.redirect("/dashboard/admin?done=revoked", 303);
  });

  r.post("/admin/projects", async (c) => {
    const form = await c.req.parseBody();
    const text = (k: string) => (typeof form[k] === "string" ? (form[k] as string).trim() : "");
    const res = await c.var.api.POST("/v1/projects", {
      body: { name: text("name"), ...(text("id") && { id: text("id") }), ...(text("url") && { url: text("url") }) },
    });
    if (res.response.status === 401 || res.response.status === 403) ok(res);
    if (!res.data) return admin(c, { error: `The project was not added: ${errorOf(res.error)}` }, 400);
    return c.redirect("/dashboard/admin?done=project", 303);
  });

  r.post("/admin/projects/:id/delete", async (c) => {
    const res = await c.var.api.DELETE("/v1/projects/{id}", { params: { path: { id: c.req.param("id") } } });
    if (res.response.status >= 300) ok(res);
    return c.redirect("/dashboard/admin?done=project-deleted", 303);
  });
}
