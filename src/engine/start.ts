import { and } from "drizzle-orm";
import { createDb, inJson } from "../db/client";
import { rowToRun } from "../db/mappers/runs";
import { rowToTask } from "../db/mappers/tasks";
import { runs, tasks } from "../db/schema";
import { secretsOf, selectSecretsOf } from "../db/secrets";
import { placementOf } from "../domain/placement";
import type { Run } from "../domain/run";
import type { Task } from "../domain/task";
import type { Env } from "../env";
import { log } from "../log";
import { metered, newCost, share } from "./cost";
import { writeHeld } from "./held";
import { LEASE_GRACE_MS, lockOf } from "./lock";
import type { LeaseDecision, LeaseRequest } from "./lock";
import type { RunRef } from "./messages";
import type { HeldOutcome } from "./outcome";
import { finishedFields } from "./outcome";
import { handToRunner, runGroup } from "./run-group";
import type { Started } from "./run-group";
import { settleRuns } from "./settle";
import { guard, guardAll, perLockObject, timed } from "./batch";
import type { Batch } from "./batch";
import type { Settle } from "./settle";

/** Triggers that exist because of the schedule; they do not run for a task that is no longer active. */
const SCHEDULED = new Set(["schedule", "catchup", "retry", "event"]);

/**
 * Starts the runs of one round of a queue batch (each of a different task), paying once
 * per batch rather than per run: one D1 round trip reads every run, task and signing
 * secret; one Durable Object call per run takes its lease; one statement marks every run
 * due at the same instant running, just when its instant comes; the executors run
 * concurrently; one D1 batch records every outcome; one call per run releases its lease.
 * Returns the ids of runs whose handling failed: their messages are retried, and the
 * redelivery finds each run as this left it (handling is idempotent; see RELIABILITY.md).
 */
export async function startRuns(env: Env, refs: RunRef[]): Promise<Set<string>> {
  const cost = newCost();
  const d1 = metered(env.DB, cost);
  const db = createDb(d1);
  const ids = (f: (r: RunRef) => string) => [...new Set(refs.map(f))];
  const orgIds = ids((r) => r.org_id);
  const ms: Record<string, number> = {};
  const t0 = Date.now();
  const [runRows, taskRows, secretRows] = await db.batch([
    db
      .select()
      .from(runs)
      .where(
        and(
          inJson(
            runs.id,
            ids((r) => r.run_id),
          ),
          inJson(runs.orgId, orgIds),
        ),
      ),
    db
      .select()
      .from(tasks)
      .where(
        and(
          inJson(
            tasks.id,
            ids((r) => r.task_id),
          ),
          inJson(tasks.orgId, orgIds),
        ),
      ),
    selectSecretsOf(db, orgIds),
  ]);
  const runOf = new Map(runRows.map((r) => [r.id, r]));
  const taskOf = new Map(taskRows.map((t) => [t.id, t]));
  const secretsOfOrg = new Map(secretRows.map((r) => [r.id, secretsOf(r)]));
  const batch: Batch = { env, d1, db, cost, secrets: async (org) => secretsOfOrg.get(org) ?? [], failed: new Set(), ms };
  ms.read = Date.now() - t0;

  const settle: Settle[] = [];
  const toLease: Started[] = [];
  const held: Promise<void>[] = [];
  for (const ref of refs) {
    const row = runOf.get(ref.run_id);
    if (!row || row.orgId !== ref.org_id || row.taskId !== ref.task_id) continue;
    const taskRow = taskOf.get(ref.task_id);
    if (row.status === "running" && row.runnerReadyAt === null) {
      if (taskRow) held.push(guard(batch, ref.run_id, () => redeliveredWhileRunning(batch, rowToTask(taskRow), ref.run_id)));
      continue;
    }
    if (row.status !== "queued") continue; // Redelivery of a run already started or finished.
    const run = rowToRun(row);
    if (!taskRow || taskRow.deletedAt !== null) settle.push({ run, status: "canceled", reason: "task_deleted" });
    else if (taskRow.status === "canceled") settle.push({ run, status: "canceled", reason: "task_canceled" });
    else if (taskRow.status !== "active" && SCHEDULED.has(run.trigger))
      settle.push({ run, status: "canceled", reason: `task_${taskRow.status}` });
    else toLease.push({ run, task: rowToTask(taskRow) });
  }

  const leased = await timed(batch, "lease", () => acquireAll(batch, toLease));
  const ready: Started[] = [];
  const handed: Promise<void>[] = [];
  for (const { run, task, lease } of leased) {
    if (lease.decision === "skip_overlap" || lease.decision === "skip_dedupe") {
      settle.push({ run, status: "skipped", reason: lease.decision === "skip_overlap" ? "overlap" : "dedupe" });
    } else if (lease.decision === "run") {
      if (lease.cancel?.length) log("info", "run.cancel_requested", { task_id: task.id, canceled: lease.cancel, by: run.id });
      if (placementOf(task).runner) handed.push(guard(batch, run.id, () => handToRunner(batch, task, run)));
      else ready.push({ run, task });
    }
    // "duplicate": this run holds its lease already (a second message while it runs); "buffered": the lock sends it again.
  }
  await guardAll(batch, settle, () => settleRuns(d1, settle, Date.now()));

  // Runs due at the same instant start together: one group each, waiting for its instant.
  const groups = new Map<number, Started[]>();
  for (const r of ready) {
    const due = Math.max(r.run.scheduled_for, r.run.not_before ?? 0);
    const group = groups.get(due);
    if (group) group.push(r);
    else groups.set(due, [r]);
  }
  const recorded = (await Promise.all([...groups].map(([due, group]) => runGroup(batch, due, group)))).flat();
  await Promise.all([...held, ...handed]);

  // One line per batch: how many runs, where the time went (read, lease, wait, mark, execute,
  // record, release), and what the whole batch cost.
  log("info", "runs.batch", {
    runs: refs.length,
    started: ready.length,
    failed: batch.failed.size,
    duration_ms: Date.now() - t0,
    ms,
    cost,
  });
  const each = share(cost, refs.length);
  const onlyFailures = env.RUN_LOG === "failures";
  for (const r of recorded)
    if (!onlyFailures || r.run.status !== "succeeded") log("info", "run.finished", { ...finishedFields(r), cost: each });
  return batch.failed;
}

