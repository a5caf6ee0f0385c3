import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, createTask, tenant } from "../helpers/api";
import { captureQueue } from "../helpers/engine";

// GET /v1/tasks?recent_runs=N: the dashboard's strip of each task's latest outcomes,
// read for a whole page in one statement instead of one request per task.

describe("GET /v1/tasks?recent_runs=N", () => {
  it("adds each task's latest N run statuses, newest first, only when asked", async () => {
    captureQueue();
    const { key } = await tenant();
    const busy = await createTask(key);
    const idle = await createTask(key);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await call("POST", `/v1/tasks/${busy.id}/run`, { token: key })).body.id);
    // The oldest run failed: newest first, the strip ends with it.
    await env.DB.prepare("UPDATE runs SET status = 'failed', created_at = created_at - 60000 WHERE id = ?").bind(ids[0]).run();

    const plain = await call("GET", "/v1/tasks", { token: key });
    expect(plain.body.tasks[0]).not.toHaveProperty("recent_statuses");

    const r = await call("GET", "/v1/tasks?recent_runs=20", { token: key });
    expect(r.status).toBe(200);
    const byId = new Map(r.body.tasks.map((t: any) => [t.id, t.recent_statuses]));
    expect(byId.get(busy.id)).toEqual(["queued", "queued", "failed"]);
    expect(byId.get(idle.id)).toEqual([]);

    const two = await call("GET", "/v1/tasks?recent_runs=2", { token: key });
    expect(two.body.tasks.find((t: any) => t.id === busy.id).recent_statuses).toEqual(["queued", "queued"]);
  });

  it("refuses more than 20", async () => {
    const { key } = await tenant();
    const r = await call("GET", "/v1/tasks?recent_runs=21", { token: key });
    expect(r.status).toBe(400);
  });
});
