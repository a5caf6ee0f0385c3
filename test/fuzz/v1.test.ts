import { env } from "cloudflare:test";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { Route } from "./arbitraries";
import { cronExpr, junkRoute, rruleText, schedule, timezone } from "./arbitraries";
import type { Lane } from "./harness";
import { fuzzBatches, issueKey, makeLanes, makeStranger, must, prepareBadTokens, statsTable } from "./harness";
import { fuzzer } from "../helpers/fuzz";

// Property-based bad input on every route of /v1 (issue 6, "Bad input"): generated
// bodies, content types, credentials, headers, query strings and path ids. For every
// case: no 5xx and no stack trace; every 4xx is {error: {code, message, details?,
// request_id}} with a documented status; and a rejected request (or a read) leaves its
// organization's rows in D1 exactly as they were.
//
// Each batch sends one case per lane (LANES organizations, concurrently) and reads D1
// once after it: a lane whose request was rejected, or was a read, must be unchanged;
// when no request of the batch wrote, neither may the table-wide counts nor a stranger
// organization (harness.ts, fuzzBatches). Seeds are fixed: every run sends the same
// generated requests (the service's ids and clock differ). On a failure fast-check prints
// the seed, the `path` of the failing batch and the counterexample, and the error names
// the exact request (method, path, headers, body). To replay: pass that `path` as the
// last argument of the test's `fuzz(…)` call, or send the printed request with curl.

