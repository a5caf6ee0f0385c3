import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app";
import type { Reply } from "../helpers/api";
import { ADMIN, apiKey, call, jwt, tenant } from "../helpers/api";
import { captureQueue } from "../helpers/engine";
import type { Face, Operation, Scope } from "../helpers/routes";
import { FACES, derivedScope, expectRefusal, faceOf, fill, operations, scopesLacking } from "../helpers/routes";
import type { Tenant } from "./route-fixtures";
import { BODIES, FIXTURES, fakeTargets, owner } from "./route-fixtures";

// One security suite for every operation of every face (issue 11, "Tests"), in the
// manner of unkey's runCommonRouteTests, but driven by the OpenAPI document the Worker
// serves, so a route joins it by being published. For each operation:
//   1. no credential → 401, and four bad credentials → 401, in the face's error shape;
//   2. a credential (an API key and a JWT) of the same organization holding every scope
//      but the one the route needs → 403 in the face's shape (with that organization's
//      real ids and a valid body, so a missing scope check would have succeeded);
//   3. a route with an id in its path, called by another organization with the first
//      one's id → 404 in the face's shape, the resource unchanged;
//   4. the same request with a sufficient credential of the owner succeeds (2xx), so the
//      refusals above are about the credential, not about a broken request.
// The file fails when an operation appears that it cannot cover: a face it does not know,
// a scope it cannot derive and no table names, a body or a path id it has no way to build.
// test/security/auth.test.ts and isolation.test.ts keep their deeper checks of the same
// ground (token forms, lists and events of another tenant).

const OPS = await operations();
let queue: ReturnType<typeof captureQueue>;
const byId = new Map(OPS.map((o) => [o.id, o]));

/** Scopes the document does not imply (their tag names no scope rule): stated here, with why. */
const SCOPE_TABLE: Record<string, { scope: Scope | "api-key"; why: string }> = {
  "POST /v1/schedules/preview": {
    scope: "tasks:read",
    why: "a POST that only computes occurrences and stores nothing (README: tasks:read)",
  },
  "POST /v1/auth/token": {
    scope: "api-key",
    why: "any API key may exchange itself for a JWT; there is no scope to lack, and what is not an API key is 400 api_key_required",
  },
};

type Iso = { a: Tenant; b: Tenant; path: string; send: (token: string) => Promise<Reply> };
/**
 * Routes with an id in the path that are not tenant-owned resources, and what is checked
 * instead of the 404. (Routes without an id have no step 3: lists and creates, and the
 * admin-only signing-secrets routes, which act for the organization X-Org-Id names.)
 */
const ISOLATION_EXEMPT: Record<string, { why: string; check?: (x: Iso) => Promise<void> }> = {
  "DELETE /v1/api-keys/{id}": {
    why: "admin token only: keys belong to the operator, not to a tenant; every tenant credential is 403 before the id is read (step 2)",
  },
  "GET /api/agents/{id}/schedules": {
    why: "{id} is an agent name, which any organization may use: another organization lists its own (none), never the owner's",
    check: async ({ send, b, a, path }) => {
      const r = await send(b.key);
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ schedules: [] });
      expect((await call("GET", path, { token: a.key })).body.schedules).toHaveLength(1);
    },
  },
  "POST /api/agents/{id}/schedules": {
    why: "{id} is an agent name: another organization creates a schedule of its own under it, which the owner never sees",
    check: async ({ send, b, a, path }) => {
      expect((await send(b.key)).status).toBe(201);
      expect((await call("GET", path, { token: a.key })).body.schedules).toHaveLength(1);
      expect((await call("GET", path, { token: b.key })).body.schedules).toHaveLength(1);
    },
  },
};

/** What is missing to cover an operation (empty when covered). */
function gaps(op: Operation): string[] {
  const out: string[] = [];
  if (op.face === null) out.push(`no face: tags ${JSON.stringify(op.tags)} name none of ${FACES.join(", ")}`);
  const derived = derivedScope(op);
  if (derived === undefined && !SCOPE_TABLE[op.id]) out.push("scope neither derivable from its tag nor in SCOPE_TABLE");
  if (derived !== undefined && SCOPE_TABLE[op.id]) out.push(`in SCOPE_TABLE although its tag gives ${derived}`);
  if (op.hasBody !== op.id in BODIES)
    out.push(op.hasBody ? "declares a body but has none in BODIES" : "has a BODIES entry but declares no body");
  if (op.params.length > 0 && !FIXTURES.some(([re]) => re.test(op.path))) out.push(`no fixture for the ids of ${op.path}`);
  return out;
}

