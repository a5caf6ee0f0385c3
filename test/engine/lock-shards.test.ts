import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LOCK_SHARDS, lockAddress, lockOf } from "../../src/engine/lock";
import { call, createTask, tenant } from "../helpers/api";
import { captureQueue, runsOf } from "../helpers/engine";
import { lockStorage } from "../helpers/lock";

// Issue 12: an organization's tasks share LOCK_SHARDS lock objects (a key each inside),
// so a burst of thousands of tasks keeps a handful of objects alive, not one per task.

afterEach(() => vi.restoreAllMocks());

const req = (key: string, runId: string, over: Record<string, unknown> = {}) => ({
  key,
  runId,
  taskId: key,
  orgId: "org_x",
  limit: 1,
  policy: "skip" as const,
  leaseMs: 60_000,
  ...over,
});

/** A stub of one shard object, with two task keys that live in it. */
function oneShard() {
  const org = `org_${crypto.randomUUID()}`;
  const byName = new Map<string, string[]>();
  for (let i = 0; i < 200; i++) {
    const id = `tsk_${i}`;
    const { name } = lockAddress({ id, org_id: org, concurrency_key: null });
    byName.set(name, [...(byName.get(name) ?? []), id]);
  }
  const [name, ids] = [...byName].find(([, v]) => v.length >= 2) ?? ["", []];
  return { stub: env.TASK_LOCK.get(env.TASK_LOCK.idFromName(name)), a: ids[0] ?? "", b: ids[1] ?? "", shards: byName.size };
}

describe("sharded task locks", () => {
  it("an organization's tasks spread over at most LOCK_SHARDS objects; a concurrency key keeps its own", () => {
    const { shards } = oneShard();
    expect(shards).toBeGreaterThan(1);
    expect(shards).toBeLessThanOrEqual(LOCK_SHARDS);
    expect(lockAddress({ id: "tsk_1", org_id: "org_a", concurrency_key: "db" })).toEqual({ name: "org_a:db", key: "org_a:db" });
    // Another organization's task with the same id is never in the same object.
    expect(lockAddress({ id: "tsk_1", org_id: "org_a", concurrency_key: null }).name).not.toBe(
      lockAddress({ id: "tsk_1", org_id: "org_b", concurrency_key: null }).name,
    );
  });

  it("two tasks in one object hold their slots independently, in one request", async () => {
    const { stub, a, b } = oneShard();
    const first = await stub.acquireMany([req(a, "run_a1"), req(b, "run_b1"), req(a, "run_a2")]);
    expect(first.decisions.map((d) => d.decision)).toEqual(["run", "run", "skip_overlap"]);
    expect(first.written).toBe(3); // one row per key that changed, and the alarm
    // A duplicate message for a run that holds its slot is told so; the other task is untouched.
    const again = await stub.acquireMany([req(a, "run_a1")]);
    expect(again.decisions[0]?.decision).toBe("duplicate");
    expect(await stub.releaseMany([{ key: a, runId: "run_a1" }])).toBe(1); // a's row goes; the alarm stays (b's lease)
    const next = await stub.acquireMany([req(a, "run_a3"), req(b, "run_b2")]);
    expect(next.decisions.map((d) => d.decision)).toEqual(["run", "skip_overlap"]);
  });

  it("the object's alarm is its earliest lease; firing it expires only the leases past their deadline", async () => {
    const { stub, a, b } = oneShard();
    const now = Date.now();
    await stub.acquireMany([req(a, "run_a", { leaseMs: 60_000 }), req(b, "run_b", { leaseMs: 600_000 })], now);
    const alarm = await runInDurableObject(stub, (_i, s) => s.storage.getAlarm());
    expect(alarm).toBe(now + 60_000);
    // a's holder stops reporting: its deadline passes (b's does not).
    await runInDurableObject(stub, (_i, s) => {
      const row = s.storage.sql.exec<{ state: string }>("SELECT state FROM locks WHERE key = ?", a).one();
      const state = JSON.parse(row.state);
      state.leases[0].expiresAt = now - 1;
      s.storage.sql.exec("UPDATE locks SET state = ?, deadline = ? WHERE key = ?", JSON.stringify(state), now - 1, a);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const after = await runInDurableObject(stub, async (_i, s) => ({
      keys: s.storage.sql.exec<{ key: string }>("SELECT key FROM locks ORDER BY key").toArray(),
      alarm: await s.storage.getAlarm(),
    }));
    expect(after.keys.map((k) => k.key)).toEqual([b]); // a's row is gone with its only lease
    expect(after.alarm).toBe(now + 600_000);
  });

  it("an object from before the shards (one task's state under 'state'): its alarm still times out the lapsed run", async () => {
    const { key, org } = await tenant();
    captureQueue();
    const t = await createTask(key, { retry: { max_retries: 0 } });
    const run = await call("POST", `/v1/tasks/${t.id}/run`, { token: key });
    await env.DB.prepare("UPDATE runs SET status = 'running', started_at = ? WHERE id = ?").bind(Date.now(), run.body.id).run();
    const legacy = env.TASK_LOCK.get(env.TASK_LOCK.idFromName(t.id)); // the old name: the task's id
    await runInDurableObject(legacy, async (_i, s) => {
      const lease = { runId: run.body.id, taskId: t.id, orgId: org, expiresAt: Date.now() - 1 };
      await s.storage.put("state", { leases: [lease], waiting: [], canceled: [], dedupe: {}, limit: 1, policy: "skip" });
      await s.storage.setAlarm(Date.now() + 60_000); // runDurableObjectAlarm fires it now
    });
    expect(await runDurableObjectAlarm(legacy)).toBe(true);
    expect((await runsOf(t.id)).map((r) => r.status)).toEqual(["timed_out"]);
    expect(await runInDurableObject(legacy, (_i, s) => s.storage.get("state"))).toBeUndefined();
    // The task's lock now lives in its shard, free.
    expect((await lockStorage(t.id)).state.leases).toEqual([]);
    expect(lockOf(env, { id: t.id, org_id: org, concurrency_key: null }).key).toBe(t.id);
  });
});
