import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call } from "../helpers/api";

// Issue 14: the API reference renders offline and from our own origin. The page is the
// Worker's (GET /docs); its two scripts are Workers Static Assets (public/docs/).

/** Every URL an attribute of the page loads or links to. */
const urlsIn = (html: string) => [...html.matchAll(/\b(?:src|href|action)\s*=\s*["']([^"']*)["']/gi)].map((m) => m[1] ?? "");

/** A file of public/ as Workers Static Assets serve it (before the Worker, for any path that names a file). */
async function asset(path: string) {
  const res = await env.ASSETS.fetch(`http://tasks.test${path}`);
  return { status: res.status, type: res.headers.get("content-type") ?? "", text: await res.text() };
}

describe("GET /docs", () => {
  it("is an HTML page whose scripts all come from our own origin", async () => {
    const r = await call("GET", "/docs");
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/^text\/html/);
    const html = r.body as string;
    const urls = urlsIn(html);
    expect(urls).toEqual(expect.arrayContaining(["/docs/scalar.js", "/docs/init.js"]));
    // Relative to this origin: a path, never another origin ("//host" or "scheme:").
    for (const url of urls) expect(url, url).toMatch(/^\/(?!\/)/);
    expect(html).not.toMatch(/(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}/i);
  });

  it("has no inline script: every <script> loads a file", async () => {
    const html = (await call("GET", "/docs")).body as string;
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBe(2);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\bsrc=/);
      expect(body?.trim()).toBe("");
    }
  });

  it("sends a Content-Security-Policy that allows scripts from 'self' only", async () => {
    const csp = (await call("GET", "/docs")).headers.get("content-security-policy") ?? "";
    const directive = (name: string) =>
      csp
        .split(";")
        .map((d) => d.trim())
        .find((d) => d.startsWith(`${name} `));
    expect(directive("script-src")).toBe("script-src 'self'");
    expect(directive("default-src")).toBe("default-src 'self'");
    expect(directive("connect-src")).toBe("connect-src 'self'");
    expect(directive("frame-ancestors")).toBe("frame-ancestors 'none'");
    // Nothing but 'self' (and data: for images and fonts) anywhere in the policy.
    expect(csp).not.toMatch(/https?:|\*/);
  });
});

describe("the reference's static assets", () => {
  it("serves Scalar's bundle from this origin", async () => {
    const r = await asset("/docs/scalar.js");
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/javascript/);
    expect(r.text).toContain("createApiReference");
    // The source map is not shipped, so nothing may ask for it.
    expect(r.text).not.toContain("sourceMappingURL");
  });

  it("starts the reference on /openapi.json with everything that reaches another origin off", async () => {
    const r = await asset("/docs/init.js");
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/javascript/);
    expect(r.text).toContain('url: "/openapi.json"');
    for (const off of [
      "withDefaultFonts: false",
      "telemetry: false",
      "agent: { disabled: true }",
      "mcp: { disabled: true }",
      "hideClientButton: true",
    ]) {
      expect(r.text).toContain(off);
    }
    expect(r.text).not.toMatch(/proxyUrl:/);
    expect(r.text).not.toMatch(/https?:\/\//);
  });

  it("has no file at /docs itself, so the Worker's page (with its CSP) answers there", async () => {
    expect((await asset("/docs")).status).toBe(404);
    expect((await asset("/docs/")).status).toBe(404);
  });
});
