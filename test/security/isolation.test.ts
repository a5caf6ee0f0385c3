import { afterEach, describe, expect, it, vi } from "vitest";
import { ADMIN, apiKey, call, newOrg } from "../helpers/api";
import { captureQueue } from "../helpers/engine";

// Tenant isolation on every route and dialect (issue 6, "Security"): with two
// organizations, every route of the OpenAPI document that takes an id is tried by B
// with each of A's ids, and B's lists, filters and events are tried with A's values.
// B sees nothing of A (4xx or an empty list, and none of A's names) and changes nothing
// (A's view of its tasks, runs and projects is identical afterwards).

afterEach(() => vi.restoreAllMocks());

const CRON = { kind: "cron", expression: "0 3 * * *", timezone: "UTC" };
const UUID_A = "6b1f1c1e-1111-4a4a-8a8a-aaaaaaaaaaaa";

/** Org A: a project, one task per face, a run, an event-driven task. Returns what B will try. */
async function orgA() {
  const org = newOrg();
  const key = await apiKey(org, ["tasks:read", "tasks:write"]);
  const ok = async (m: string, p: string, body: unknown, want = [200, 201]) => {
    const r = await call(m, p, { token: key, body });
    expect(want, `${m} ${p}: ${r.status} ${JSON.stringify(r.body)}`).toContain(r.status);
    return r.body;
  };
  await ok("POST", "/v1/projects", { id: "proj-a", name: "Alpha secret project", url: "https://alpha.example.com" });
  const v1 = await ok("POST", "/v1/tasks", {
    name: "alpha-v1-secret",
    type: "http",
    parameters: { url: "https://alpha.example.com/hook" },
    schedule: CRON,
    project_id: "proj-a",
  });
  const event = await ok("POST", "/v1/tasks", {
    name: "alpha-event-secret",
    type: "http",
    parameters: { url: "https://alpha.example.com/ev" },
    schedule: { kind: "event", event: "alpha-deploy" },
  });
  const ns = await ok("POST", "/api/tasks/schedules", {
    name: "alpha-ns-secret",
    task_type: "health_check",
    cron_expression: "0 3 * * *",
    timezone: "UTC",
    parameters: { targets: [{ url: "https://alpha.example.com/h" }] },
  });
  const nsAgent = await ok("POST", "/api/tasks/agent-schedules", {
    name: "alpha-agent-secret",
    prompt: "alpha prompt",
    cron_expression: "0 3 * * *",
    timezone: "UTC",
  });
  const platform = (
    await ok("POST", "/api/v1/tasks", {
      name: "alpha-platform-secret",
      type: "custom",
      projectId: "proj-a",
      cronExpression: "0 3 * * *",
      customConfig: { command: "true" },
    })
  ).task;
  const flow = await ok("POST", "/tasks", {
    title: "alpha-flow-secret",
    description: "alpha flow",
    schedule_kind: "cron",
    schedule_expr: "0 3 * * *",
    created_by: UUID_A,
    payload: { steps: [] },
  });
  const kubiya = await ok("POST", "/api/v1/scheduled_tasks", {
    task_description: "alpha-kubiya-secret",
    selected_agent: "alpha-agent",
    channel_id: "C-ALPHA",
    schedule_time: "2030-01-01T00:00:00Z",
    cron_string: "0 3 * * *",
  });
  const sched = await ok("POST", "/api/agents/agent-alpha/schedules", {
    name: "alpha-sched-secret",
    type: "cron",
    cron_expression: "0 3 * * *",
    callback_type: "workflow",
    callback_id: "alpha-wf",
  });
  const run = await ok("POST", `/v1/tasks/${v1.id}/run`, undefined, [202]);
  const ids = {
    task: [v1.id, event.id, ns.id, nsAgent.id, platform.id, flow.id, kubiya.task_uuid ?? kubiya.task_id, sched.id].map(String),
    run: String(run.id),
    project: "proj-a",
    schedule: String(sched.id),
  };
  const names = [
    "alpha-v1-secret",
    "alpha-event-secret",
    "alpha-ns-secret",
    "alpha-agent-secret",
    "alpha-platform-secret",
    "alpha-flow-secret",
    "alpha-kubiya-secret",
    "Alpha secret project",
    "alpha prompt",
    "alpha-sched-secret",
  ];
  return { org, key, ids, names, v1: String(v1.id), event: String(event.id) };
}

/** What A sees of its own data: must be identical before and after B's attempts. */
async function viewOf(key: string, a: { ids: { task: string[] }; v1: string; event: string }) {
  const parts: unknown[] = [];
  for (const p of ["/v1/tasks?limit=200", "/v1/runs?limit=200", "/v1/projects", `/v1/tasks/${a.v1}/runs`, `/v1/tasks/${a.event}/runs`])
    parts.push((await call("GET", p, { token: key })).body);
  for (const id of a.ids.task) parts.push((await call("GET", `/v1/tasks/${id}`, { token: key })).body);
  return JSON.stringify(parts);
}

