import { env } from "cloudflare:test";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { Route } from "./arbitraries";
import { cronExpr, junkRoute, timezone } from "./arbitraries";
import type { Lane } from "./harness";
import { makeLanes, makeStranger, must, prepareBadTokens, statsTable } from "./harness";
import { fuzzer } from "../helpers/fuzz";

// Property-based bad input on every route of the five dialects (issue 6, "Bad input"):
// generated bodies, content types, credentials, headers, query strings and path ids
// (ids of the face's own records, of other faces' records, and made-up ones). For
// every case: no 5xx and no stack trace; every 4xx in the dialect's own documented
// error shape and statuses (README, each dialect's section; src/api/dialects/*); and a
// rejected request (or a read) leaves its organization's rows in D1 exactly as they were.
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

const NS = {
  name: "ns-fuzz",
  description: "d",
  task_type: "health_check",
  cron_expression: "*/5 * * * *",
  timezone: "UTC",
  enabled: true,
  parameters: { targets: [{ name: "a", url: "https://a.example.net/health" }] },
  max_retries: 2,
  retry_delay_seconds: 30,
  timeout_seconds: 60,
};
const NS_AGENT = {
  name: "ns-agent-fuzz",
  prompt: "Review the backups",
  cron_expression: "0 9 * * 1",
  timezone: "America/Chicago",
  enabled: true,
  max_retries: 1,
};
const PLATFORM = {
  name: "pf-fuzz",
  enabled: true,
  type: "health-check",
  projectId: "production",
  cronExpression: "0 5 * * 0",
  timezone: "UTC",
  healthCheckConfig: { checkContainers: true, checkConnectivity: true, alertOnFailure: true },
};
const FLOW = {
  title: "flow-fuzz",
  description: "d",
  schedule_kind: "cron",
  schedule_expr: "0 2 * * *",
  timezone: "Europe/Chisinau",
  payload: { a: 1 },
  created_by: "5f0c7a0e-2b1d-4c3e-9f8a-1b2c3d4e5f60",
  priority: 2,
  max_retries: 5,
  backoff_strategy: "linear",
  dedupe_key: null,
  dedupe_window_seconds: null,
  concurrency_key: null,
};
const KUBIYA = {
  task_description: "Post the on-call summary",
  selected_agent: "devops-agent",
  selected_agent_name: "DevOps",
  channel_id: "C1",
  channel_name: "ops",
  cron_string: "0 9 * * MON-FRI",
  schedule_time: null,
  task_type: "prompt",
  user_email: "a@example.com",
  parameters: { context: { a: 1 } },
};
const AGENTS = {
  name: "Daily Report",
  type: "cron",
  cron_expression: "0 9 * * *",
  timezone: "UTC",
  callback_type: "workflow",
  callback_id: "workflow-456",
  status: "active",
};

