import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { createDb } from "../db/client";
import { runs, tasks } from "../db/schema";
import type { Env } from "../env";
import { log } from "../log";
import type { Run } from "../domain/run";
import type { Task } from "../domain/task";
import { placementOf } from "../domain/placement";
import { executors } from "../executors/registry";
import type { Outcome } from "../executors/types";
import { rowToRun } from "../db/mappers/runs";
import { rowToTask } from "../db/mappers/tasks";
import { LEASE_GRACE_MS, lockOf } from "./lock";
import type { LeaseDecision } from "./lock";
import { notify, writeHeld } from "./held";
import { QueueMessage } from "./messages";
import type { RunMessage } from "./messages";
import { recordOutcome } from "./outcome";
import { signingSecrets } from "../db/secrets";
import type { FinalOutcome, HeldOutcome } from "./outcome";
import { tick } from "./tick";

/** How often a running run asks its lock whether a newer run canceled it. */
const CANCEL_POLL_MS = 1000;
/** Triggers that exist because of the schedule; they do not run for a task that is no longer active. */
const SCHEDULED = new Set(["schedule", "catchup", "retry", "event"]);

/**
 * The queue handler. Messages of different tasks are handled concurrently (a burst
 * of tasks due in the same minute must not wait on each other's targets); messages
 * of one task are handled in the order they came, one after another. Each message is
 * acked or retried on its own: an unreadable one is retried until the queue moves it
 * to the dead-letter queue, a failure to process is retried with a delay. Handling is
 * idempotent (at-least-once delivery).
 */
export async function consume(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const lanes = new Map<string, Message<unknown>[]>();
  for (const msg of batch.messages) {
    const body = msg.body as { kind?: unknown; task_id?: unknown } | null;
    const lane = body && body.kind === "run" && typeof body.task_id === "string" ? `task:${body.task_id}` : `message:${msg.id}`;
    const queue = lanes.get(lane);
    if (queue) queue.push(msg);
    else lanes.set(lane, [msg]);
  }
  await Promise.all(
    [...lanes.values()].map(async (msgs) => {
      for (const msg of msgs) await handle(msg, env);
    }),
  );
}

async function handle(msg: Message<unknown>, env: Env): Promise<void> {
  const parsed = QueueMessage.safeParse(msg.body);
  if (!parsed.success) {
    log("error", "message.unreadable", { message_id: msg.id, attempts: msg.attempts });
    msg.retry();
    return;
  }
  try {
    if (parsed.data.kind === "tick") await tick(env, parsed.data.now);
    else await processRun(env, parsed.data);
    msg.ack();
  } catch (e) {
    const ids = parsed.data.kind === "run" ? { run_id: parsed.data.run_id, task_id: parsed.data.task_id } : {};
    log("error", "message.failed", { ...ids, attempts: msg.attempts, error: e instanceof Error ? e.message : String(e) });
    msg.retry({ delaySeconds: Math.min(60, 5 * msg.attempts) });
  }
}

async function settle(db: Db, run: Run, status: "skipped" | "canceled", reason: string, now = Date.now()): Promise<void> {
  await db
    .update(runs)
    .set({ status, reason, finishedAt: now })
    .where(and(eq(runs.id, run.id), eq(runs.status, "queued")));
  log("info", `run.${status}`, { task_id: run.task_id, run_id: run.id, reason });
}

/**
 * Handles one run: checks it is still wanted, takes a lease, executes, records, releases.
 *
 * A run takes the task as it is when it starts: its current type, parameters, timeout and
 * retry policy (an edit after the claim applies to the run; an edit while it runs applies
 * from the next run). A run claimed for an occurrence of a schedule that was changed since
 * still runs: it was recorded and announced as queued, and the new schedule applies from the
 * next claim (an occurrence already claimed is never claimed twice: runs are unique by task,
 * occurrence and attempt).
 *
 * If D1 refuses the outcome after the executor ran, the outcome is left with the run's lock
 * (`TaskLock.hold`) and the lease is kept; the message fails and is redelivered, and the
 * redelivery finds the run `running` with a held outcome and only writes it. The target is
 * not called again. (If no redelivery comes, the lock's alarm writes it.)
 */