/** A plausible body for each route, so the request reaches the organization check instead of failing validation. */
function bodyFor(method: string, path: string): unknown {
  if (method === "GET" || method === "DELETE") return undefined;
  if (path.startsWith("/v1/tasks/")) {
    if (method === "PUT") return { name: "hijack", type: "http", parameters: { url: "https://b.example.com" }, schedule: CRON };
    if (method === "PATCH") return { description: "hijack" };
    if (path.endsWith("/toggle")) return { enabled: false };
    if (path.endsWith("/snooze")) return { delay_seconds: 60 };
    if (path.endsWith("/skip")) return { count: 1 };
    if (path.endsWith("/backfill")) return { start: "2026-01-01T00:00:00Z", end: "2026-01-01T01:00:00Z" };
    return undefined;
  }
  if (path.startsWith("/v1/projects/")) return { name: "hijack" };
  if (path.endsWith("/heartbeat")) return { runner_id: "b-runner" };
  if (path.endsWith("/complete")) return { runner_id: "b-runner", status: "succeeded", exit_code: 0 };
  if (path.startsWith("/api/tasks/"))
    return path.endsWith("/toggle") ? { enabled: false } : path.endsWith("/run") ? undefined : { name: "hijack" };
  if (path.startsWith("/api/v1/tasks/")) return path.endsWith("/run") ? undefined : { name: "hijack" };
  if (path.startsWith("/tasks/"))
    return method === "PUT" ? { title: "hijack" } : path.endsWith("/snooze") ? { delay_seconds: 60 } : undefined;
  if (path.startsWith("/api/v1/scheduled_tasks/")) return { task_description: "hijack" };
  if (path.startsWith("/api/agents/")) return { status: "paused" };
  return undefined;
}

describe("tenant isolation", () => {
  it("every route with an id, on /v1 and every dialect, tried by another organization with each of A's ids: nothing seen, nothing changed", {
    timeout: 120_000,
  }, async () => {
    captureQueue();
    const a = await orgA();
    const bOrg = newOrg();
    const b = await apiKey(bOrg, ["tasks:read", "tasks:write", "runner"]);
    // B has a project with the same id: ids are per organization, never shared.
    expect((await call("POST", "/v1/projects", { token: b, body: { id: "proj-a", name: "B's own" } })).status).toBe(201);
    const before = await viewOf(a.key, a);

    const doc = (await call("GET", "/openapi.json")).body as { paths: Record<string, Record<string, unknown>> };
    let tried = 0;
    let notFound = 0;
    for (const [template, ops] of Object.entries(doc.paths)) {
      if (!template.includes("{")) continue;
      for (const method of Object.keys(ops).map((m) => m.toUpperCase())) {
        if (template === "/v1/api-keys/{id}") continue; // admin token only: B's key is 403 before any id is read (test/security/auth.test.ts)
        if (template === "/api/agents/{id}/schedules" && method === "POST") continue; // creates B's own schedule under that agent name
        const candidates = template.startsWith("/v1/runs/")
          ? [a.ids.run]
          : template.startsWith("/v1/projects/")
            ? [a.ids.project, "no-such"]
            : [...a.ids.task, a.ids.run];
        for (const id of candidates) {
          const path = template
            .replace("/api/agents/{id}/schedules/{scheduleId}", `/api/agents/agent-alpha/schedules/${a.ids.schedule}`)
            .replace("/api/agents/{id}/", "/api/agents/agent-alpha/")
            .replace(/\{(id|taskId)\}/, id)
            .replace("{target}", "x");
          const r = await call(method, path, { token: b, body: bodyFor(method, path) });
          tried++;
          const text = JSON.stringify(r.body ?? "");
          for (const n of a.names) expect(text.includes(n), `${method} ${path} shows A's "${n}"`).toBe(false);
          if (template === "/v1/projects/{id}" && id === "proj-a") {
            // B's own project of the same id: B sees (and may change) its own, never A's.
            expect(r.status, `${method} ${path}`).toBeLessThan(300);
            continue;
          }
          if (template === "/api/agents/{id}/schedules" && method === "GET") {
            expect(r.status).toBe(200);
            expect(r.body).toEqual({ schedules: [] });
            continue;
          }
          expect(r.status, `${method} ${path}: ${r.status} ${text.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
          expect(r.status, `${method} ${path}`).toBeLessThan(500);
          if (r.status === 404) notFound++;
        }
      }
    }
    expect(tried).toBeGreaterThan(150);
    // Nearly every attempt reached the organization check and answered 404 (the rest are 400/409/422 on a body).
    expect(notFound / tried).toBeGreaterThan(0.85);

    // Lists and filters with A's values: empty.
    const lists: [string, (body: any) => unknown[]][] = [
      ["/v1/tasks?project_id=proj-a", (x) => x.tasks],
      [`/v1/runs?task_id=${a.v1}`, (x) => x.runs],
      ["/v1/tasks?q=alpha", (x) => x.tasks],
      ["/api/tasks/schedules", (x) => x.tasks],
      ["/api/tasks/agent-schedules", (x) => x.tasks],
      ["/api/v1/tasks?projectId=proj-a", (x) => x.tasks],
      [`/tasks?created_by=${UUID_A}`, (x) => x.tasks ?? x],
      ["/api/v1/scheduled_tasks", (x) => x],
      ["/api/agents/agent-alpha/schedules", (x) => x.schedules],
    ];
    for (const [p, items] of lists) {
      const r = await call("GET", p, { token: b });
      expect(r.status, p).toBe(200);
      expect(items(r.body), p).toEqual([]);
    }
    // A's event name, published by B, wakes none of A's tasks.
    const ev = await call("POST", "/v1/events", { token: b, body: { name: "alpha-deploy", payload: { from: "b" } } });
    expect(ev.status).toBe(202);
    expect(ev.body.run_ids).toEqual([]);

    expect(await viewOf(a.key, a)).toBe(before);
  });

  it("the admin token acts for the organization it names, and only that one", async () => {
    const a = await orgA();
    const asOther = await call("GET", `/v1/tasks/${a.v1}`, { token: ADMIN, headers: { "x-org-id": newOrg() } });
    expect(asOther.status).toBe(404);
    const asA = await call("GET", `/v1/tasks/${a.v1}`, { token: ADMIN, headers: { "x-org-id": a.org } });
    expect(asA.status).toBe(200);
  });
});
