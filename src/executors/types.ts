import type { Env } from "../env";
import type { Run } from "../domain/run";
import type { Task } from "../domain/task";

/**
 * What an executor reports. `retryAfterSeconds` carries a target's Retry-After.
 * `permanent` marks a failure no retry can cure (a refused private target): the run is
 * final at once, whatever the task's retry policy.
 */
export type Outcome = {
  status: "succeeded" | "failed" | "timed_out";
  result?: unknown;
  error?: string;
  targets?: unknown;
  retryAfterSeconds?: number;
  permanent?: boolean;
};

export type ExecContext = {
  signal: AbortSignal;
  /** Secrets to sign outbound bodies with (current first; next during a rotation). */
  signingSecrets: string[];
  allowPrivateTargets: boolean;
  /** The Worker's bindings and secrets (R2, endpoint URLs, keys) for executors that need them. */
  env: Env;
};

/** One executor per task type, behind this one interface. */
export interface Executor {
  execute(task: Task, run: Run, ctx: ExecContext): Promise<Outcome>;
}
