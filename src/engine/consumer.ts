import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { createDb } from "../db/client";
import { organizations, runs, tasks } from "../db/schema";
import type { Env } from "../env";
import { log } from "../log";
import { retryDelaySeconds } from "../domain/retry";
import type { Run } from "../domain/run";
import type { Task } from "../domain/task";
import { executors } from "../executors/registry";
import type { Outcome } from "../executors/types";
import { rowToRun } from "../services/runs/mapper";
import { rowToTask } from "../services/tasks/mapper";
import { RunMessage, runMessage } from "./messages";

/** Lease grace beyond the run's timeout before the lock gives the slot back. */
const LEASE_GRACE_MS = 30_000;
/** Longest delay a queue message can carry (12 hours). */
const MAX_QUEUE_DELAY = 43_200;

/** The queue handler: each message is handled and acked on its own; failures are retried by the queue, then dead-lettered. */
export async function consume(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const msg of batch.messages) {
    const parsed = RunMessage.safeParse(msg.body);
    if (!parsed.success) {
      log("error", "message.unreadable", { id: msg.id, attempts: msg.attempts });
      msg.retry();
      continue;
    }
    try {
      const wait = await processRun(env, parsed.data);
      if (wait === "later") msg.retry({ delaySeconds: 5 });
      else msg.ack();
    } catch (e) {
      log("error", "run.process_failed", { run_id: parsed.data.run_id, task_id: parsed.data.task_id, error: e instanceof Error ? e.message : String(e) });
      msg.retry({ delaySeconds: 10 });
    }
  }
}

async function finish(db: Db, run: Run, status: Run["status"], fields: { reason?: string; error?: string; result?: unknown; targets?: unknown; final?: boolean }, now: number) {
  await db
    .update(runs)
    .set({ status, reason: fields.reason ?? null, error: fields.error ?? null, result: fields.result ?? null, targets: fields.targets ?? null, final: fields.final ?? false, finishedAt: now, durationMs: run.started_at ? now - run.started_at : null })
    .where(eq(runs.id, run.id));
}

/** Handles one run message. Idempotent: a run that is no longer queued is left alone. */
export async function processRun(env: Env, m: RunMessage): Promise<"done" | "later"> {
  const db = createDb(env.DB);
  const runRow = await db.select().from(runs).where(and(eq(runs.id, m.run_id), eq(runs.orgId, m.org_id))).get();
  if (!runRow || runRow.status !== "queued") return "done";
  const run = rowToRun(runRow);
  const taskRow = await db.select().from(tasks).where(and(eq(tasks.id, m.task_id), eq(tasks.orgId, m.org_id))).get();
  if (!taskRow || taskRow.deletedAt !== null || taskRow.status === "canceled") {
    await finish(db, run, "canceled", { reason: taskRow ? "task_canceled" : "task_deleted" }, Date.now());
    return "done";
  }
  const task = rowToTask(taskRow);
  const lock = env.TASK_LOCK.get(env.TASK_LOCK.idFromName(task.concurrency_key ?? task.id));
  const limit = task.overlap_policy === "allow_all" ? Number.MAX_SAFE_INTEGER : task.concurrency_limit;
  const lease = await lock.acquire(run.id, task.timeout_seconds * 1000 + LEASE_GRACE_MS, limit);
  if (!lease.granted) {
    if (task.overlap_policy === "skip") {
      await finish(db, run, "skipped", { reason: "overlap" }, Date.now());
      return "done";
    }
    return "later";
  }
  try {
    const startedAt = Date.now();
    const started = await db.update(runs).set({ status: "running", startedAt }).where(and(eq(runs.id, run.id), eq(runs.status, "queued"))).returning().get();
    if (!started) return "done";
    log("info", "run.started", { task_id: task.id, run_id: run.id, attempt: run.attempt, trigger: run.trigger });
    const outcome = await execute(env, db, task, { ...run, started_at: startedAt });
    await record(env, db, task, { ...run, started_at: startedAt }, outcome);
    return "done";
  } finally {
    await lock.release(run.id);
  }
}

async function execute(env: Env, db: Db, task: Task, run: Run): Promise<Outcome> {
  const executor = executors[task.type];
  if (!executor) return { status: "failed", error: `no executor for ${task.type} tasks in this deployment yet` };
  const org = await db.select().from(organizations).where(eq(organizations.id, task.org_id)).get();
  const signingSecrets = org ? [org.signingSecret, ...(org.nextSigningSecret ? [org.nextSigningSecret] : [])] : [];
  const signal = AbortSignal.timeout(task.timeout_seconds * 1000);
  try {
    return await executor.execute(task, run, { signal, signingSecrets, allowPrivateTargets: env.ALLOW_PRIVATE_TARGETS === "true" });
  } catch (e) {
    return { status: "failed", error: e instanceof Error ? e.message : String(e) };
  }
}

/** Writes the outcome, updates the task, and queues the retry a failure earns. */
async function record(env: Env, db: Db, task: Task, run: Run, outcome: Outcome): Promise<void> {
  const now = Date.now();
  const willRetry = outcome.status !== "succeeded" && run.attempt <= task.retry.max_retries;
  const completes = outcome.status === "succeeded" && (task.schedule.kind === "once" || task.schedule.kind === "delayed");
  const retryId = crypto.randomUUID();
  const delay = Math.min(MAX_QUEUE_DELAY, outcome.retryAfterSeconds ?? retryDelaySeconds(task.retry, run.attempt));
  await db.batch([
    db
      .update(runs)
      .set({ status: outcome.status, result: outcome.result ?? null, error: outcome.error ?? null, targets: outcome.targets ?? null, final: outcome.status !== "succeeded" && !willRetry, finishedAt: now, durationMs: now - (run.started_at ?? now) })
      .where(eq(runs.id, run.id)),
    db
      .update(tasks)
      .set({ lastRunAt: run.started_at ?? now, lastStatus: outcome.status, ...(completes && task.status === "active" && { status: "completed", nextRunAt: null }) })
      .where(eq(tasks.id, task.id)),
    ...(willRetry
      ? [db.insert(runs).values({ id: retryId, orgId: task.org_id, taskId: task.id, trigger: "retry", attempt: run.attempt + 1, status: "queued", scheduledFor: run.scheduled_for, retryOf: run.id, input: run.input, createdAt: now }).onConflictDoNothing()]
      : []),
  ]);
  log("info", "run.finished", { task_id: task.id, run_id: run.id, status: outcome.status, duration_ms: now - (run.started_at ?? now), attempt: run.attempt });
  if (willRetry) await env.RUNS.send(runMessage({ id: retryId, task_id: task.id }, task.org_id), { delaySeconds: delay });
}
