import type { Run } from "../domain/run";
import type { Task } from "../domain/task";
import type { Env } from "../env";
import { executors } from "../executors/registry";
import type { Outcome } from "../executors/types";
import type { FinalOutcome } from "./outcome";

/** How often a running run asks its lock whether a newer run canceled it. */
const CANCEL_POLL_MS = 1000;

/**
 * Runs the executor under the task's timeout, and aborts it if a newer run cancels this
 * one. Only a newer run under cancel_other cancels a running one: a task with that policy,
 * or one sharing a concurrency key (whose other tasks may have it), asks its lock each
 * second (`canceled`); every other run makes no call to its lock while it runs.
 */
export async function execute(env: Env, task: Task, run: Run, secrets: string[], canceled: () => Promise<boolean>): Promise<FinalOutcome> {
  const executor = executors[task.type];
  if (!executor) return { status: "failed", error: `no executor for ${task.type} tasks in this deployment yet` };
  const controller = new AbortController();
  let canceledByNewer = false;
  const timer = setTimeout(() => controller.abort(new Error("timeout")), task.timeout_seconds * 1000);
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
