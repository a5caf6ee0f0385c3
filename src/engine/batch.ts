import type { Db } from "../db/client";
import type { Env } from "../env";
import { log } from "../log";
import type { Cost } from "./cost";
import { byLock } from "./lock";
import type { TaskLock } from "./lock";
import type { Task } from "../domain/task";

/** What one call of `startRuns` shares: the metered database, the organizations' secrets, the cost so far. */
export type Batch = {
  env: Env;
  d1: D1Database;
  db: Db;
  cost: Cost;
  secrets: (orgId: string) => Promise<string[]>;
  failed: Set<string>;
  /** Milliseconds spent in each step (the longest group's, for the steps each group does): logged once per batch. */
  ms: Record<string, number>;
};

/** Runs `f` and keeps how long it took under `step` (the longest, when groups do it side by side). */
export async function timed<T>(batch: Batch, step: string, f: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  try {
    return await f();
  } finally {
    batch.ms[step] = Math.max(batch.ms[step] ?? 0, Date.now() - t0);
  }
}

/** Runs `f` for one run; a failure marks that run's message for redelivery instead of failing the batch. */
export async function guard<T>(batch: Batch, runId: string, f: () => Promise<T>): Promise<T | undefined> {
  try {
    return await f();
  } catch (e) {
    batch.failed.add(runId);
    log("error", "message.failed", { run_id: runId, error: e instanceof Error ? e.message : String(e) });
    return undefined;
  }
}

export async function guardAll(batch: Batch, items: { run: { id: string } }[], f: () => Promise<void>): Promise<void> {
  if (items.length === 0) return;
  try {
    await f();
  } catch (e) {
    for (const i of items) batch.failed.add(i.run.id);
    log("error", "message.failed", { run_ids: items.map((i) => i.run.id), error: e instanceof Error ? e.message : String(e) });
  }
}

/**
 * Calls each lock object holding some of `items` once: `f` gets its stub and the items with
 * their keys there. Counts the request; a failed call fails only the runs it carried.
 */
export async function perLockObject<T extends { run: { id: string }; task: Task }>(
  batch: Batch,
  items: T[],
  f: (stub: DurableObjectStub<TaskLock>, entries: { item: T; key: string }[]) => Promise<void>,
): Promise<void> {
  await Promise.all(
    byLock(batch.env, items, (i) => i.task).map(({ stub, entries }) =>
      guardAll(
        batch,
        entries.map((e) => e.item),
        () => {
          batch.cost.do_requests++;
          return f(stub, entries);
        },
      ),
    ),
  );
}
