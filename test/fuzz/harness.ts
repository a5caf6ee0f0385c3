import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import fc from "fast-check";
import worker from "../../src/index";
import { ADMIN, BASE, jwt } from "../helpers/api";

// The engine of the bad-input property suite (issue 6, "Bad input"): sends generated
// requests to the Worker's fetch handler, checks every reply against its face's
// documented error shape, and checks from D1 that a rejected request wrote nothing.
//
// Why the handler is called directly: `SELF.fetch` of @cloudflare/vitest-pool-workers
// 0.23 gets slower with every call made in a file (measured here: /healthz goes from
// 5 ms to 250 ms per request after ~800 calls), which makes ten thousand cases
// impossible. `worker.fetch(request, env, ctx)` is the handler SELF dispatches to, with
// the same bindings (D1, Durable Objects, Queues, R2); `send` adds the Content-Length a
// real client sends (the handler reads it to tell a body from no body) and waits for
// the request's waitUntil work before the database is read.

/** A request unanswered after this long is reported as a hang (a bug), not waited for. */
export const HANG_MS = 10_000;

export type Face = "v1" | "netstacks" | "platform" | "agentflow" | "kubiya" | "agents";

export type Req = { method: string; path: string; headers: Record<string, string>; body?: string };
export type Res = { status: number; text: string; body: any; headers: Headers; threw?: string };

const utf8 = new TextEncoder();

