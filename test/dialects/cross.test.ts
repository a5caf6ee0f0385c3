import { describe, expect, it } from "vitest";
import { call, tenant } from "../helpers/api";

describe("five faces, one core", () => {
  it("a task created in each face is the same task through /v1, and reads back through its face", async () => {
    const { key } = await tenant();
    const soon = new Date(Date.now() + 86_400_000).toISOString().replace(/\.\d{3}Z$/, "Z");
    await call("POST", "/v1/projects", {
      token: key,
      body: { id: "production", name: "Production", url: "https://app.example.com/health" },
    });

    const faces = [
      {
        face: "000",
        create: () =>
          call("POST", "/api/tasks/schedules", {
            token: key,
            body: {
              name: "ns check",
              task_type: "health_check",
              cron_expression: "0 2 * * *",
              timezone: "America/New_York",
              parameters: { targets: [{ url: "https://example.com/" }] },
              enabled: true,
            },
          }),
        id: (b: any) => b.id,
        read: (id: string) => call("GET", `/api/tasks/schedules/${id}`, { token: key }),
        v1: { type: "health_check", schedule: { kind: "cron", expression: "0 2 * * *", timezone: "America/New_York" } },
      },
      {
        face: "001",
        create: () =>
          call("POST", "/api/v1/tasks", {
            token: key,
            body: {
              name: "platform check",
              enabled: true,
              type: "health-check",
              projectId: "production",
              cronExpression: "*/5 * * * *",
              timezone: "UTC",
              healthCheckConfig: { checkContainers: true, checkConnectivity: true, alertOnFailure: true },
            },
          }),
        id: (b: any) => b.task.id,
        read: (id: string) => call("GET", `/api/v1/tasks/${id}`, { token: key }),
        v1: { type: "health_check", project_id: "production", schedule: { kind: "cron", expression: "*/5 * * * *" } },
      },
      {
        face: "002",
        create: () =>
          call("POST", "/tasks", {
            token: key,
            body: {
              title: "etl",
              description: "nightly etl",
              schedule_kind: "cron",
              schedule_expr: "0 3 * * *",
              payload: { steps: ["extract"] },
              created_by: "5f0c8a44-9d51-4c1e-8f0e-2f9a0c3b7d11",
            },
          }),
        id: (b: any) => b.id,
        read: (id: string) => call("GET", `/tasks/${id}`, { token: key }),
        v1: { type: "workflow", agent_id: "5f0c8a44-9d51-4c1e-8f0e-2f9a0c3b7d11", schedule: { kind: "cron", expression: "0 3 * * *" } },
      },
      {
        face: "003",
        create: () =>
          call("POST", "/api/v1/scheduled_tasks", {
            headers: { authorization: `UserKey ${key}` },
            body: {
              task_description: "summarise alerts",
              selected_agent: "ops-agent",
              channel_id: "C123",
              schedule_time: soon,
              cron_string: "0 9 * * MON-FRI",
            },
          }),
        id: (b: any) => b.task_id,
        read: (id: string) => call("GET", `/api/v1/scheduled_tasks/${id}`, { headers: { authorization: `UserKey ${key}` } }),
        v1: { type: "agent_task", agent_id: "ops-agent", schedule: { kind: "cron", expression: "0 9 * * MON-FRI" } },
      },
      {
        face: "004",
        create: () =>
          call("POST", "/api/agents/agent-7/schedules", {
            token: key,
            body: {
              name: "Daily Report",
              type: "cron",
              cron_expression: "0 9 * * *",
              callback_type: "workflow",
              callback_id: "workflow-456",
              status: "active",
            },
          }),
        id: (b: any) => b.id,
        read: (id: string) => call("GET", `/api/agents/agent-7/schedules/${id}`, { token: key }),
        v1: { type: "workflow", agent_id: "agent-7", parameters: { callback_type: "workflow", callback_id: "workflow-456" } },
      },
    ];

    const ids: string[] = [];
    for (const f of faces) {
      const created = await f.create();
      expect(created.status, `${f.face} create: ${JSON.stringify(created.body)}`).toBeLessThan(300);
      const id = f.id(created.body);
      ids.push(id);
      const v1 = await call("GET", `/v1/tasks/${id}`, { token: key });
      expect(v1.status, f.face).toBe(200);
      expect(v1.body, f.face).toMatchObject({ id, ...f.v1 });
      const back = await f.read(id);
      expect(back.status, f.face).toBe(200);
      expect(JSON.stringify(back.body)).toContain(id);
    }
    const all = await call("GET", "/v1/tasks?limit=200", { token: key });
    expect(all.body.total).toBe(5);
    expect(all.body.tasks.map((t: { id: string }) => t.id).sort()).toEqual([...ids].sort());
  });
});
