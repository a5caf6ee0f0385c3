import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { fromDriverRow, insertReturning } from "../../src/db/raw";
import { runs, tasks } from "../../src/db/schema";
import { call, createTask, tenant } from "../helpers/api";

// db/raw.ts writes the hottest statements out by hand; what it returns must be exactly
// what drizzle's own select returns for the same row.

describe("hand-written statements map rows as drizzle does", () => {
  it("a created and a listed task equal the task drizzle reads (JSON columns, nulls, defaults)", async () => {
    const { key } = await tenant();
    const made = await createTask(key, { description: "d", parameters: { url: "https://example.com/x", headers: { a: "b" } } });
    const listed = await call("GET", "/v1/tasks?limit=1", { token: key });
    const read = await call("GET", `/v1/tasks/${made.id}`, { token: key });
    const { latest_runs: _runs, ...task } = read.body;
    expect(listed.body.tasks[0]).toEqual(task);
    expect(made).toEqual(task);

    const raw = await env.DB.prepare("SELECT * FROM tasks WHERE id = ?").bind(made.id).first<Record<string, unknown>>();
    const viaDrizzle = await createDb(env.DB).select().from(tasks).where(eq(tasks.id, made.id)).get();
    expect(raw && fromDriverRow(tasks, raw)).toEqual(viaDrizzle);
    expect(viaDrizzle).toMatchObject({ skipNext: 0, version: 1, claimSeq: 0 });
  });

  it("booleans and absent columns round-trip (a run row)", async () => {
    const id = crypto.randomUUID();
    const row = await insertReturning(env.DB, runs, {
      id,
      orgId: "org-raw",
      taskId: "t-raw",
      trigger: "manual",
      attempt: 1,
      status: "queued",
      scheduledFor: 1,
      input: { a: [1, 2] },
      final: true,
      createdAt: 2,
    }).first<Record<string, unknown>>();
    const viaDrizzle = await createDb(env.DB).select().from(runs).where(eq(runs.id, id)).get();
    expect(row && fromDriverRow(runs, row)).toEqual(viaDrizzle);
    expect(viaDrizzle).toMatchObject({ final: true, input: { a: [1, 2] }, error: null, result: null });
  });
});
