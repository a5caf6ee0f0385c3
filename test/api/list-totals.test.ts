import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, createTask, tenant } from "../helpers/api";

// `total` is exact on every page (bench scenario B and the dialect faces rely on it);
// what keeps it cheap is the index it is counted from (tasks_org_live_idx, migration 0005).

const plan = async (sql: string) =>
  ((await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind("org-x").all()).results as { detail: string }[])
    .map((r) => r.detail)
    .join(" | ");

describe("list totals", () => {
  it("are exact on every page after creates, deletes and a pause, with and without filters", async () => {
    const { key } = await tenant();
    const made = [];
    for (let i = 0; i < 7; i++) made.push(await createTask(key));
    for (const t of made.slice(0, 2)) expect((await call("DELETE", `/v1/tasks/${t.id}`, { token: key })).status).toBe(204);
    expect((await call("POST", `/v1/tasks/${made[2]?.id}/pause`, { token: key })).status).toBe(200);

    const seen = new Set<string>();
    for (const offset of [0, 2, 4, 6]) {
      const page = await call("GET", `/v1/tasks?limit=2&offset=${offset}`, { token: key });
      expect(page.status).toBe(200);
      expect(page.body.total, `offset ${offset}`).toBe(5);
      for (const t of page.body.tasks) seen.add(t.id);
    }
    expect(seen).toEqual(new Set(made.slice(2).map((t) => t.id)));

    const paused = await call("GET", "/v1/tasks?status=paused&limit=1&offset=0", { token: key });
    expect(paused.body).toMatchObject({ total: 1 });
    expect((await call("GET", "/v1/tasks?status=active&limit=1&offset=3", { token: key })).body).toMatchObject({ total: 4 });

    // A new task counts at once, on a later page too.
    await createTask(key);
    expect((await call("GET", "/v1/tasks?limit=2&offset=4", { token: key })).body.total).toBe(6);
  });

  it("another organization's tasks never count", async () => {
    const a = await tenant();
    const b = await tenant();
    await createTask(a.key);
    await createTask(b.key);
    await createTask(b.key);
    expect((await call("GET", "/v1/tasks?limit=1", { token: a.key })).body.total).toBe(1);
    expect((await call("GET", "/v1/tasks?limit=1", { token: b.key })).body.total).toBe(2);
  });

  it("are counted from the list index alone (no task row read), and pages are read in index order", async () => {
    const live = `"org_id" = ? and "deleted_at" is null`;
    expect(await plan(`select count(*) from tasks where ${live}`)).toMatch(/COVERING INDEX tasks_org_live_idx/);
    expect(await plan(`select count(*) from tasks where ${live} and type in ('http', 'agent') and status = 'active'`)).toMatch(
      /COVERING INDEX tasks_org_live_idx/,
    );
    const page = await plan(`select * from tasks where ${live} order by created_at desc, id desc limit 10 offset 20`);
    expect(page).toMatch(/INDEX tasks_org_live_idx/);
    expect(page).not.toMatch(/TEMP B-TREE/);
  });
});
