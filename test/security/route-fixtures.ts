import { ADMIN, call, cronTask, tenant } from "../helpers/api";
import type { captureQueue } from "../helpers/engine";
import { deliver, target } from "../helpers/engine";

// What test/security/routes.test.ts sends: a valid body for every operation that takes
// one, and for every kind of id in a path, a resource of the owner's organization made
// through the API (and, for runs, the real consumer).

export type Tenant = { org: string; key: string };
/** The values of a path's ids, and the owner's GETs that must read the same before and after another organization tries them. */
export type Fixture = { params: Record<string, string>; probes: string[] };
type Queue = ReturnType<typeof captureQueue>;

const CRON = { kind: "cron", expression: "0 3 * * *", timezone: "UTC" };
/** Every owner organization has this project (001 tasks need one; the project routes use it). */
const PROJECT = "proj-sec";

/** A request the owner makes while building a fixture: anything but 2xx fails the test. */
async function must(token: string, method: string, path: string, body?: unknown) {
  const r = await call(method, path, { token, body });
  if (r.status >= 300) throw new Error(`fixture ${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}
/** The owner: an organization with a key holding every tenant scope, and the project PROJECT. */
export async function owner(): Promise<Tenant> {
  const a = await tenant(["tasks:read", "tasks:write", "runner"]);
  await must(a.key, "POST", "/v1/projects", { id: PROJECT, name: "Owner's project", url: "https://owner.example.com" });
  return a;
}
const task = (id: string): Fixture => ({ params: { id }, probes: [`/v1/tasks/${id}`] });
/** Queues a manual run of a task and delivers it to the real consumer. */
async function ranOnce(a: Tenant, q: Queue, over: Record<string, unknown>) {
  const t = await must(a.key, "POST", "/v1/tasks", cronTask(over));
  const run = await must(a.key, "POST", `/v1/tasks/${t.id}/run`);
  await deliver(...q.take(t.id).map((m) => m.body));
  return String(run.id);
}

/**
 * How to make a resource of the owner for a path's ids, by path (first match). A
 * template that matches none fails its test: a new kind of id needs a line here.
 */
export const FIXTURES: [RegExp, (a: Tenant, q: Queue) => Promise<Fixture>][] = [
  [/^\/v1\/tasks\/\{id\}/, async (a) => task((await must(a.key, "POST", "/v1/tasks", cronTask())).id)],
  [
    // A custom_script run handed to runners and claimed by the owner's runner "host-a":
    // the state heartbeat and complete act on.
    /^\/v1\/runs\/\{id\}\/(heartbeat|complete)$/,
    async (a, q) => {
      await ranOnce(a, q, { type: "custom_script", parameters: { command: "echo hi" } });
      const c = await must(a.key, "POST", "/v1/runners/claim", { runner_id: "host-a", types: ["custom_script"], wait_seconds: 0 });
      return { params: { id: c.run.id }, probes: [`/v1/runs/${c.run.id}`] };
    },
  ],
  [
    // A backup run executed by the real consumer against a fake source: it stores the
    // artifact "etc.tar" that the owner lists and downloads.
    /^\/v1\/runs\/\{id\}\/artifacts/,
    async (a, q) => {
      const id = await ranOnce(a, q, {
        type: "backup",
        parameters: { sources: [{ name: "etc.tar", url: "https://artifact.example.com/etc" }] },
      });
      return { params: { id, target: "etc.tar" }, probes: [`/v1/runs/${id}`] };
    },
  ],
  [
    // A failed run (its target answered 500, no retries), so the owner can retry it.
    /^\/v1\/runs\/\{id\}/,
    async (a, q) => {
      const id = await ranOnce(a, q, { parameters: { url: "https://fail.example.com/hook" }, retry: { max_retries: 0 } });
      return { params: { id }, probes: [`/v1/runs/${id}`] };
    },
  ],
  [/^\/v1\/projects\/\{id\}$/, async () => ({ params: { id: PROJECT }, probes: [`/v1/projects/${PROJECT}`] })],
  [
    /^\/v1\/api-keys\/\{id\}$/,
    async (a) => ({
      params: { id: (await must(ADMIN, "POST", "/v1/api-keys", { name: "spare", org: a.org, scopes: ["tasks:read"] })).id },
      probes: [],
    }),
  ],
  [
    /^\/api\/tasks\/schedules\/\{id\}/,
    async (a) =>
      task(
        (
          await must(a.key, "POST", "/api/tasks/schedules", {
            name: "ns-owner",
            task_type: "health_check",
            cron_expression: "0 3 * * *",
            timezone: "UTC",
            parameters: { targets: [{ url: "https://owner.example.com/h" }] },
          })
        ).id,
      ),
  ],
  [
    /^\/api\/tasks\/agent-schedules\/\{id\}/,
    async (a) =>
      task(
        (
          await must(a.key, "POST", "/api/tasks/agent-schedules", {
            name: "agent-owner",
            prompt: "owner prompt",
            cron_expression: "0 3 * * *",
            timezone: "UTC",
          })
        ).id,
      ),
  ],
  [
    // A 001 task waits for its run up to the task's timeout: 1 s keeps the owner's run short.
    /^\/api\/v1\/tasks\/\{id\}/,
    async (a) => {
      const t = (
        await must(a.key, "POST", "/api/v1/tasks", {
          name: "platform-owner",
          type: "custom",
          projectId: PROJECT,
          cronExpression: "0 3 * * *",
          customConfig: { command: "true" },
        })
      ).task;
      await must(a.key, "PATCH", `/v1/tasks/${t.id}`, { timeout_seconds: 1 });
      return task(t.id);
    },
  ],
  [
    /^\/tasks\/\{id\}/,
    async (a) =>
      task(
        (
          await must(a.key, "POST", "/tasks", {
            title: "flow-owner",
            description: "owner's flow",
            schedule_kind: "cron",
            schedule_expr: "0 3 * * *",
            created_by: "6b1f1c1e-1111-4a4a-8a8a-aaaaaaaaaaaa",
            payload: { steps: [] },
          })
        ).id,
      ),
  ],
  [
    /^\/api\/v1\/scheduled_tasks\/\{taskId\}/,
    async (a) => {
      const t = await must(a.key, "POST", "/api/v1/scheduled_tasks", {
        task_description: "kubiya-owner",
        selected_agent: "agent-a",
        channel_id: "C-A",
        schedule_time: "2099-01-01T00:00:00Z",
        cron_string: "0 3 * * *",
      });
      return { params: { taskId: t.task_id }, probes: [`/v1/tasks/${t.task_id}`] };
    },
  ],
  [
    /^\/api\/agents\/\{id\}\/schedules/,
    async (a) => {
      const s = await must(a.key, "POST", "/api/agents/agent-a/schedules", {
        name: "sched-owner",
        type: "cron",
        cron_expression: "0 3 * * *",
        callback_type: "workflow",
        callback_id: "wf-a",
      });
      return { params: { id: "agent-a", scheduleId: s.id }, probes: [`/v1/tasks/${s.id}`] };
    },
  ],
];

const lastHour = () => {
  const end = Math.floor(Date.now() / 300_000) * 300_000;
  return { start: new Date(end - 3_600_000).toISOString(), end: new Date(end).toISOString() };
};

/** A valid body for every operation whose document declares one (optional ones too), so a request reaches the resource. */
export const BODIES: Record<string, (a: Tenant) => unknown> = {
  "POST /v1/tasks": () => cronTask(),
  "PUT /v1/tasks/{id}": () => cronTask({ name: "replaced" }),
  "PATCH /v1/tasks/{id}": () => ({ description: "changed" }),
  "POST /v1/tasks/{id}/toggle": () => ({ enabled: false }),
  "POST /v1/tasks/{id}/snooze": () => ({ delay_seconds: 60 }),
  "POST /v1/tasks/{id}/skip": () => ({ count: 1 }),
  "POST /v1/tasks/{id}/run": () => ({ input: { from: "security suite" } }),
  "POST /v1/tasks/{id}/backfill": lastHour,
  "POST /v1/events": () => ({ name: "security-suite", payload: { a: 1 } }),
  "POST /v1/schedules/preview": () => ({ schedule: CRON, count: 2 }),
  "POST /v1/api-keys": (a) => ({ name: "issued", org: a.org, scopes: ["tasks:read"] }),
  "POST /v1/projects": () => ({ name: "New project", url: "https://new.example.com" }),
  "PATCH /v1/projects/{id}": () => ({ name: "renamed" }),
  "POST /v1/signing-secrets/rotate": () => ({}),
  "POST /v1/runners/claim": () => ({ runner_id: "host-a", types: ["custom_script"], wait_seconds: 0 }),
  "POST /v1/runs/{id}/heartbeat": () => ({ runner_id: "host-a", stdout_tail: "hi" }),
  "POST /v1/runs/{id}/complete": () => ({ runner_id: "host-a", status: "succeeded", exit_code: 0 }),
  "POST /api/tasks/schedules": () => ({
    name: `ns-${crypto.randomUUID().slice(0, 6)}`,
    task_type: "health_check",
    cron_expression: "0 3 * * *",
    parameters: { targets: [{ url: "https://x.example.com/h" }] },
  }),
  "PUT /api/tasks/schedules/{id}": () => ({ name: "ns-renamed" }),
  "POST /api/tasks/schedules/{id}/toggle": () => ({ enabled: false }),
  "POST /api/tasks/agent-schedules": () => ({
    name: `agent-${crypto.randomUUID().slice(0, 6)}`,
    prompt: "p",
    cron_expression: "0 3 * * *",
  }),
  "PUT /api/tasks/agent-schedules/{id}": () => ({ name: "agent-renamed" }),
  "POST /api/tasks/agent-schedules/{id}/toggle": () => ({ enabled: false }),
  "POST /api/v1/tasks": () => ({
    name: "platform-new",
    type: "custom",
    projectId: PROJECT,
    cronExpression: "0 3 * * *",
    customConfig: { command: "true" },
  }),
  "PUT /api/v1/tasks/{id}": () => ({ name: "platform-renamed" }),
  "POST /tasks": () => ({
    title: "flow-new",
    description: "new flow",
    schedule_kind: "cron",
    schedule_expr: "0 3 * * *",
    created_by: "6b1f1c1e-1111-4a4a-8a8a-aaaaaaaaaaaa",
    payload: { steps: [] },
  }),
  "PUT /tasks/{id}": () => ({ title: "flow-renamed" }),
  "POST /tasks/{id}/snooze": () => ({ delay_seconds: 60 }),
  "POST /api/v1/scheduled_tasks": () => ({
    task_description: "kubiya-new",
    selected_agent: "agent-a",
    channel_id: "C-A",
    schedule_time: "2099-01-01T00:00:00Z",
    cron_string: "0 3 * * *",
  }),
  "PUT /api/v1/scheduled_tasks/{taskId}": () => ({ task_description: "kubiya-changed" }),
  "POST /api/agents/{id}/schedules": () => ({
    name: "sched-new",
    type: "cron",
    cron_expression: "0 3 * * *",
    callback_type: "workflow",
    callback_id: "wf-b",
  }),
  "PUT /api/agents/{id}/schedules/{scheduleId}": () => ({ status: "paused" }),
};

const ARTIFACT = Uint8Array.from({ length: 64 }, (_, i) => i);

/** The world outside for the fixtures' runs: a failing hook, a backup source, and "ok" for the rest. */
export function fakeTargets() {
  target((c) => {
    if (c.url.includes("fail.example.com")) return new Response("down", { status: 500 });
    if (c.url.includes("artifact.example.com"))
      return new Response(ARTIFACT, { headers: { "content-type": "application/x-tar", "content-length": String(ARTIFACT.byteLength) } });
    return new Response("ok");
  });
}
