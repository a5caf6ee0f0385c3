import { env, runInDurableObject } from "cloudflare:test";
import { lockOf } from "../../src/engine/lock";
import type { LockState } from "../../src/engine/lock-state";
import { emptyState } from "../../src/engine/lock-state";

/** A task's lock: the object that holds it and its key there (found from the task's organization and concurrency key in D1). */
export async function lockFor(taskId: string) {
  const row = await env.DB.prepare("SELECT id, org_id, concurrency_key FROM tasks WHERE id = ?")
    .bind(taskId)
    .first<{ id: string; org_id: string; concurrency_key: string | null }>();
  if (!row) throw new Error(`no task ${taskId}`);
  return lockOf(env, row);
}

/** A task's lock as stored: its state (empty when the lock keeps nothing for it), its object's alarm, and the runs whose outcome it holds. */
export async function lockStorage(taskId: string) {
  const { stub, key } = await lockFor(taskId);
  return runInDurableObject(stub, async (_i, s) => {
    const row = s.storage.sql.exec<{ state: string }>("SELECT state FROM locks WHERE key = ?", key).toArray()[0];
    const state: LockState = row ? JSON.parse(row.state) : emptyState();
    return { state, alarm: await s.storage.getAlarm(), held: state.leases.filter((l) => l.held !== undefined).map((l) => l.runId) };
  });
}

/** Time passes for a task's lock: every lease's deadline is now behind us (as if its holder stopped reporting). Returns the lock's stub. */
export async function expireLeases(taskId: string) {
  const { stub, key } = await lockFor(taskId);
  await runInDurableObject(stub, async (_i, s) => {
    const row = s.storage.sql.exec<{ state: string }>("SELECT state FROM locks WHERE key = ?", key).toArray()[0];
    if (!row) return;
    const state: LockState = JSON.parse(row.state);
    const past = Date.now() - 1;
    for (const l of state.leases) l.expiresAt = past;
    s.storage.sql.exec("UPDATE locks SET state = ?, deadline = ? WHERE key = ?", JSON.stringify(state), past, key);
  });
  return stub;
}
