/**
 * The dashboard's guards: its Content-Security-Policy (no inline script or style, nothing
 * from another origin, never framed), the Origin check on every POST, and the session
 * cookie that holds the JWT (HttpOnly, SameSite=Strict, Path=/dashboard, Secure over https).
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import type { DashEnv } from "./env";

export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
  "base-uri 'none'",
  "object-src 'none'",
].join("; ");

/** Security headers on every dashboard answer (pages, redirects and errors alike). */
export const securityHeaders = createMiddleware<DashEnv>(async (c, next) => {
  await next();
  c.header("Content-Security-Policy", DASHBOARD_CSP);
  c.header("X-Frame-Options", "DENY");
  c.header("Referrer-Policy", "same-origin");
  c.header("Cache-Control", "no-store");
});

/**
 * A POST must come from a page of this origin: its Origin header must be ours. Without an
 * Origin, only a browser's own `Sec-Fetch-Site: same-origin` (a header no page can set) is
 * accepted (a same-origin fetch() may come without Origin, e.g. through DevTools request
 * interception); anything else is refused. With the SameSite=Strict cookie this is the CSRF
 * defence; there are no other state-changing methods here.
 */
export const sameOrigin = createMiddleware<DashEnv>(async (c, next) => {
  if (c.req.method === "POST") {
    const origin = c.req.header("origin");
    const ok = origin ? origin === new URL(c.req.url).origin : c.req.header("sec-fetch-site") === "same-origin";
    if (!ok) {
      return c.text("Forbidden: this form must be sent from the dashboard's own pages (Origin check).", 403);
    }
  }
  await next();
});

export const SESSION_COOKIE = "tasks_session";
/** The viewer's IANA time zone, set by public/dashboard/app.js; not a secret. */
export const ZONE_COOKIE = "tasks_tz";
const PATH = "/dashboard";

const secure = (c: Context) => new URL(c.req.url).protocol === "https:";

/** Keeps the JWT for `maxAge` seconds (its own lifetime). */
export function setSession(c: Context<DashEnv>, jwt: string, maxAge: number): void {
  setCookie(c, SESSION_COOKIE, jwt, { httpOnly: true, sameSite: "Strict", path: PATH, secure: secure(c), maxAge });
}

export function clearSession(c: Context<DashEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { httpOnly: true, sameSite: "Strict", path: PATH, secure: secure(c) });
}

export const sessionToken = (c: Context<DashEnv>): string | undefined => getCookie(c, SESSION_COOKIE) || undefined;

/** What a session's JWT says about its holder, read for display only (the API checks every call). */
export function sessionClaims(jwt: string): { org: string; scopes: string[] } {
  try {
    const payload = JSON.parse(atob((jwt.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/")));
    return {
      org: typeof payload.org === "string" ? payload.org : "",
      scopes: typeof payload.scope === "string" ? payload.scope.split(/\s+/).filter(Boolean) : [],
    };
  } catch {
    return { org: "", scopes: [] };
  }
}
