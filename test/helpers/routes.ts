import { expect } from "vitest";
import type { Reply } from "./api";
import { call } from "./api";

// The routes as the Worker publishes them (GET /openapi.json), for suites that must run
// on every operation of every face: which face serves an operation, which scope its
// document entry implies, and what that face's refusals look like.

/** /v1, or a dialect by its seed number. */
export type Face = "v1" | "000" | "001" | "002" | "003" | "004";
export const FACES: readonly Face[] = ["v1", "000", "001", "002", "003", "004"];

export type Operation = {
  /** "METHOD /path/{param}", as the document spells the path. */
  id: string;
  method: string;
  path: string;
  tags: string[];
  /** null when no tag says which face it is (a new face this file does not know). */
  face: Face | null;
  /** The path's `{params}`, in order. */
  params: string[];
  /** The document declares a request body. */
  hasBody: boolean;
};

type DocOperation = { tags?: string[]; requestBody?: unknown };

/** Every operation of the OpenAPI document the Worker serves. */
export async function operations(): Promise<Operation[]> {
  const doc = await call<{ paths: Record<string, Record<string, DocOperation>> }>("GET", "/openapi.json");
  if (doc.status !== 200) throw new Error(`/openapi.json: ${doc.status}`);
  const out: Operation[] = [];
  for (const [path, ops] of Object.entries(doc.body.paths)) {
    for (const [m, op] of Object.entries(ops)) {
      if (!["get", "post", "put", "patch", "delete"].includes(m)) continue;
      const method = m.toUpperCase();
      const tags = op.tags ?? [];
      out.push({
        id: `${method} ${path}`,
        method,
        path,
        tags,
        face: faceOf(path, tags),
        params: [...path.matchAll(/\{(\w+)\}/g)].map((x) => x[1] ?? ""),
        hasBody: op.requestBody !== undefined,
      });
    }
  }
  return out;
}

/** A dialect's tag ends with its seed number, e.g. "Dialect: NetStacks (000)"; every other tag on a /v1 path is /v1. */
export function faceOf(path: string, tags: string[]): Face | null {
  const dialects = tags.map((t) => /^Dialect: .*\((\d{3})\)$/.exec(t)?.[1]).filter((x): x is string => x !== undefined);
  if (dialects.length > 1) return null;
  if (dialects.length === 1) return (FACES as readonly string[]).includes(dialects[0] ?? "") ? (dialects[0] as Face) : null;
  return path.startsWith("/v1/") && tags.length > 0 ? "v1" : null;
}

export type Scope = "tasks:read" | "tasks:write" | "runner" | "admin";

/**
 * What a tag says about scope (the README's route table): admin routes, runner routes,
 * and resource routes where a GET reads and every other method writes. Tags not listed
 * say nothing: such an operation's scope is not derivable and must be named by the suite.
 */
const TAG_POLICY: Record<string, Scope | "read-or-write"> = {
  Tasks: "read-or-write",
  Runs: "read-or-write",
  Projects: "read-or-write",
  Events: "read-or-write",
  Runners: "runner",
  "API keys": "admin",
  "Signing secrets": "admin",
};

/** The scope the document implies for an operation, or undefined when it implies none (or contradicting ones). */
export function derivedScope(op: Operation): Scope | undefined {
  // Each dialect's reference (README, "Dialects"): reads need tasks:read, writes tasks:write.
  const policies = new Set(op.tags.map((t) => (/^Dialect: /.test(t) && op.face !== null ? "read-or-write" : TAG_POLICY[t])));
  if (policies.size !== 1) return undefined;
  const [policy] = policies;
  if (policy === undefined) return undefined;
  if (policy === "read-or-write") return op.method === "GET" ? "tasks:read" : "tasks:write";
  return policy;
}

const HELD: readonly Scope[] = ["tasks:read", "tasks:write", "runner"];
/** Every non-admin scope that does not grant `needed` (tasks:write grants tasks:read; admin grants all). */
export function scopesLacking(needed: Scope): Scope[] {
  return HELD.filter((s) => s !== needed && !(s === "tasks:write" && needed === "tasks:read"));
}

/** The template with its `{params}` filled in; throws on a param without a value. */
export function fill(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const v = params[name];
    if (v === undefined) throw new Error(`no value for {${name}} in ${template}`);
    return encodeURIComponent(v);
  });
}

export type Refusal = "unauthorized" | "forbidden" | "not_found";
export const STATUS_OF: Record<Refusal, number> = { unauthorized: 401, forbidden: 403, not_found: 404 };

const text = expect.stringMatching(/\S/);
const NETSTACKS_CODE = {
  unauthorized: expect.stringMatching(/^(UNAUTHORIZED|INVALID_TOKEN|TOKEN_EXPIRED)$/),
  forbidden: "FORBIDDEN",
  not_found: "TASK_NOT_FOUND",
};

/** Each face's own error body for a refusal (src/api/errors.ts and each dialect's errors module). */
const SHAPE: Record<Face, (r: Reply, why: Refusal) => unknown> = {
  v1: (r, why) => ({ error: { code: why, message: text, request_id: r.headers.get("x-request-id") } }),
  "000": (_r, why) => ({ error: { code: NETSTACKS_CODE[why], message: text, status: STATUS_OF[why], details: null } }),
  "001": (_r, why) => ({ success: false, error: why === "not_found" ? "Task not found" : text }),
  "002": (_r, why) => ({ error: { code: why, message: text } }),
  "003": (_r, why) => ({ msg: why === "not_found" ? "Scheduled task not found" : text }),
  "004": (_r, why) => ({ error: why === "not_found" ? "Schedule not found" : text, code: why }),
};

/** Asserts that `r` is the refusal `why`, with its status, in the face's own error shape. */
export function expectRefusal(face: Face, r: Reply, why: Refusal, label: string): void {
  const seen = `${label}: ${r.status} ${JSON.stringify(r.body)}`;
  expect(r.status, seen).toBe(STATUS_OF[why]);
  expect(r.body, seen).toEqual(SHAPE[face](r, why));
}
