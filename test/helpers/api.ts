import { createExecutionContext, env } from "cloudflare:test";
import worker from "../../src/index";
import { SignJWT } from "jose";

export const ADMIN = "test-admin-token";
export const BASE = "http://tasks.test";

export type Reply<T = any> = { status: number; body: T; headers: Headers };

/** Calls the Worker's real fetch handler with the request a client would send over HTTP. */
export async function call<T = any>(
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization ??= `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers["content-type"] ??= "application/json";
  }
  // A client sends Content-Length with a body; a Request built here would not carry it.
  if (body !== undefined) headers["content-length"] ??= String(new TextEncoder().encode(body).byteLength);
  // The Worker's own fetch handler, with the real bindings (SELF.fetch slows down with
  // every call made in a file in this version of the test pool).
  const res = await worker.fetch(new Request(`${BASE}${path}`, { method, headers, body }), env, createExecutionContext());
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

/** A fresh organization per test keeps tests independent without resetting storage. */
export const newOrg = () => `org-${crypto.randomUUID().slice(0, 12)}`;

/** Issues an API key through the admin route, exactly as the README tells a user to. */
export async function apiKey(org: string, scopes: string[] = ["tasks:read", "tasks:write"]): Promise<string> {
  const r = await call("POST", "/v1/api-keys", { token: ADMIN, body: { name: "test", org, scopes } });
  if (r.status !== 201) throw new Error(`api key: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.key;
}

/** A JWT signed like an identity provider would (HS256 with the Worker's JWT_SECRET). */
export async function jwt(
  claims: Record<string, unknown>,
  opts: { secret?: string; expiresIn?: number | string; alg?: string } = {},
): Promise<string> {
  const secret = new TextEncoder().encode(opts.secret ?? env.JWT_SECRET);
  let builder = new SignJWT(claims).setProtectedHeader({ alg: opts.alg ?? "HS256" }).setIssuedAt();
  builder = builder.setExpirationTime(opts.expiresIn ?? "1h");
  return builder.sign(secret);
}

/** An org with a read-write key, ready to use. */
export async function tenant(scopes?: string[]) {
  const org = newOrg();
  return { org, key: await apiKey(org, scopes) };
}

export const cronTask = (over: Record<string, unknown> = {}) => ({
  name: `task-${crypto.randomUUID().slice(0, 8)}`,
  type: "http",
  parameters: { url: "https://example.com/hook" },
  schedule: { kind: "cron", expression: "*/5 * * * *", timezone: "UTC" },
  ...over,
});

/** Creates a task and returns its JSON (fails the test on anything but 201). */
export async function createTask(key: string, over: Record<string, unknown> = {}) {
  const r = await call("POST", "/v1/tasks", { token: key, body: cronTask(over) });
  if (r.status !== 201) throw new Error(`create: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}