/** Values besides `weird` for keys of the templates. */
const SPECIAL = {
  cron_expression: cronExpr,
  cronExpression: cronExpr,
  cron_string: cronExpr,
  schedule_expr: cronExpr,
  timezone,
  task_type: fc.constantFrom("backup", "health_check", "custom_script", "agent_task", "http", "BACKUP"),
  type: fc.constantFrom("health-check", "backup", "container-update", "custom", "once", "delayed", "cron", "rrule"),
  schedule_kind: fc.constantFrom("cron", "rrule", "once", "event", "delayed"),
  projectId: fc.constantFrom("production", "nope", ""),
  created_by: fc.constantFrom("5f0c7a0e-2b1d-4c3e-9f8a-1b2c3d4e5f60", "not-a-uuid", "00000000-0000-0000-0000-000000000000"),
  next_run: fc.constantFrom("2099-01-01T00:00:00Z", "2024-12-20T15:00:00Z", "2099-01-01T00:00:00", "soon"),
  schedule_time: fc.constantFrom("2099-01-01T00:00:00", "2020-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "2099-02-30T00:00:00"),
  delay_seconds: fc.integer({ min: -1, max: 31_536_001 }),
  status: fc.constantFrom("active", "paused", "completed", "canceled"),
} satisfies Record<string, fc.Arbitrary<unknown>>;

/** Every lane's records of every face (each face's ids are tried on the others too). */
const ALL = ["ns", "nsAgent", "platform", "flow", "kubiya", "agentSched", "v1Task"] as const;
const PAGE = { limit: ["1", "50", "200", "1000"], offset: ["0", "3"] };

function netstacks(base: string, template: Record<string, unknown>, own: string): Route[] {
  const ids = { id: [own, ...ALL] };
  return [
    { face: "netstacks", method: "POST", path: base, body: template, special: SPECIAL },
    {
      face: "netstacks",
      method: "GET",
      path: base,
      query: { task_type: ["backup", "health_check", "custom_script", "agent_task"], enabled: ["true", "false"], ...PAGE },
    },
    { face: "netstacks", method: "GET", path: `${base}/{id}`, ids },
    { face: "netstacks", method: "PUT", path: `${base}/{id}`, ids, body: { ...template, name: `${template.name}-put` }, special: SPECIAL },
    { face: "netstacks", method: "DELETE", path: `${base}/{id}`, ids },
    { face: "netstacks", method: "POST", path: `${base}/{id}/run`, ids, body: null },
    { face: "netstacks", method: "POST", path: `${base}/{id}/toggle`, ids, body: { enabled: false } },
    junkRoute("netstacks", `${base}/{id}`, { id: [own] }),
  ];
}
const NETSTACKS_ROUTES = [...netstacks("/api/tasks/schedules", NS, "ns"), ...netstacks("/api/tasks/agent-schedules", NS_AGENT, "nsAgent")];

// POST /api/v1/tasks/{id}/run waits for the run to finish (up to 60 s; no queue consumer
// runs in tests), so it gets made-up ids and ids of tasks this face cannot show (404):
// never a platform task's, nor a NetStacks one's (health checks on cron are platform tasks too).
const PF_IDS = { id: ["platform", ...ALL] };
const PLATFORM_ROUTES: Route[] = [
  {
    face: "platform",
    method: "GET",
    path: "/api/v1/tasks",
    query: {
      projectId: ["production", "nope"],
      type: ["health-check", "backup", "container-update", "custom"],
      enabled: ["true", "false"],
    },
  },
  { face: "platform", method: "POST", path: "/api/v1/tasks", body: PLATFORM, special: SPECIAL },
  { face: "platform", method: "GET", path: "/api/v1/tasks/{id}", ids: PF_IDS },
  { face: "platform", method: "PUT", path: "/api/v1/tasks/{id}", ids: PF_IDS, body: { ...PLATFORM, name: "pf-put" }, special: SPECIAL },
  { face: "platform", method: "DELETE", path: "/api/v1/tasks/{id}", ids: PF_IDS },
  { face: "platform", method: "POST", path: "/api/v1/tasks/{id}/run", ids: { id: ["flow", "kubiya", "nsAgent", "v1Task"] }, body: null },
  junkRoute("platform", "/api/v1/tasks/{id}", { id: ["platform"] }),
];

const FLOW_IDS = { id: ["flow", ...ALL] };
const AGENTFLOW_ROUTES: Route[] = [
  { face: "agentflow", method: "POST", path: "/tasks", body: FLOW, special: SPECIAL },
  {
    face: "agentflow",
    method: "GET",
    path: "/tasks",
    query: {
      status: ["active", "paused", "canceled", "completed"],
      created_by: ["5f0c7a0e-2b1d-4c3e-9f8a-1b2c3d4e5f60"],
      schedule_kind: ["cron", "rrule", "once", "event"],
      ...PAGE,
    },
  },
  { face: "agentflow", method: "GET", path: "/tasks/{id}", ids: FLOW_IDS },
  {
    face: "agentflow",
    method: "PUT",
    path: "/tasks/{id}",
    ids: FLOW_IDS,
    body: { title: "flow-put", schedule_kind: "rrule", schedule_expr: "FREQ=DAILY;BYHOUR=9;BYMINUTE=0", priority: 1 },
    special: SPECIAL,
  },
  { face: "agentflow", method: "POST", path: "/tasks/{id}/run_now", ids: FLOW_IDS, body: null },
  {
    face: "agentflow",
    method: "POST",
    path: "/tasks/{id}/snooze",
    ids: FLOW_IDS,
    body: { delay_seconds: 60, reason: "r" },
    special: SPECIAL,
  },
  { face: "agentflow", method: "POST", path: "/tasks/{id}/pause", ids: FLOW_IDS, body: null },
  { face: "agentflow", method: "POST", path: "/tasks/{id}/resume", ids: FLOW_IDS, body: null },
  { face: "agentflow", method: "POST", path: "/tasks/{id}/cancel", ids: FLOW_IDS, body: null },
  junkRoute("agentflow", "/tasks/{id}", { id: ["flow"] }),
];

const KUBIYA_IDS = { taskId: ["kubiya", ...ALL] };
const KUBIYA_ROUTES: Route[] = [
  { face: "kubiya", method: "GET", path: "/api/v1/scheduled_tasks", query: { limit: ["1", "1000"], offset: ["0", "2"] }, cred: "userkey" },
  { face: "kubiya", method: "POST", path: "/api/v1/scheduled_tasks", body: KUBIYA, special: SPECIAL, cred: "userkey" },
  { face: "kubiya", method: "GET", path: "/api/v1/scheduled_tasks/{taskId}", ids: KUBIYA_IDS, cred: "userkey" },
  {
    face: "kubiya",
    method: "PUT",
    path: "/api/v1/scheduled_tasks/{taskId}",
    ids: KUBIYA_IDS,
    body: { task_description: "changed", cron_string: "0 10 * * *" },
    special: SPECIAL,
    cred: "userkey",
  },
  { face: "kubiya", method: "DELETE", path: "/api/v1/scheduled_tasks/{taskId}", ids: KUBIYA_IDS, cred: "userkey" },
  junkRoute("kubiya", "/api/v1/scheduled_tasks/{taskId}", KUBIYA_IDS, "userkey"),
];

const AGENT = { agent: ["agentName"] };
const AGENT_IDS = { ...AGENT, scheduleId: ["agentSched", ...ALL] };
const AGENTS_ROUTES: Route[] = [
  {
    face: "agents",
    method: "GET",
    path: "/api/agents/{agent}/schedules",
    ids: AGENT,
    query: { status: ["active", "paused", "completed"], type: ["once", "delayed", "cron"] },
  },
  { face: "agents", method: "POST", path: "/api/agents/{agent}/schedules", ids: AGENT, body: AGENTS, special: SPECIAL },
  { face: "agents", method: "GET", path: "/api/agents/{agent}/schedules/{scheduleId}", ids: AGENT_IDS },
  {
    face: "agents",
    method: "PUT",
    path: "/api/agents/{agent}/schedules/{scheduleId}",
    ids: AGENT_IDS,
    body: { name: "Renamed", type: "delayed", delay_seconds: 3600, status: "paused" },
    special: SPECIAL,
  },
  { face: "agents", method: "DELETE", path: "/api/agents/{agent}/schedules/{scheduleId}", ids: AGENT_IDS },
  junkRoute("agents", "/api/agents/{agent}/schedules/{scheduleId}", AGENT_IDS),
];

/** Cases across the file: the last test checks the file's share of the 10,000. */
let generated = 0;
const MIN_CASES = 4_000;

let lanes: Lane[] = [];
let stranger: { org: string; jwt: string };
const auth = (lane: Lane) => ({ authorization: `Bearer ${lane.jwt}` });
let made = 0;
const unique = (lane: Lane, what: string) => `${what}-${lane.i}-${made++}`;

/** Creates one record of `ref` in the lane through its own face and returns its id. */
async function create(lane: Lane, ref: string): Promise<string> {
  const h = auth(lane);
  switch (ref) {
    case "ns":
      return (await must("POST", "/api/tasks/schedules", h, { ...NS, name: unique(lane, "ns") })).id;
    case "nsAgent":
      return (await must("POST", "/api/tasks/agent-schedules", h, { ...NS_AGENT, name: unique(lane, "ns-agent") })).id;
    case "platform":
      return (await must("POST", "/api/v1/tasks", h, { ...PLATFORM, name: unique(lane, "pf") })).task.id;
    case "flow":
      return (await must("POST", "/tasks", h, { ...FLOW, title: unique(lane, "flow") })).id;
    case "kubiya":
      return (await must("POST", "/api/v1/scheduled_tasks", { authorization: `UserKey ${lane.key}` }, KUBIYA)).task_id;
    case "agentSched":
      return (await must("POST", `/api/agents/${lane.refs.agentName}/schedules`, h, AGENTS)).id;
    case "v1Task":
      return (
        await must("POST", "/v1/tasks", h, {
          name: unique(lane, "v1"),
          type: "http",
          parameters: { url: "https://example.com/hook" },
          schedule: { kind: "cron", expression: "0 3 * * *", timezone: "UTC" },
        })
      ).id;
  }
  throw new Error(`unknown ref ${ref}`);
}

async function seed(lane: Lane) {
  lane.refs.agentName = `agent-${lane.i}`;
  await must("POST", "/v1/projects", auth(lane), { id: "production", name: "Production", url: "https://production.example.com/health" });
  for (const ref of ALL) lane.refs[ref] = await create(lane, ref);
}

/** Puts back what a successful write deleted or ended (each seeded record, and the project). */
async function repair(lane: Lane): Promise<boolean> {
  const ids = ALL.map((r) => lane.refs[r]!);
  const [tasks, project] = await env.DB.batch([
    env.DB.prepare(`SELECT id, status, deleted_at FROM tasks WHERE id IN (${ids.map(() => "?").join(",")})`).bind(...ids),
    env.DB.prepare("SELECT id FROM projects WHERE org_id = ? AND id = 'production'").bind(lane.org),
  ]);
  let wrote = false;
  if (project!.results.length === 0) {
    await must("POST", "/v1/projects", auth(lane), { id: "production", name: "Production", url: "https://production.example.com/health" });
    wrote = true;
  }
  const alive = new Set(
    (tasks!.results as { id: string; status: string; deleted_at: number | null }[])
      .filter((t) => t.deleted_at === null && (t.status === "active" || t.status === "paused"))
      .map((t) => t.id),
  );
  for (const ref of ALL) {
    if (alive.has(lane.refs[ref]!)) continue;
    lane.refs[ref] = await create(lane, ref);
    wrote = true;
  }
  return wrote;
}

const fuzz = fuzzer({ lanes: () => lanes, laneCount: LANES, stranger: () => stranger, repair, count: () => generated++ });

const CLAIM = "no 5xx, the dialect's error shape and statuses, nothing written on a 4xx";

describe("fuzz the five dialects: generated requests on every route", () => {
  beforeAll(async () => {
    lanes = await makeLanes("dialects", LANES, seed);
    stranger = await makeStranger("dialects");
    await prepareBadTokens(lanes[0]!.org);
  }, 60_000);

  it(`000 NetStacks (/api/tasks/schedules, /api/tasks/agent-schedules): ${CLAIM}`, { timeout: 120_000 }, async () => {
    await fuzz(NETSTACKS_ROUTES, 60611, 1_200);
  });

  it(`001 container platform (/api/v1/tasks): ${CLAIM}`, { timeout: 120_000 }, async () => {
    await fuzz(PLATFORM_ROUTES, 60612, 720);
  });

  it(`002 agent workflow platform (/tasks): ${CLAIM}`, { timeout: 120_000 }, async () => {
    await fuzz(AGENTFLOW_ROUTES, 60613, 840);
  });

  it(`003 Kubiya (/api/v1/scheduled_tasks): ${CLAIM}`, { timeout: 120_000 }, async () => {
    await fuzz(KUBIYA_ROUTES, 60614, 600);
  });

  it(`004 agent schedules (/api/agents/{id}/schedules): ${CLAIM}`, { timeout: 120_000 }, async () => {
    await fuzz(AGENTS_ROUTES, 60615, 660);
  });

  it(`sent at least ${MIN_CASES} generated requests to the dialects`, () => {
    console.log(`${generated} generated requests; replies per route and status:\n${statsTable()}`);
    expect(generated).toBeGreaterThanOrEqual(MIN_CASES);
  });
});