/** Four credentials that prove nothing: unknown key, forged JWT, expired JWT, a scheme nobody accepts. */
async function badCredentials(org: string): Promise<[string, Record<string, string>][]> {
  const nowSec = Math.floor(Date.now() / 1000);
  return [
    ["an unknown API key (X-API-Key)", { "x-api-key": `tk_${crypto.randomUUID().replaceAll("-", "")}` }],
    [
      "a JWT signed with another secret",
      {
        authorization: `Bearer ${await jwt({ org, scope: "tasks:read tasks:write runner admin" }, { secret: "another-secret-that-is-long-enough-0123456789" })}`,
      },
    ],
    [
      "an expired JWT",
      { authorization: `Bearer ${await jwt({ org, scope: "tasks:read tasks:write runner admin" }, { expiresIn: nowSec - 60 })}` },
    ],
    ["Basic credentials", { authorization: `Basic ${btoa(`${org}:password`)}` }],
  ];
}

async function snapshot(key: string, probes: string[]) {
  return Promise.all(probes.map(async (p) => (await call("GET", p, { token: key })).body));
}

/** Steps 1–4 on one operation. */
async function covers(op: Operation, face: Face) {
  expect(gaps(op), op.id).toEqual([]);
  const scope = SCOPE_TABLE[op.id]?.scope ?? (derivedScope(op) as Scope);
  const a = await owner();
  const make = FIXTURES.find(([re]) => re.test(op.path))?.[1];
  const fixture = make ? await make(a, queue) : { params: {}, probes: [] };
  const path = fill(op.path, fixture.params);
  const body = BODIES[op.id]?.(a);
  const send = (headers: Record<string, string>) => call(op.method, path, { headers, body });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  // 1. No credential, bad credentials.
  expectRefusal(face, await send({}), "unauthorized", `${op.id} without a credential`);
  for (const [what, headers] of await badCredentials(a.org))
    expectRefusal(face, await send(headers), "unauthorized", `${op.id} with ${what}`);

  // 2. Every scope but the one needed, as an API key and as a JWT of the owner's organization.
  if (scope === "api-key") {
    const r = await send(bearer(await jwt({ org: a.org, scope: "tasks:read tasks:write runner" })));
    expect(r.status, `${op.id} with a JWT`).toBe(400);
    expect(r.body.error.code).toBe("api_key_required");
    expect((await send(bearer(await apiKey(a.org, ["runner"])))).status, `${op.id} with a runner-only key`).toBe(200);
  } else {
    const lacking = scopesLacking(scope);
    for (const [what, token] of [
      [`an API key with ${lacking.join(" ")}`, await apiKey(a.org, lacking)],
      [`a JWT with ${lacking.join(" ")}`, await jwt({ org: a.org, scope: lacking.join(" ") })],
    ] as const) {
      expectRefusal(face, await send(bearer(token)), "forbidden", `${op.id} (needs ${scope}) with ${what}`);
    }
  }

  // 3. Another organization with the owner's ids.
  if (op.params.length > 0) {
    const b = await tenant(["tasks:read", "tasks:write", "runner"]);
    const exempt = ISOLATION_EXEMPT[op.id];
    if (exempt) await exempt.check?.({ a, b, path, send: (token) => send(bearer(token)) });
    else {
      const before = await snapshot(a.key, fixture.probes);
      expectRefusal(face, await send(bearer(b.key)), "not_found", `${op.id} by another organization`);
      expect(await snapshot(a.key, fixture.probes), `${op.id}: the owner's resource changed`).toEqual(before);
    }
  }

  // 4. The owner, with a sufficient credential: the request itself is sound.
  const own = scope === "admin" ? { ...bearer(ADMIN), "x-org-id": a.org } : bearer(a.key);
  const ok = await send(own);
  expect(ok.status, `${op.id} by its owner: ${ok.status} ${JSON.stringify(ok.body)}`).toBeGreaterThanOrEqual(200);
  expect(ok.status, `${op.id} by its owner: ${ok.status} ${JSON.stringify(ok.body)}`).toBeLessThan(300);
}

