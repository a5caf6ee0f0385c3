import { describe, expect, it } from "vitest";
import { call } from "../helpers/api";

// Issue 14: client generators name their methods from operationIds, so every operation has
// one, none is shared, and they follow one rule (src/api/router.ts): the route contract's
// name without "Route", prefixed with the face's name on a dialect face.

type Operation = { operationId?: string; tags?: string[] };

async function operations(): Promise<{ name: string; op: Operation }[]> {
  const doc = (await call("GET", "/openapi.json")).body as { paths: Record<string, Record<string, Operation>> };
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })),
  );
}

// Each dialect's tag and the prefix its operationIds carry (the face's module name).
const FACE_PREFIX: Record<string, string> = {
  "Dialect: NetStacks (000)": "netstacks",
  "Dialect: container platform (001)": "platform",
  "Dialect: agent workflow Tasks (002)": "agentflow",
  "Dialect: Kubiya Scheduled Tasks (003)": "kubiya",
  "Dialect: agent Schedules (004)": "agentSchedules",
};

describe("operationIds in /openapi.json", () => {
  it("every operation has one, and no two share one", async () => {
    const ops = await operations();
    expect(ops.length).toBeGreaterThan(70);
    const missing = ops.filter(({ op }) => !op.operationId).map(({ name }) => name);
    expect(missing).toEqual([]);
    const seen = new Map<string, string>();
    const shared: string[] = [];
    for (const { name, op } of ops) {
      const id = op.operationId ?? "";
      if (seen.has(id)) shared.push(`${id}: ${seen.get(id)} and ${name}`);
      seen.set(id, name);
    }
    expect(shared).toEqual([]);
  });

  it("are lowerCamelCase identifiers a generator can use as method names", async () => {
    for (const { name, op } of await operations()) expect(op.operationId, name).toMatch(/^[a-z][a-zA-Z0-9]*$/);
  });

  it("carry the face's name on a dialect face, and no face's name on /v1", async () => {
    const prefixes = Object.values(FACE_PREFIX);
    for (const { name, op } of await operations()) {
      const id = op.operationId ?? "";
      const face = op.tags?.map((t) => FACE_PREFIX[t]).find(Boolean);
      if (face) expect(id, name).toMatch(new RegExp(`^${face}[A-Z]`));
      else {
        expect(name).toMatch(/ \/v1\//);
        for (const p of prefixes) expect(id, name).not.toMatch(new RegExp(`^${p}[A-Z]`));
      }
    }
  });

  it("name the operations a reader expects (they are part of generated clients: renaming breaks them)", async () => {
    const byRoute = new Map((await operations()).map(({ name, op }) => [name, op.operationId]));
    expect(
      Object.fromEntries(
        ["POST /v1/tasks", "POST /v1/tasks/{id}/run", "GET /v1/runs", "GET /v1/tasks/{id}/runs"].map((r) => [r, byRoute.get(r)]),
      ),
    ).toEqual({
      "POST /v1/tasks": "createTask",
      "POST /v1/tasks/{id}/run": "runTask",
      "GET /v1/runs": "listRuns",
      "GET /v1/tasks/{id}/runs": "listTaskRuns",
    });
    expect(byRoute.get("POST /api/tasks/schedules")).toBe("netstacksCreateSchedule");
    expect(byRoute.get("POST /api/tasks/agent-schedules")).toBe("netstacksCreateAgentSchedule");
    expect(byRoute.get("POST /api/v1/scheduled_tasks")).toBe("kubiyaCreateScheduledTask");
    expect(byRoute.get("POST /api/agents/{id}/schedules")).toBe("agentSchedulesCreateSchedule");
  });
});