/** One request through the Worker's fetch handler, exactly as given (method, path with query, headers, raw body). */
export async function send(req: Req): Promise<Res> {
  const headers = new Headers(req.headers);
  const hasBody = req.body !== undefined && req.method !== "GET" && req.method !== "HEAD";
  if (hasBody) headers.set("content-length", String(utf8.encode(req.body).byteLength));
  const request = new Request(`${BASE}${req.path}`, { method: req.method, headers, body: hasBody ? req.body : undefined });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hang: no answer in ${HANG_MS} ms to ${describe(req)}`)), HANG_MS);
  });
  const work = (async (): Promise<Res> => {
    const ctx = createExecutionContext();
    let res: Response;
    try {
      res = await worker.fetch!(request as any, env as any, ctx);
    } catch (e) {
      // The runtime would answer this with a 500: the handler must never throw.
      await waitOnExecutionContext(ctx).catch(() => undefined);
      return {
        status: 599,
        text: "",
        body: null,
        headers: new Headers(),
        threw: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
      };
    }
    const text = await res.text();
    await waitOnExecutionContext(ctx);
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      /* keep the text */
    }
    return { status: res.status, text, body, headers: res.headers };
  })();
  try {
    return await Promise.race([work, hang]);
  } finally {
    clearTimeout(timer as never);
  }
}

/** A request as a replayable one-liner (credentials shown by kind, not value). */
export function describe(req: Req): string {
  const h = Object.entries(req.headers)
    .map(([k, v]) => `${k}: ${redact(v)}`)
    .join(" | ");
  const body =
    req.body === undefined
      ? "(no body)"
      : JSON.stringify(req.body.length > 400 ? `${req.body.slice(0, 400)}…(${req.body.length} chars)` : req.body);
  const path = req.path.length > 300 ? `${req.path.slice(0, 300)}…(${req.path.length} chars)` : req.path;
  return `${req.method} ${path} [${h}] ${body}`;
}
const secrets = new Map<string, string>();
function redact(v: string): string {
  for (const [secret, name] of secrets) if (v.includes(secret)) v = v.replace(secret, `<${name}>`);
  return v.length > 200 ? `${v.slice(0, 200)}…` : v;
}

// ---------- error shapes, one per face (README "Errors" and each dialect's section) ----------

const str = (x: unknown) => typeof x === "string" && x.length > 0;
const only = (o: object, keys: string[]) => Object.keys(o).every((k) => keys.includes(k));
const detailList = (d: unknown) =>
  Array.isArray(d) && d.every((x) => x && typeof x === "object" && typeof x.path === "string" && typeof x.message === "string");
const STACK =
  /\n\s+at\s|\bat\s+[\w$.<>]+\s+\(|\.(?:ts|js|mjs):\d+:\d+|node_modules|SyntaxError:|TypeError:|ReferenceError:|RangeError:|URIError:/;

/** The statuses each face documents for its errors (429 once a credential's bucket is empty). */
export const ERROR_STATUSES: Record<Face, number[]> = {
  v1: [400, 401, 403, 404, 409, 412, 413, 415, 429],
  netstacks: [400, 401, 403, 404, 409, 413, 415, 422, 429],
  platform: [400, 401, 403, 404, 409, 413, 415, 429],
  agentflow: [400, 401, 403, 404, 409, 413, 415, 429],
  kubiya: [400, 401, 403, 404, 429],
  agents: [400, 401, 403, 404, 409, 413, 415, 429],
};

/** Null when an error reply has its face's documented shape, else what is wrong. */
export function shapeProblem(face: Face, r: Res): string | null {
  const b = r.body;
  if (!/^application\/json/i.test(r.headers.get("content-type") ?? "")) return `content-type ${r.headers.get("content-type")}`;
  if (b === null || typeof b !== "object" || Array.isArray(b)) return "not a JSON object";
  switch (face) {
    case "v1": {
      // {"error": {code, message, details?: [{path, message}], request_id}}, request_id echoed in X-Request-Id.
      const e = b.error;
      if (!only(b, ["error"]) || !e || typeof e !== "object") return "not {error: {...}}";
      if (!only(e, ["code", "message", "details", "request_id"])) return `unexpected keys ${Object.keys(e)}`;
      if (!str(e.code) || !str(e.message) || !str(e.request_id)) return "code/message/request_id not non-empty strings";
      if (e.details !== undefined && !detailList(e.details)) return "details not [{path, message}]";
      if (e.request_id !== r.headers.get("x-request-id")) return "request_id differs from X-Request-Id";
      return null;
    }
    case "netstacks": {
      // {"error": {code, message, status, details: {field, message} | null}}
      const e = b.error;
      if (!only(b, ["error"]) || !e || typeof e !== "object") return "not {error: {...}}";
      if (!only(e, ["code", "message", "status", "details"]) || !("details" in e))
        return `keys ${Object.keys(e)} are not code, message, status, details`;
      if (!/^[A-Z_]+$/.test(e.code) || !str(e.message)) return "code not UPPER_CASE or empty message";
      if (e.status !== r.status) return `status ${e.status} != ${r.status}`;
      if (
        e.details !== null &&
        !(typeof e.details === "object" && typeof e.details.field === "string" && typeof e.details.message === "string")
      )
        return "details not {field, message} or null";
      return null;
    }
    case "platform":
      // {"success": false, "error": "…"}
      if (!only(b, ["success", "error"]) || b.success !== false || !str(b.error)) return "not {success: false, error}";
      return null;
    case "agentflow": {
      // {"error": {code, message, details?: [{path, message}]}}
      const e = b.error;
      if (!only(b, ["error"]) || !e || typeof e !== "object") return "not {error: {...}}";
      if (!only(e, ["code", "message", "details"]) || !str(e.code) || !str(e.message)) return "not {code, message, details?}";
      if (e.details !== undefined && !detailList(e.details)) return "details not [{path, message}]";
      return null;
    }
    case "kubiya":
      // {"msg": "…"}; 400s may add details: [{path, message}]
      if (!only(b, ["msg", "details"]) || !str(b.msg)) return "not {msg, details?}";
      if (b.details !== undefined && (r.status !== 400 || !detailList(b.details))) return "details outside a 400, or not [{path, message}]";
      return null;
    case "agents":
      // {"error": "…", "code": "…", details?: [{path, message}]}
      if (!only(b, ["error", "code", "details"]) || !str(b.error) || !str(b.code)) return "not {error, code, details?}";
      if (b.details !== undefined && !detailList(b.details)) return "details not [{path, message}]";
      return null;
  }
}

/** Property 1: never a 5xx or a throw, never a stack trace, every error in its face's shape and documented status. */
export function checkReply(face: Face, req: Req, r: Res) {
  const what = () => `${describe(req)} → ${r.status} ${r.threw ?? r.text.slice(0, 300)}`;
  if (r.threw) throw new Error(`handler threw: ${what()}`);
  if (r.status >= 500) throw new Error(`5xx: ${what()}`);
  if (r.status < 200 || (r.status >= 300 && r.status < 400)) throw new Error(`unexpected status: ${what()}`);
  if (STACK.test(r.text)) throw new Error(`stack trace in the body: ${what()}`);
  if (r.status >= 400) {
    if (!ERROR_STATUSES[face].includes(r.status)) throw new Error(`${r.status} is not a documented ${face} error status: ${what()}`);
    const p = shapeProblem(face, r);
    if (p) throw new Error(`wrong ${face} error shape (${p}): ${what()}`);
  }
}

// ---------- lanes: one organization per concurrent slot ----------

/** Seeded records a generated path id may point at, by name. */
export type Refs = Record<string, string>;

/**
 * One concurrent slot of a batch: its own organization (so a change in the database is
 * attributed to exactly one request), its credentials and the records seeded in it.
 */
export type Lane = { i: number; org: string; key: string; readKey: string; jwt: string; refs: Refs };

const admin = { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" };

/** POSTs `body` with `headers` and returns the JSON answer, failing setup on anything but 2xx. */
export async function must(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<any> {
  const json: Record<string, string> = body === undefined ? {} : { "content-type": "application/json" };
  const r = await send({ method, path, headers: { ...json, ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (r.status < 200 || r.status >= 300) throw new Error(`setup ${method} ${path}: ${r.status} ${r.text.slice(0, 300)}`);
  return r.body;
}

export async function issueKey(org: string, scopes: string[], name = "fuzz"): Promise<{ id: string; key: string }> {
  const k = await must("POST", "/v1/api-keys", admin, { name, org, scopes });
  return { id: k.id, key: k.key };
}

let runTag = "";
/** A short tag unique to this run, so organization names never collide across files or runs. */
export const tag = () => (runTag ||= crypto.randomUUID().slice(0, 6));

/** `n` lanes, seeded in parallel by `seed`. */
export async function makeLanes(file: string, n: number, seed: (lane: Lane) => Promise<void>): Promise<Lane[]> {
  const lanes = await Promise.all(
    Array.from({ length: n }, async (_, i): Promise<Lane> => {
      const org = `fz-${file}-${tag()}-${i}`;
      const [key, readKey] = await Promise.all([
        issueKey(org, ["tasks:read", "tasks:write", "runner"]),
        issueKey(org, ["tasks:read"], "fuzz-read"),
      ]);
      const token = await jwt({ org, scope: "tasks:read tasks:write runner", sub: `fuzz-${i}` });
      secrets.set(key.key, `key of lane ${i}`);
      secrets.set(readKey.key, `read-only key of lane ${i}`);
      secrets.set(token, `JWT of lane ${i}`);
      return { i, org, key: key.key, readKey: readKey.key, jwt: token, refs: { apiKey: key.id } };
    }),
  );
  await Promise.all(lanes.map(seed));
  return lanes;
}

/** An organization no lane belongs to, with a read-only JWT: its data must never change. */
export async function makeStranger(file: string): Promise<{ org: string; jwt: string }> {
  const org = `fz-${file}-${tag()}-stranger`;
  const token = await jwt({ org, scope: "tasks:read", sub: "stranger" });
  secrets.set(token, "stranger's JWT");
  await must("GET", "/v1/tasks", { authorization: `Bearer ${token}` }); // creates the organization (first use)
  return { org, jwt: token };
}

// ---------- the database fingerprint (property 2) ----------

/** Per organization, per table, the rows as text; plus table-wide counts. */
export type Snapshot = { orgs: Map<string, Record<string, string>>; global: string };

const TABLES = {
  tasks: "SELECT * FROM tasks WHERE org_id IN (#) ORDER BY id",
  runs: "SELECT * FROM runs WHERE org_id IN (#) ORDER BY id",
  projects: "SELECT * FROM projects WHERE org_id IN (#) ORDER BY id",
  // last_used_at is bookkeeping of authentication (at minute precision), not data a request changes.
  api_keys:
    "SELECT id, org_id, name, prefix, hash, scopes, project_id, created_at, revoked_at FROM api_keys WHERE org_id IN (#) ORDER BY id",
  organizations: "SELECT id AS org_id, * FROM organizations WHERE id IN (#)",
} as const;
const GLOBAL =
  "SELECT (SELECT count(*) FROM organizations) AS orgs, (SELECT count(*) FROM api_keys) AS keys, (SELECT count(revoked_at) FROM api_keys) AS revoked, " +
  "(SELECT count(*) FROM tasks) AS tasks, (SELECT count(*) FROM runs) AS runs, (SELECT count(*) FROM projects) AS projects";

/** Reads the organizations' rows straight from D1 (one batch of six queries). */
export async function snapshot(orgs: string[]): Promise<Snapshot> {
  const marks = orgs.map(() => "?").join(",");
  const names = Object.keys(TABLES) as (keyof typeof TABLES)[];
  const results = await env.DB.batch([
    ...names.map((t) => env.DB.prepare(TABLES[t].replace("#", marks)).bind(...orgs)),
    env.DB.prepare(GLOBAL),
  ]);
  const out = new Map<string, Record<string, string>>(orgs.map((o) => [o, Object.fromEntries(names.map((t) => [t, ""]))]));
  names.forEach((t, i) => {
    for (const row of results[i]!.results as Record<string, unknown>[]) {
      const per = out.get(String(row.org_id));
      if (per) per[t] += `${JSON.stringify(row)}\n`;
    }
  });
  return { orgs: out, global: JSON.stringify(results[names.length]!.results) };
}

/** The first table of `org` that differs between two snapshots, described, or null. */
export function changed(a: Snapshot, b: Snapshot, org: string): string | null {
  const x = a.orgs.get(org) ?? {};
  const y = b.orgs.get(org) ?? {};
  for (const t of Object.keys(TABLES)) {
    if (x[t] !== y[t]) {
      const before = (x[t] ?? "").split("\n");
      const after = (y[t] ?? "").split("\n");
      const gone = before
        .filter((l) => !after.includes(l))
        .join("\n")
        .slice(0, 600);
      const added = after
        .filter((l) => !before.includes(l))
        .join("\n")
        .slice(0, 600);
      return `table ${t} changed: before ${gone || "(nothing)"} / after ${added || "(nothing)"}`;
    }
  }
  return null;
}

// ---------- the batch engine ----------

/** What a generated case becomes in a lane: the request and the face whose shape its errors use. */
export type Planned = { face: Face; req: Req };

export type BatchOptions<C> = {
  lanes: Lane[];
  /** Organizations that no request may change (e.g. the stranger's). */
  frozen?: string[];
  cases: fc.Arbitrary<C>;
  plan: (c: C, lane: Lane) => Planned;
  /** Further checks of one reply (after checkReply). */
  check?: (c: C, p: Planned, r: Res) => void;
  /** The route a case exercises, for the statistics. */
  label?: (c: C) => string;
  /**
   * After a request in the lane succeeded with a write that may have deleted or ended a
   * seeded record (a DELETE or a cancel): put back what it removed. Returns whether it wrote.
   */
  repair?: (lane: Lane) => Promise<boolean>;
  seed: number;
  batches: number;
  /** Set to replay a failure: the `path` fast-check printed (the seed is fixed above). */
  path?: string;
  count: () => void;
};

const isRead = (m: string) => m === "GET" || m === "HEAD";

/** Replies per route and status, to show what the generators reached (printed by each file's last test). */
export const stats = new Map<string, Map<number, number>>();
function tally(route: string, status: number) {
  const per = stats.get(route) ?? new Map<number, number>();
  per.set(status, (per.get(status) ?? 0) + 1);
  stats.set(route, per);
}
export function statsTable(): string {
  return [...stats]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([route, per]) =>
        `${route.padEnd(60)} ${[...per]
          .sort(([a], [b]) => a - b)
          .map(([s, n]) => `${s}:${n}`)
          .join(" ")}`,
    )
    .join("\n");
}

/**
 * Runs `batches` generated batches of one case per lane, sent concurrently. After each
 * batch, one D1 read compares every lane's organization with the read before it: a lane
 * whose request was rejected (4xx) or was a read must be unchanged, and when no request
 * of the batch wrote, neither may the table-wide counts (nothing written anywhere else)
 * nor the frozen organizations.
 */
export async function fuzzBatches<C>(o: BatchOptions<C>): Promise<void> {
  const orgs = [...o.lanes.map((l) => l.org), ...(o.frozen ?? [])];
  let before: Snapshot | null = null;
  await fc.assert(
    fc.asyncProperty(fc.array(o.cases, { minLength: o.lanes.length, maxLength: o.lanes.length }), async (cases) => {
      try {
        before ??= await snapshot(orgs);
        const planned = cases.map((c, i) => o.plan(c, o.lanes[i]!));
        const replies = await Promise.all(
          planned.map(async (p) => {
            o.count();
            return send(p.req);
          }),
        );
        planned.forEach((p, i) => {
          if (o.label) tally(o.label(cases[i]!), replies[i]!.status);
          checkReply(p.face, p.req, replies[i]!);
          o.check?.(cases[i]!, p, replies[i]!);
        });
        const after = await snapshot(orgs);
        let anyWrite = false;
        const destroyed: Lane[] = [];
        planned.forEach((p, i) => {
          const r = replies[i]!;
          const lane = o.lanes[i]!;
          if (r.status >= 400 || isRead(p.req.method)) {
            const diff = changed(before!, after, lane.org);
            if (diff)
              throw new Error(`${r.status} but the organization's data changed (${diff}): ${describe(p.req)} → ${r.text.slice(0, 300)}`);
          } else {
            anyWrite = true;
            if (p.req.method === "DELETE" || /\/cancel(\?|$)/.test(p.req.path)) destroyed.push(lane);
          }
        });
        for (const f of o.frozen ?? []) {
          const diff = changed(before, after, f);
          if (diff)
            throw new Error(`a frozen organization changed (${diff}) in a batch of: ${planned.map((p) => describe(p.req)).join("\n")}`);
        }
        if (!anyWrite && before.global !== after.global) {
          throw new Error(
            `every request was rejected or a read, but the database changed (${before.global} → ${after.global}):\n${planned.map((p, i) => `${replies[i]!.status} ${describe(p.req)}`).join("\n")}`,
          );
        }
        before = after;
        if (destroyed.length > 0 && o.repair) {
          const repaired = await Promise.all(destroyed.map(o.repair));
          if (repaired.some(Boolean)) before = await snapshot(orgs);
        }
      } catch (e) {
        before = null; // a failed batch leaves unknown state: read it again before the next
        throw e;
      }
    }),
    { seed: o.seed, numRuns: o.batches, includeErrorInReport: true, ...(o.path !== undefined && { path: o.path }) },
  );
}

