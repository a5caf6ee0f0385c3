import { describe, expect, it } from "vitest";
import { call, jwt, newOrg, tenant } from "../helpers/api";

// Issue 10 items 4 and 5 through 002 (agentflow, the face that speaks RRULE) and item 7 through
// two cron faces: 000 (NetStacks, cron_expression) and 001 (platform, cronExpression).

const AGENT = "0b9f6a8e-3c1d-4e2f-9a7b-5c6d7e8f9a01";
const agentflowTask = (schedule_expr: string, timezone = "UTC") => ({
  title: `t-${crypto.randomUUID().slice(0, 8)}`,
  description: "d",
  schedule_kind: "rrule",
  schedule_expr,
  timezone,
  payload: { steps: [] },
  created_by: AGENT,
});
async function postAgentflow(body: unknown) {
  const { key } = await tenant();
  return call("POST", "/tasks", { token: key, body });
}
function expectAgentflowError(r: { status: number; body: any }, code: string, message: RegExp) {
  expect(r.status).toBe(400);
  expect(r.body.error.code).toBe(code);
  expect(r.body.error.message).toMatch(message);
  expect(r.body.error.details.map((d: { path: string }) => d.path)).toContain("schedule_expr");
}

describe("002 /tasks (RRULE)", () => {
  it("item 4: UNTIL with Z is an instant: the 01:50 first pass (05:50Z) before UNTIL=06:45Z is the next run", async () => {
    const r = await postAgentflow(
      agentflowTask("DTSTART;TZID=America/New_York:20271107T015000\nRRULE:FREQ=DAILY;BYHOUR=1;BYMINUTE=50;UNTIL=20271107T064500Z"),
    );
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ schedule_kind: "rrule", timezone: "America/New_York", next_run_at: "2027-11-07T05:50:00.000Z" });
  });

  it("item 4: a date-only UNTIL is the start of its day, so a rule starting later that day never runs (400)", async () => {
    const r = await postAgentflow(agentflowTask("DTSTART:20300101T090000Z\nRRULE:FREQ=DAILY;UNTIL=20300101"));
    expectAgentflowError(r, "invalid_schedule", /no occurrence after now/);
    const ok = await postAgentflow(agentflowTask("DTSTART:20300101T000000Z\nRRULE:FREQ=DAILY;UNTIL=20300101"));
    expect(ok.status).toBe(201);
    expect(ok.body.next_run_at).toBe("2030-01-01T00:00:00.000Z");
  });

  it("item 5: sparse and large-INTERVAL rules, MINUTELY+BYHOUR with any INTERVAL, HOURLY+BYSETPOS", async () => {
    const cases: [string, string][] = [
      ["DTSTART:20200101T090000Z\nRRULE:FREQ=YEARLY;INTERVAL=100;COUNT=3", "2120-01-01T09:00:00.000Z"],
      ["DTSTART:20200101T090000Z\nRRULE:FREQ=DAILY;INTERVAL=5000", "2033-09-09T09:00:00.000Z"],
      ["DTSTART:20300101T000000Z\nRRULE:FREQ=MINUTELY;INTERVAL=7;BYHOUR=9", "2030-01-01T09:06:00.000Z"],
      ["DTSTART:20300101T000000Z\nRRULE:FREQ=HOURLY;BYMINUTE=0,30;BYSETPOS=-1", "2030-01-01T00:30:00.000Z"],
    ];
    for (const [expr, next] of cases) {
      const r = await postAgentflow(agentflowTask(expr));
      expect(r.status, expr).toBe(201);
      expect(r.body.next_run_at, expr).toBe(next);
    }
  });

  it("item 5: the limits that remain are 400s naming them", async () => {
    expectAgentflowError(
      await postAgentflow(agentflowTask("FREQ=YEARLY;INTERVAL=10001")),
      "invalid_rrule",
      /INTERVAL=10001 is out of range 1-10000 for FREQ=YEARLY/,
    );
    expectAgentflowError(
      await postAgentflow(agentflowTask("DTSTART:20300101T000000Z\nRRULE:FREQ=HOURLY;BYMINUTE=0,30;BYSETPOS=3")),
      "invalid_rrule",
      /BYSETPOS=3 picks no time/,
    );
    expectAgentflowError(
      await postAgentflow(agentflowTask("DTSTART:20260101T000000Z\nRRULE:FREQ=YEARLY;INTERVAL=7;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO")),
      "invalid_schedule",
      /within the next 11 years \(or 10 periods of FREQ x INTERVAL, if longer\)/,
    );
  });
});

const LISTS: [string, (d: Date) => boolean][] = [
  ["*/15,30-59/10 0 * * *", (d) => d.getUTCHours() === 0 && [0, 15, 30, 40, 45, 50].includes(d.getUTCMinutes())],
  ["0 1-5/2,20 * * *", (d) => d.getUTCMinutes() === 0 && [1, 3, 5, 20].includes(d.getUTCHours())],
  ["0 0 1-7/3,15 * *", (d) => d.getUTCHours() === 0 && d.getUTCMinutes() === 0 && [1, 4, 7, 15].includes(d.getUTCDate())],
];

describe("item 7: cron lists of steps on the cron faces", () => {
  it("000 NetStacks accepts them, with the next run on a listed value; a bad item is still a 400 on cron_expression", async () => {
    const token = await jwt({ org: newOrg(), scope: "tasks:read tasks:write", sub: "netops@example.net" });
    const health = (cron_expression: string) => ({
      name: `h-${crypto.randomUUID().slice(0, 6)}`,
      task_type: "health_check",
      cron_expression,
      timezone: "UTC",
      parameters: { targets: [{ name: "core-1", url: "https://core-1.dc1.example.net/health" }] },
    });
    const before = Date.now();
    for (const [expression, onListedValue] of LISTS) {
      const r = await call("POST", "/api/tasks/schedules", { token, body: health(expression) });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body.cron_expression).toBe(expression);
      const next = new Date(r.body.next_run_at);
      expect(next.getTime()).toBeGreaterThan(before);
      expect(onListedValue(next), `${expression}: ${r.body.next_run_at}`).toBe(true);
    }
    const bad = await call("POST", "/api/tasks/schedules", { token, body: health("*/15,30-59/0 0 * * *") });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^Invalid cron expression/);
    expect(bad.body.error.details.field).toBe("cron_expression");
  });

  it("001 platform accepts them on /api/v1/tasks", async () => {
    const { key } = await tenant();
    const project = await call("POST", "/v1/projects", {
      token: key,
      body: { id: "production", name: "Production", url: "https://production.example.com/health" },
    });
    expect(project.status).toBe(201);
    const before = Date.now();
    for (const [cronExpression, onListedValue] of LISTS) {
      const body = {
        name: `c-${crypto.randomUUID().slice(0, 6)}`,
        enabled: true,
        type: "custom",
        projectId: "production",
        cronExpression,
        timezone: "UTC",
        customConfig: { command: "true" },
      };
      const r = await call("POST", "/api/v1/tasks", { token: key, body });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      const next = new Date(r.body.task.nextRun);
      expect(next.getTime()).toBeGreaterThan(before);
      expect(onListedValue(next), `${cronExpression}: ${r.body.task.nextRun}`).toBe(true);
    }
  });
});
