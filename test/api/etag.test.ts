import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createDb } from "../../src/db/client";
import { boundLog } from "../../src/log";
import { mutateTask } from "../../src/services/tasks/write";
import { call, createTask, tenant } from "../helpers/api";
import { captureQueue, deliver, target, tickAt } from "../helpers/engine";

afterEach(() => vi.restoreAllMocks());
const MIN = 60_000;
const every = { kind: "cron", expression: "* * * * *", timezone: "UTC" };

async function etagOf(key: string, id: string): Promise<string> {
  const r = await call("GET", `/v1/tasks/${id}`, { token: key });
  expect(r.status).toBe(200);
  return r.headers.get("etag") ?? "";
}

describe("ETag: moves with the user's changes only (issue 10, item 3)", () => {
  it("stays put across ticks, claims and run outcomes, so If-Match read before them still applies", async () => {
    const { key } = await tenant();
    const q = captureQueue();
    target();
    const t = await createTask(key, { schedule: every, parameters: { url: "https://sink.example.com/a" } });
    const etag = await etagOf(key, t.id);
    const due = Date.parse(t.next_run_at);
    for (let i = 0; i < 3; i++) {
      await tickAt(due + i * MIN - 20_000);
      await deliver(...q.take(t.id).map((m) => m.body));
    }
    const after = await call("GET", `/v1/tasks/${t.id}`, { token: key });
    // The engine did move the task: three runs, a later next run, a last status.
    expect(after.body.next_run_at).toBe(new Date(due + 3 * MIN).toISOString());
    expect(after.body.last_status).toBe("succeeded");
    expect(after.headers.get("etag")).toBe(etag);
    const patched = await call("PATCH", `/v1/tasks/${t.id}`, { token: key, body: { priority: 2 }, headers: { "if-match": etag } });
    expect(patched.status).toBe(200);
    expect(patched.headers.get("etag")).not.toBe(etag);
    // The edit kept what the engine had done.
    expect(patched.body.next_run_at).toBe(new Date(due + 3 * MIN).toISOString());
  });

  it("moves on every user verb (edit, pause, resume, snooze, skip, cancel) and a stale one gets 412", async () => {
    const { key } = await tenant();
    const t = await createTask(key, { schedule: every });
    const seen = [await etagOf(key, t.id)];
    const verbs: [string, string, unknown][] = [
      ["PATCH", "", { description: "changed" }],
      ["POST", "/pause", undefined],
      ["POST", "/resume", undefined],
      ["POST", "/snooze", { delay_seconds: 600 }],
      ["POST", "/skip", { count: 2 }],
      ["POST", "/cancel", undefined],
    ];
    for (const [method, path, body] of verbs) {
      const r = await call(method, `/v1/tasks/${t.id}${path}`, { token: key, body });
      expect(r.status, `${method} ${path}`).toBeLessThan(300);
      const now = await etagOf(key, t.id);
      expect(seen, `${method} ${path} moves the ETag`).not.toContain(now);
      seen.push(now);
    }
    const stale = await call("PATCH", `/v1/tasks/${t.id}`, { token: key, body: { priority: 3 }, headers: { "if-match": seen[0] ?? "" } });
    expect(stale.status).toBe(412);
  });

  it("a claim between a user's read and write is noticed: the write is redone on fresh data, the claim is kept", async () => {
    const { key, org } = await tenant();
    const q = captureQueue();
    const t = await createTask(key, { schedule: every });
    const due = Date.parse(t.next_run_at);
    const ctx = {
      db: createDb(env.DB),
      orgId: org,
      actor: "test",
      now: due - 20_000,
      queue: env.RUNS,
      allowPrivateTargets: false,
      claimOnWrite: false,
      requestId: "test",
      log: boundLog({ request_id: "test" }),
    };
    let reads = 0;
    const updated = await mutateTask(ctx, t.id, async (current) => {
      reads++;
      // The tick claims the task after this read and before the write.
      if (reads === 1) await tickAt(due - 20_000);
      return { set: { description: `seen next_run_at ${current.next_run_at}` } };
    });
    expect(reads).toBe(2);
    expect(q.forTask(t.id)).toHaveLength(1);
    expect(updated.next_run_at).toBe(due + MIN);
    expect(updated.description).toBe(`seen next_run_at ${due + MIN}`);
    // Created at version 1; the one user change makes it 2 (the claim did not count).
    expect(updated.version).toBe(2);
  });
});