// ---------- credentials ----------

export type Cred =
  | "jwt"
  | "key"
  | "userkey"
  | "xapikey"
  | "admin"
  | "adminNoOrg"
  | "readonly"
  | "stranger"
  | "none"
  | "garbage"
  | "wrongScheme"
  | "expired"
  | "badSignature"
  | "algNone";

let expiredJwt = "";
let badSigJwt = "";
/** Tokens that must be refused: expired, signed with another secret, and alg "none". */
export async function prepareBadTokens(org: string) {
  expiredJwt = await jwt({ org, scope: "tasks:read tasks:write" }, { expiresIn: Math.floor(Date.now() / 1000) - 60 });
  badSigJwt = await jwt({ org, scope: "tasks:read tasks:write" }, { secret: "not-the-secret-not-the-secret-not-the-secret" });
}
const b64 = (o: unknown) => btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");

/** The headers that present `cred` in `lane` (the admin token names the lane's organization with X-Org-Id). */
export function credHeaders(cred: Cred, lane: Lane, stranger: { jwt: string }, garbage: string): Record<string, string> {
  switch (cred) {
    case "jwt":
      return { authorization: `Bearer ${lane.jwt}` };
    case "key":
      return { authorization: `Bearer ${lane.key}` };
    case "userkey":
      return { authorization: `UserKey ${lane.key}` };
    case "xapikey":
      return { "x-api-key": lane.key };
    case "admin":
      return { authorization: `Bearer ${ADMIN}`, "x-org-id": lane.org };
    case "adminNoOrg":
      return { authorization: `Bearer ${ADMIN}` };
    case "readonly":
      return { authorization: `Bearer ${lane.readKey}` };
    case "stranger":
      return { authorization: `Bearer ${stranger.jwt}` };
    case "none":
      return {};
    case "garbage":
      return { authorization: `Bearer ${garbage}` };
    case "wrongScheme":
      return { authorization: `Basic ${btoa(`${lane.org}:${garbage}`)}` };
    case "expired":
      return { authorization: `Bearer ${expiredJwt}` };
    case "badSignature":
      return { authorization: `Bearer ${badSigJwt}` };
    case "algNone":
      return { authorization: `Bearer ${b64({ alg: "none", typ: "JWT" })}.${b64({ org: lane.org, scope: "admin", exp: 4102444800 })}.` };
  }
}