beforeEach(() => {
  queue = captureQueue();
  fakeTargets();
});
afterEach(() => vi.restoreAllMocks());

describe("the route list", () => {
  it("every operation of the document is covered: a known face, a scope, a body when it takes one, a fixture for its ids", () => {
    const uncovered = OPS.map((op) => [op.id, gaps(op)] as const).filter(([, g]) => g.length > 0);
    expect(Object.fromEntries(uncovered)).toEqual({});
    // And no table names an operation that is gone.
    for (const id of [...Object.keys(SCOPE_TABLE), ...Object.keys(ISOLATION_EXEMPT), ...Object.keys(BODIES)])
      expect(byId.has(id), `${id} is not in the document`).toBe(true);
    for (const face of FACES) expect(OPS.filter((o) => o.face === face).length, face).toBeGreaterThan(0);
  });

  it("every route the app serves is in the document, except the three public ones, which answer without a credential", async () => {
    const PUBLIC = ["GET /healthz", "GET /openapi.json", "GET /docs"];
    // Method routes only: `ALL` entries are middleware and each face's catch-all for unknown paths.
    // The dashboard's HTML pages are not API operations: test/dashboard covers their auth (a
    // session cookie, not a credential header) and their Origin check.
    const served = new Set(
      createApp()
        .routes.filter((r) => r.method !== "ALL" && !r.path.startsWith("/dashboard"))
        .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}")}`),
    );
    expect([...served].filter((id) => !byId.has(id)).sort()).toEqual([...PUBLIC].sort());
    expect(OPS.filter((o) => !served.has(o.id)).map((o) => o.id)).toEqual([]);
    for (const p of PUBLIC) expect((await call("GET", p.slice(4))).status, p).toBe(200);
  });
});

for (const face of FACES) {
  describe(`face ${face}: 401 without or with a bad credential, 403 without the scope, 404 for another organization's id`, () => {
    for (const op of OPS.filter((o) => o.face === face)) it(op.id, { timeout: 30_000 }, () => covers(op, face));
  });
}

describe("the suite's checks catch what they claim to (negative controls)", () => {
  const op = (method: string, path: string, tags: string[], hasBody = false): Operation => ({
    id: `${method} ${path}`,
    method,
    path,
    tags,
    face: faceOf(path, tags),
    params: [...path.matchAll(/\{(\w+)\}/g)].map((x) => x[1] ?? ""),
    hasBody,
  });

  it("a route this file cannot cover is reported: an unknown tag, a new kind of id, an unknown face, a body nobody wrote", () => {
    expect(gaps(op("GET", "/v1/widgets/{widget}", ["Widgets"]))).toEqual([
      "scope neither derivable from its tag nor in SCOPE_TABLE",
      "no fixture for the ids of /v1/widgets/{widget}",
    ]);
    expect(gaps(op("POST", "/v1/tasks/{id}/archive", ["Tasks"], true))).toEqual(["declares a body but has none in BODIES"]);
    expect(gaps(op("GET", "/api/v5/jobs", ["Dialect: someone else (005)"]))[0]).toMatch(/^no face/);
  });

  it("each face's refusal fails every other face's shape", async () => {
    const samples: [Face, string][] = [
      ["v1", "/v1/tasks"],
      ["000", "/api/tasks/schedules"],
      ["001", "/api/v1/tasks"],
      ["002", "/tasks"],
      ["003", "/api/v1/scheduled_tasks"],
      ["004", "/api/agents/x/schedules"],
    ];
    for (const [face, path] of samples) {
      const r = await call("GET", path);
      expectRefusal(face, r, "unauthorized", path);
      for (const [other] of samples)
        if (other !== face) expect(() => expectRefusal(other, r, "unauthorized", path), `${face} reply passed as ${other}`).toThrow();
    }
  });
});