export async function processRun(env: Env, m: RunMessage): Promise<void> {
  const db = createDb(env.DB);
  const runRow = await db
    .select()
    .from(runs)
    .where(and(eq(runs.id, m.run_id), eq(runs.orgId, m.org_id)))
    .get();
  if (runRow?.status === "running" && runRow.runnerReadyAt === null) return redeliveredWhileRunning(env, db, m);
  if (runRow?.status !== "queued") return; // Redelivery of a run already started or finished.
  const run = rowToRun(runRow);
  const taskRow = await db
    .select()
    .from(tasks)
    .where(and(eq(tasks.id, m.task_id), eq(tasks.orgId, m.org_id)))
    .get();
  if (!taskRow || taskRow.deletedAt !== null) return settle(db, run, "canceled", "task_deleted");
  const task = rowToTask(taskRow);
  if (task.status === "canceled") return settle(db, run, "canceled", "task_canceled");
  if (task.status !== "active" && SCHEDULED.has(run.trigger)) return settle(db, run, "canceled", `task_${task.status}`);

  const lock = lockOf(env, task);
  const overlap = (run.input as { overlap_policy?: Task["overlap_policy"] } | null)?.overlap_policy ?? task.overlap_policy;
  const lease: LeaseDecision = await lock.acquire({
    runId: run.id,
    taskId: task.id,
    orgId: task.org_id,
    limit: task.concurrency_limit,
    policy: overlap,
    leaseMs: task.timeout_seconds * 1000 + LEASE_GRACE_MS,
    dedupeKey: task.dedupe_key,
    dedupeWindowMs: task.dedupe_window_seconds === null ? null : task.dedupe_window_seconds * 1000,
  });
  switch (lease.decision) {
    case "duplicate":
    case "buffered": // The lock sends it again when a slot frees up.
      return;
    case "skip_overlap":
      return settle(db, run, "skipped", "overlap");
    case "skip_dedupe":
      return settle(db, run, "skipped", "dedupe");
  }
  if (lease.cancel?.length) log("info", "run.cancel_requested", { task_id: task.id, canceled: lease.cancel, by: run.id });
  const placement = placementOf(task);
  if (placement.runner) {
    // Runners on the user's hosts pull this run; the lease stays held until they complete it
    // (or it lapses and the lock's alarm times the run out). A part the edge does (a health
    // check's probes) runs first, and its outcome waits in the run's result for the runner's.
    const edge = placement.edge ? await execute(env, db, task, run, () => lock.isCanceled(run.id)) : undefined;
    const handed = await db
      .update(runs)
      .set({ runnerReadyAt: Date.now(), ...(edge && { result: { edge } }) })
      .where(and(eq(runs.id, run.id), eq(runs.status, "queued")))
      .returning()
      .get();
    if (!handed) await lock.release(run.id);
    else log("info", "run.awaiting_runner", { task_id: task.id, run_id: run.id, type: task.type });
    return;
  }
  let holding = false;
  try {
    const startedAt = Date.now();
    const started = await db
      .update(runs)
      .set({ status: "running", startedAt })
      .where(and(eq(runs.id, run.id), eq(runs.status, "queued")))
      .returning()
      .get();
    if (!started) return;
    log("info", "run.started", { task_id: task.id, run_id: run.id, attempt: run.attempt, trigger: run.trigger });
    const running = { ...run, status: "running" as const, started_at: startedAt };
    const outcome = await execute(env, db, task, running, () => lock.isCanceled(run.id));
    const finishedAt = Date.now();
    let recorded: Run | null;
    try {
      recorded = await recordOutcome(env, db, task, running, outcome, finishedAt);
    } catch (e) {
      // The target ran; only the write failed. Keep the lease (so its alarm is the backstop)
      // and the outcome with the lock, and fail the message: its redelivery writes it.
      holding = true;
      log("error", "run.outcome_write_failed", {
        task_id: task.id,
        run_id: run.id,
        status: outcome.status,
        error: e instanceof Error ? e.message : String(e),
      });
      await lock.hold(run.id, { outcome, finishedAt });
      throw e;
    }
    if (recorded) await notify(env, db, task, recorded);
  } finally {
    if (!holding) await lock.release(run.id);
  }
}

/**
 * A message for a run already `running`: a duplicate while it runs (the lock holds no
 * outcome for it: nothing to do), or the redelivery of a run whose outcome write failed:
 * the held outcome is written, the lease released, and the target is not called again.
 */
async function redeliveredWhileRunning(env: Env, db: Db, m: RunMessage): Promise<void> {
  const taskRow = await db
    .select()
    .from(tasks)
    .where(and(eq(tasks.id, m.task_id), eq(tasks.orgId, m.org_id)))
    .get();
  if (!taskRow) return;
  const task = rowToTask(taskRow);
  const lock = lockOf(env, task);
  const held = (await lock.held(m.run_id)) as HeldOutcome | null;
  if (!held) return;
  await writeHeld(env, db, task, m.run_id, held);
  await lock.release(m.run_id);
}

/** Runs the executor under the task's timeout, and aborts it if a newer run cancels this one. */
async function execute(env: Env, db: Db, task: Task, run: Run, canceled: () => Promise<boolean>): Promise<FinalOutcome> {
  const executor = executors[task.type];
  if (!executor) return { status: "failed", error: `no executor for ${task.type} tasks in this deployment yet` };
  const secrets = await signingSecrets(db, task.org_id);
  const controller = new AbortController();
  let canceledByNewer = false;
  const timer = setTimeout(() => controller.abort(new Error("timeout")), task.timeout_seconds * 1000);
  // Only a newer run under cancel_other cancels a running one: a task with that policy, or
  // one sharing a concurrency key (whose other tasks may have it), asks its lock each second.
  const mayBeCanceled = task.overlap_policy === "cancel_other" || task.concurrency_key !== null;
  const poll = mayBeCanceled
    ? setInterval(() => {
        canceled()
          .then((yes) => {
            if (yes && !controller.signal.aborted) {
              canceledByNewer = true;
              controller.abort(new Error("canceled"));
            }
          })
          .catch(() => undefined);
      }, CANCEL_POLL_MS)
    : undefined;
  let outcome: Outcome;
  try {
    outcome = await executor.execute(task, run, {
      signal: controller.signal,
      signingSecrets: secrets,
      allowPrivateTargets: env.ALLOW_PRIVATE_TARGETS === "true",
      env,
    });
  } catch (e) {
    outcome = { status: "failed", error: e instanceof Error ? e.message : String(e) };
  } finally {
    clearTimeout(timer);
    if (poll !== undefined) clearInterval(poll);
  }
  if (canceledByNewer) return { status: "canceled", reason: "overlap", error: "canceled by a newer run (overlap_policy cancel_other)" };
  return outcome;
}
