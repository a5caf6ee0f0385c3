/**
 * Writing outcomes a lock held and the notifications of recorded runs: one place that the
 * consumer (a redelivered message), the lock's alarm and the runners service all call.
 */
import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { createDb } from "../db/client";
import { rowToTask } from "../db/mappers/tasks";
import { tasks } from "../db/schema";
import { signingSecrets } from "../db/secrets";
import type { Run } from "../domain/run";
import type { Task } from "../domain/task";
import type { Env } from "../env";
import { log } from "../log";
import type { Logger } from "../log";
import { destination, notifyOutcome } from "./notify";
import { recordHeldOutcome } from "./outcome";
import type { HeldOutcome } from "./outcome";

/** Writes an outcome the lock held (see `TaskLock.hold`) and sends its notification; the redelivery and the lock's alarm both end here. */
export async function writeHeld(env: Env, db: Db, task: Task, runId: string, held: HeldOutcome): Promise<void> {
  const recorded = await recordHeldOutcome(env, db, task, runId, held);
  log("info", "run.outcome_written", { task_id: task.id, run_id: runId, status: held.outcome.status, recorded: recorded !== null });
  if (recorded) await notify(env, db, task, recorded);
}

/** The lock's alarm: writes the outcome it held for a run no redelivery came for. */
export async function writeHeldOutcome(env: Env, runId: string, taskId: string, orgId: string, held: HeldOutcome): Promise<void> {
  const db = createDb(env.DB);
  const taskRow = await db
    .select()
    .from(tasks)
    .where(and(eq(tasks.id, taskId), eq(tasks.orgId, orgId)))
    .get();
  if (taskRow) await writeHeld(env, db, rowToTask(taskRow), runId, held);
}

/**
 * Sends the task's on_success/on_failure notification for a recorded run (never fails the
 * run). `secrets` gives the organization's signing secrets when the caller already has them.
 */
export async function notify(
  env: Env,
  db: Db,
  task: Task,
  recorded: Run,
  logger: Logger = log,
  secrets: () => Promise<string[]> = () => signingSecrets(db, task.org_id),
): Promise<void> {
  // Most tasks ask for no notification: then the organization's secrets are not read at all.
  if (!destination(task, recorded)) return;
  const sent = await notifyOutcome(task, recorded, {
    signingSecrets: await secrets(),
    allowPrivateTargets: env.ALLOW_PRIVATE_TARGETS === "true",
  });
  if (sent)
    logger(sent.error ? "warn" : "info", "run.notified", { task_id: task.id, run_id: recorded.id, status: sent.status, error: sent.error });
}
