import { createExecutionContext, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { ADMIN, call, createTask, tenant } from "../helpers/api";
import { page, post, signIn } from "../helpers/dashboard";

// Issue 13: signing in exchanges the key for a JWT kept in an HttpOnly, SameSite=Strict
// cookie; every POST checks Origin; every page carries a strict CSP.

describe("dashboard sign-in", () => {
  it("sends a browser without a session to the sign-in form", async () => {
    const r = await page("/dashboard");
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toBe("/dashboard/sign-in");
    const form = await page("/dashboard/sign-in");
    expect(form.status).toBe(200);
    expect(form.body).toMatch(/<label for="api_key">API key<\/label>/);
    expect(form.body).toMatch(/<button type="submit">Sign in<\/button>/);
  });

  it("keeps a JWT (never the key) in an HttpOnly, SameSite=Strict cookie for /dashboard only", async () => {
    const { key } = await tenant();
    const r = await post("/dashboard/sign-in", { api_key: key, tz: "Europe/Paris" });
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toBe("/dashboard");
    const session = r.headers.getSetCookie().find((c) => c.startsWith("tasks_session="));
    expect(session).toBeDefined();
    expect(session).toMatch(/; HttpOnly/);
    expect(session).toMatch(/; SameSite=Strict/);
    expect(session).toMatch(/; Path=\/dashboard/);
    expect(session).not.toMatch(/; Secure/); // plain http (npm start); see the https case below
    const value = session?.split(";")[0]?.slice("tasks_session=".length) ?? "";
    expect(value).not.toContain(key);
    expect(value.split(".")).toHaveLength(3);
    // The JWT is a working /v1 credential of the key's organization.
    expect((await call("GET", "/v1/tasks", { token: value })).status).toBe(200);
  });

  it("marks the cookie Secure over https", async () => {
    const { key } = await tenant();
    const request = new Request("https://tasks.test/dashboard/sign-in", {
      method: "POST",
      body: new URLSearchParams({ api_key: key }).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://tasks.test" },
    });
    const r = await worker.fetch(request, env, createExecutionContext());
    expect(r.status).toBe(303);
    expect(r.headers.getSetCookie().find((c) => c.startsWith("tasks_session="))).toMatch(/; Secure/);
  });

  it("answers a bad key with the form and an error, and sets no cookie", async () => {
    const r = await post("/dashboard/sign-in", { api_key: "tk_not_a_real_key" });
    expect(r.status).toBe(401);
    expect(r.body).toContain("That API key is not valid");
    expect(r.headers.getSetCookie().some((c) => c.startsWith("tasks_session="))).toBe(false);
  });

  it("lets the admin token sign in for an organization, and asks for one without it", async () => {
    const { key, org } = await tenant();
    const t = await createTask(key, { name: "admin can see this" });
    expect((await post("/dashboard/sign-in", { api_key: ADMIN })).body).toContain("enter one under Organization");
    const cookie = await signIn(ADMIN, org);
    const tasks = await page("/dashboard", cookie);
    expect(tasks.status).toBe(200);
    expect(tasks.body).toContain(`/dashboard/tasks/${t.id}`);
    expect(tasks.body).toContain(">Admin</a>");
  });

  it("signs out: the cookie is cleared and pages need a new sign-in", async () => {
    const { key } = await tenant();
    const cookie = await signIn(key);
    const r = await post("/dashboard/sign-out", {}, { cookie });
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toBe("/dashboard/sign-in");
    const cleared = r.headers.getSetCookie().find((c) => c.startsWith("tasks_session="));
    expect(cleared).toMatch(/Max-Age=0/);
  });

  it("sends an expired or forged session back to sign-in", async () => {
    const r = await page("/dashboard", "tasks_session=eyJhbGciOiJIUzI1NiJ9.eyJvcmciOiJ4In0.bad");
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toBe("/dashboard/sign-in");
  });
});

describe("dashboard POSTs check Origin", () => {
  for (const [what, origin] of [
    ["without an Origin", null],
    ["from another origin", "https://evil.example"],
    ["from a look-alike origin", "http://tasks.test.evil.example"],
  ] as const) {
    it(`refuses a sign-in ${what} with 403`, async () => {
      const { key } = await tenant();
      const r = await post("/dashboard/sign-in", { api_key: key }, { origin });
      expect(r.status).toBe(403);
      expect(r.headers.getSetCookie()).toEqual([]);
    });
  }

  it("without an Origin, accepts only a browser's Sec-Fetch-Site: same-origin", async () => {
    const { key } = await tenant();
    const cookie = await signIn(key);
    const send = (site: string) =>
      call("POST", "/dashboard/sign-out", {
        raw: "",
        headers: { cookie, "sec-fetch-site": site, "content-type": "application/x-www-form-urlencoded" },
      });
    expect((await send("cross-site")).status).toBe(403);
    expect((await send("same-site")).status).toBe(403);
    expect((await send("same-origin")).status).toBe(303);
  });

  it("refuses a sign-out from another origin", async () => {
    const { key } = await tenant();
    const cookie = await signIn(key);
    const r = await post("/dashboard/sign-out", {}, { cookie, origin: "https://evil.example" });
    expect(r.status).toBe(403);
  });
});

describe("dashboard pages' Content-Security-Policy", () => {
  it("allows nothing inline and nothing from another origin, and is never framed", async () => {
    const { key } = await tenant();
    const cookie = await signIn(key);
    for (const r of [await page("/dashboard/sign-in"), await page("/dashboard", cookie), await page("/dashboard/nothing-here", cookie)]) {
      const csp = r.headers.get("content-security-policy") ?? "";
      const directives = new Map(
        csp
          .split(";")
          .map((d) => d.trim().split(/\s+/) as [string, ...string[]])
          .map(([k, ...v]) => [k, v.join(" ")]),
      );
      expect(directives.get("default-src")).toBe("'self'");
      expect(directives.get("script-src")).toBe("'self'");
      expect(directives.get("style-src")).toBe("'self'");
      expect(directives.get("frame-ancestors")).toBe("'none'");
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
      const html = r.body;
      // Every <script> loads a file of this origin; there are no inline styles or handlers.
      for (const [, attrs, body] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
        expect(attrs).toMatch(/src="\/dashboard\/app\.js"/);
        expect(body?.trim()).toBe("");
      }
      expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    }
  });
});