/** Takes the leases of a round's runs: one Durable Object request per lock object, not per run. */
async function acquireAll(batch: Batch, items: Started[]): Promise<(Started & { lease: LeaseDecision })[]> {
  const leased: (Started & { lease: LeaseDecision })[] = [];
  await perLockObject(batch, items, async (stub, entries) => {
    const { decisions, written } = await stub.acquireMany(entries.map(({ item, key }) => ({ key, ...leaseRequest(item.task, item.run) })));
    batch.cost.do_rows_written += written;
    entries.forEach(({ item }, i) => {
      const lease = decisions[i];
      if (lease) leased.push({ ...item, lease });
    });
  });
  return leased;
}

function leaseRequest(task: Task, run: Run): LeaseRequest {
  const overlap = (run.input as { overlap_policy?: Task["overlap_policy"] } | null)?.overlap_policy ?? task.overlap_policy;
  return {
    runId: run.id,
    taskId: task.id,
    orgId: task.org_id,
    limit: task.concurrency_limit,
    policy: overlap,
    leaseMs: task.timeout_seconds * 1000 + LEASE_GRACE_MS,
    dedupeKey: task.dedupe_key,
    dedupeWindowMs: task.dedupe_window_seconds === null ? null : task.dedupe_window_seconds * 1000,
  };
}

/**
 * A message for a run already `running`: a duplicate while it runs (the lock holds no
 * outcome for it: nothing to do), or the redelivery of a run whose outcome write failed:
 * the held outcome is written, the lease released, and the target is not called again.
 */
async function redeliveredWhileRunning(batch: Batch, task: Task, runId: string): Promise<void> {
  const { stub, key } = lockOf(batch.env, task);
  batch.cost.do_requests++;
  const held = (await stub.held(key, runId)) as HeldOutcome | null;
  if (!held) return;
  await writeHeld(batch.env, batch.db, task, runId, held);
  batch.cost.do_requests++;
  batch.cost.do_rows_written += await stub.releaseMany([{ key, runId }]);
}