const LANES = 24;
const HOOK = "https://example.com/hook";
const SCHEDULE = { kind: "cron", expression: "*/5 * * * *", timezone: "UTC", dst: { gap: "shift", repeat: "auto" } };
const TASK = {
  name: "fuzz-create",
  description: "made by the fuzzer",
  project_id: "fzp",
  agent_id: null,
  type: "http",
  parameters: { url: HOOK, method: "POST", headers: { "x-a": "1" }, body: { a: 1 }, expected_status: [200, 202] },
  schedule: SCHEDULE,
  enabled: true,
  retry: { max_retries: 3, delay_seconds: 60, backoff: "exponential_jitter", max_delay_seconds: 3600 },
  timeout_seconds: 300,
  priority: 5,
  dedupe_key: null,
  dedupe_window_seconds: null,
  concurrency_key: null,
  concurrency_limit: 1,
  overlap_policy: "skip",
  catchup: "latest",
  catchup_window_seconds: 3600,
  on_success_url: null,
  on_failure_url: null,
};
/** Values besides `weird` for keys of the templates: the schedule generators and near-valid values. */
const SPECIAL = {
  schedule,
  expression: cronExpr,
  rule: rruleText,
  timezone,
  type: fc.constantFrom("http", "health_check", "backup", "custom_script", "container_update", "agent_task", "workflow", "HTTP", "shell"),
  url: fc.constantFrom(
    HOOK,
    "http://localhost/x",
    "http://127.0.0.1/",
    "http://[::1]/",
    "http://169.254.169.254/",
    "ftp://x",
    "https://",
    "https://exa mple.com",
  ),
  project_id: fc.constantFrom("fzp", "nope", ""),
  overlap_policy: fc.constantFrom("skip", "buffer_one", "buffer_all", "cancel_other", "allow_all", "allow"),
  backoff: fc.constantFrom("fixed", "linear", "exponential_jitter", "exponential"),
  until: fc.constantFrom("2099-01-01T00:00:00Z", "2020-01-01T00:00:00Z", "tomorrow", "2099-01-01T00:00:00"),
  start: fc.constantFrom("2026-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "2099-01-01T00:00:00Z", "2026-01-01"),
  end: fc.constantFrom("2026-01-01T00:10:00Z", "1969-12-31T00:00:00Z", "2099-01-01T00:00:00Z"),
  after: fc.constantFrom("2026-03-08T00:00:00Z", "1970-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-02-30T00:00:00Z", "yesterday"),
  count: fc.integer({ min: -2, max: 1002 }),
  scopes: fc.array(fc.constantFrom("tasks:read", "tasks:write", "runner", "admin", "root"), { maxLength: 5 }),
  org: fc.constantFrom("@ORG@", "", "a".repeat(101), "bad org", "-x"),
} satisfies Record<string, fc.Arbitrary<unknown>>;

const TASK_IDS = ["task", "eventTask"] as const;
const RUN = ["run"] as const;
const PAGE = { limit: ["1", "50", "200"], offset: ["0", "3", "1000000"] };
const RUN_STATUSES = ["queued", "running", "succeeded", "failed", "timed_out", "canceled", "skipped"];
const verb = (path: string, body: Record<string, unknown> | null): Route => ({
  face: "v1",
  method: "POST",
  path: `/v1/tasks/{id}/${path}`,
  ids: { id: TASK_IDS },
  body,
  special: SPECIAL,
});
const junk = (base: string, ids: readonly string[]) => junkRoute("v1", base, { id: ids });

/** Runner claims long-poll up to `wait_seconds` (default 25): a valid claim is sent with 0 so it answers at once. */
function noLongPoll(raw: string): string {
  try {
    const o = JSON.parse(raw);
    if (o && typeof o === "object" && !Array.isArray(o)) {
      const w = o.wait_seconds;
      if (w === undefined || (Number.isInteger(w) && w > 0 && w <= 25)) return JSON.stringify({ ...o, wait_seconds: 0 });
    }
  } catch {
    /* not JSON: sent as is */
  }
  return raw;
}

const TASK_ROUTES: Route[] = [
  { face: "v1", method: "POST", path: "/v1/tasks", body: TASK, special: SPECIAL },
  {
    face: "v1",
    method: "GET",
    path: "/v1/tasks",
    query: {
      status: ["active", "paused", "canceled", "completed"],
      type: ["http", "workflow"],
      enabled: ["true", "false"],
      project_id: ["fzp"],
      agent_id: ["a"],
      schedule_kind: ["cron", "rrule", "once", "delayed", "event"],
      created_by: ["x"],
      q: ["fuzz", "%", "_"],
      ...PAGE,
    },
  },
  { face: "v1", method: "GET", path: "/v1/tasks/{id}", ids: { id: TASK_IDS } },
  { face: "v1", method: "PUT", path: "/v1/tasks/{id}", ids: { id: TASK_IDS }, body: { ...TASK, name: "fuzz-put" }, special: SPECIAL },
  {
    face: "v1",
    method: "PATCH",
    path: "/v1/tasks/{id}",
    ids: { id: TASK_IDS },
    body: { description: "d", priority: 3, schedule: SCHEDULE, retry: { max_retries: 2 }, parameters: { url: HOOK } },
    special: SPECIAL,
  },
  { face: "v1", method: "DELETE", path: "/v1/tasks/{id}", ids: { id: TASK_IDS } },
  verb("run", { input: { a: 1 } }),
  verb("toggle", { enabled: false }),
  verb("pause", null),
  verb("resume", null),
  verb("snooze", { delay_seconds: 60, reason: "r" }),
  verb("skip", { count: 1 }),
  verb("backfill", { start: "2026-01-01T00:00:00Z", end: "2026-01-01T00:10:00Z", overlap_policy: "allow_all" }),
  verb("cancel", null),
  { face: "v1", method: "GET", path: "/v1/tasks/{id}/runs", ids: { id: TASK_IDS }, query: { status: RUN_STATUSES, ...PAGE } },
  junk("/v1/tasks/{id}", TASK_IDS),
];

const RUN_ROUTES: Route[] = [
  {
    face: "v1",
    method: "GET",
    path: "/v1/runs",
    query: {
      status: RUN_STATUSES,
      final: ["true", "false"],
      task_id: ["x"],
      trigger: ["schedule", "manual", "retry", "event", "backfill"],
      ...PAGE,
    },
  },
  { face: "v1", method: "GET", path: "/v1/runs/{id}", ids: { id: RUN } },
  { face: "v1", method: "POST", path: "/v1/runs/{id}/retry", ids: { id: RUN }, body: null },
  { face: "v1", method: "GET", path: "/v1/runs/{id}/artifacts", ids: { id: RUN } },
  { face: "v1", method: "GET", path: "/v1/runs/{id}/artifacts/{target}", ids: { id: RUN } },
  {
    face: "v1",
    method: "POST",
    path: "/v1/runners/claim",
    body: { runner_id: "fz-runner", types: ["custom_script", "container_update"], labels: { project: "fzp" }, wait_seconds: 0 },
    special: SPECIAL,
    fix: noLongPoll,
  },
  {
    face: "v1",
    method: "POST",
    path: "/v1/runs/{id}/heartbeat",
    ids: { id: RUN },
    body: { runner_id: "fz-runner", stdout_tail: "out", stderr_tail: "" },
  },
  {
    face: "v1",
    method: "POST",
    path: "/v1/runs/{id}/complete",
    ids: { id: RUN },
    body: { runner_id: "fz-runner", status: "succeeded", exit_code: 0, stdout_tail: "", stderr_tail: "", result: { ok: true } },
  },
  junk("/v1/runs/{id}", RUN),
];

const MISC_ROUTES: Route[] = [
  { face: "v1", method: "POST", path: "/v1/events", body: { name: "fuzz-event", payload: { a: 1 } }, special: SPECIAL },
  {
    face: "v1",
    method: "POST",
    path: "/v1/schedules/preview",
    body: { schedule: SCHEDULE, count: 3, after: "2026-01-01T00:00:00Z" },
    special: SPECIAL,
  },
  { face: "v1", method: "POST", path: "/v1/auth/token", body: null },
  {
    face: "v1",
    method: "POST",
    path: "/v1/projects",
    body: { id: "fzp-new", name: "Fuzz", url: "https://example.com/" },
    special: SPECIAL,
  },
  { face: "v1", method: "GET", path: "/v1/projects" },
  { face: "v1", method: "GET", path: "/v1/projects/{id}", ids: { id: ["project"] } },
  {
    face: "v1",
    method: "PATCH",
    path: "/v1/projects/{id}",
    ids: { id: ["project"] },
    body: { name: "renamed", url: null },
    special: SPECIAL,
  },
  { face: "v1", method: "DELETE", path: "/v1/projects/{id}", ids: { id: ["project"] } },
  junk("/v1", []),
];

const ADMIN_ROUTES: Route[] = [
  {
    face: "v1",
    method: "POST",
    path: "/v1/api-keys",
    body: { name: "fuzz-key", org: "@ORG@", scopes: ["tasks:read"], project_id: null },
    special: SPECIAL,
    cred: "admin",
  },
  { face: "v1", method: "GET", path: "/v1/api-keys", query: { org: ["@ORG@", "nobody"] }, cred: "admin" },
  { face: "v1", method: "DELETE", path: "/v1/api-keys/{id}", ids: { id: ["spareKey"] }, cred: "admin" },
  { face: "v1", method: "GET", path: "/v1/signing-secrets", cred: "admin" },
  { face: "v1", method: "POST", path: "/v1/signing-secrets/rotate", body: { complete: true }, cred: "admin" },
  junkRoute("v1", "/v1/api-keys/{id}", { id: ["spareKey"] }, "admin"),
];

/** Cases across the file: the last test checks the file's share of the 10,000. */
let generated = 0;
const MIN_CASES = 5_000;

let lanes: Lane[] = [];
let stranger: { org: string; jwt: string };
const auth = (lane: Lane) => ({ authorization: `Bearer ${lane.jwt}` });

let made = 0;
async function seedTask(lane: Lane, over: Record<string, unknown> = {}): Promise<string> {
  const t = await must("POST", "/v1/tasks", auth(lane), {
    name: `fuzz-seeded-${lane.i}-${made++}`,
    type: "http",
    parameters: { url: HOOK },
    schedule: SCHEDULE,
    ...over,
  });
  return t.id;
}

async function seed(lane: Lane) {
  await must("POST", "/v1/projects", auth(lane), { id: "fzp", name: "Fuzz project", url: "https://example.com/" });
  lane.refs.project = "fzp";
  lane.refs.task = await seedTask(lane);
  lane.refs.eventTask = await seedTask(lane, { schedule: { kind: "event", event: "fuzz-event" } });
  lane.refs.run = (await must("POST", `/v1/tasks/${lane.refs.task}/run`, auth(lane))).id;
  lane.refs.spareKey = (await issueKey(lane.org, ["tasks:read"], "spare")).id;
}

/** Puts back what a successful write deleted or ended: the seeded tasks, the project, the spare key. */
async function repair(lane: Lane): Promise<boolean> {
  const ids = [lane.refs.task!, lane.refs.eventTask!];
  const [tasks, project, key] = await env.DB.batch([
    env.DB.prepare("SELECT id, status, deleted_at FROM tasks WHERE id IN (?, ?)").bind(...ids),
    env.DB.prepare("SELECT id FROM projects WHERE org_id = ? AND id = 'fzp'").bind(lane.org),
    env.DB.prepare("SELECT revoked_at FROM api_keys WHERE id = ?").bind(lane.refs.spareKey!),
  ]);
  let wrote = false;
  if (project!.results.length === 0) {
    await must("POST", "/v1/projects", auth(lane), { id: "fzp", name: "Fuzz project", url: "https://example.com/" });
    wrote = true;
  }
  const alive = new Set(
    (tasks!.results as { id: string; status: string; deleted_at: number | null }[])
      .filter((t) => t.deleted_at === null && (t.status === "active" || t.status === "paused"))
      .map((t) => t.id),
  );
  if (!alive.has(lane.refs.task!)) {
    lane.refs.task = await seedTask(lane);
    lane.refs.run = (await must("POST", `/v1/tasks/${lane.refs.task}/run`, auth(lane))).id;
    wrote = true;
  }
  if (!alive.has(lane.refs.eventTask!)) {
    lane.refs.eventTask = await seedTask(lane, { schedule: { kind: "event", event: "fuzz-event" } });
    wrote = true;
  }
  if ((key!.results[0] as { revoked_at: number | null } | undefined)?.revoked_at !== null) {
    lane.refs.spareKey = (await issueKey(lane.org, ["tasks:read"], "spare")).id;
    wrote = true;
  }
  return wrote;
}

const fuzz = fuzzer({ lanes: () => lanes, laneCount: LANES, stranger: () => stranger, repair, count: () => generated++ });

describe("fuzz /v1: generated requests on every route", () => {
  beforeAll(async () => {
    lanes = await makeLanes("v1", LANES, seed);
    stranger = await makeStranger("v1");
    await prepareBadTokens(lanes[0]!.org);
  }, 60_000);

  it("task routes (create, list, read, replace, patch, delete, every verb, a task's runs): no 5xx, the /v1 error shape, nothing written on a 4xx", {
    timeout: 120_000,
  }, async () => {
    await fuzz(TASK_ROUTES, 60601, 2_400);
  });

  it("runs, runners and artifacts routes: no 5xx, the /v1 error shape, nothing written on a 4xx", { timeout: 120_000 }, async () => {
    await fuzz(RUN_ROUTES, 60602, 900);
  });

  it("events, schedule preview, token exchange and projects routes: no 5xx, the /v1 error shape, nothing written on a 4xx", {
    timeout: 120_000,
  }, async () => {
    await fuzz(MISC_ROUTES, 60603, 900);
  });

  it("admin-token routes (API keys, signing secrets): no 5xx, the /v1 error shape, nothing written on a 4xx", {
    timeout: 120_000,
  }, async () => {
    await fuzz(ADMIN_ROUTES, 60604, 840);
  });

  it(`sent at least ${MIN_CASES} generated requests to /v1`, () => {
    console.log(`${generated} generated requests; replies per route and status:\n${statsTable()}`);
    expect(generated).toBeGreaterThanOrEqual(MIN_CASES);
  });
});

describe("the fuzz checks catch what they claim to (negative controls)", () => {
  it("a rejected request that changes its organization's rows fails the property", async () => {
    const [lane] = await makeLanes("neg", 1, async () => {});
    const err = await fuzzBatches({
      lanes: [lane!],
      cases: fc.constant(1),
      plan: (_c, l) => {
        // A write in the lane's organization while its (rejected) request is in flight.
        void env.DB.prepare("UPDATE organizations SET next_signing_secret = 'x' WHERE id = ?").bind(l.org).run();
        return { face: "v1", req: { method: "GET", path: "/v1/tasks/nope", headers: { authorization: `Bearer ${l.jwt}` } } };
      },
      seed: 1,
      batches: 1,
      count: () => {},
    }).catch((e: unknown) => e);
    expect(String(err)).toMatch(/404 but the organization's data changed \(table organizations changed/);
  });

  it("an error in another face's shape fails the property", async () => {
    const [lane] = await makeLanes("neg2", 1, async () => {});
    const err = await fuzzBatches({
      lanes: [lane!],
      cases: fc.constant(1),
      plan: (_c, l) => ({ face: "kubiya", req: { method: "GET", path: "/v1/tasks/nope", headers: { authorization: `Bearer ${l.jwt}` } } }),
      seed: 1,
      batches: 1,
      count: () => {},
    }).catch((e: unknown) => e);
    expect(String(err)).toMatch(/wrong kubiya error shape/);
  });
});
