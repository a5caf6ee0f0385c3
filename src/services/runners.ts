import { and, asc, eq, inArray, isNotNull, isNull, or, sql } from "drizzle-orm";
import { runs, tasks } from "../db/schema";
import type { Env } from "../env";
import { DomainError, conflict, notFound } from "../domain/errors";
import type { Run } from "../domain/run";
import type { Task, TaskType } from "../domain/task";
import { notify } from "../engine/held";
import { LEASE_GRACE_MS, lockOf } from "../engine/lock";
import { recordOutcome } from "../engine/outcome";
import type { FinalOutcome } from "../engine/outcome";
import type { ServiceContext } from "./context";
import { recordRunner } from "./runners-seen";
import { rowToRun } from "../db/mappers/runs";
import { rowToTask } from "../db/mappers/tasks";

/** A claimed run lapses this long after the last heartbeat (runners beat every 15 s). */
export const RUNNER_LEASE_MS = 60_000;
export const HEARTBEAT_SECONDS = 15;

export type Claim = { run: Run; task: Task };
/** What a runner asks for: its id, the task types it does, and its labels (`project`). */
export type ClaimRequest = { runner_id: string; types: TaskType[]; labels?: Record<string, string> };

/** The lease deadline: the next heartbeat's, but never past the run's own timeout. */
const deadline = (task: Task, run: { started_at: number | null }, now: number) =>
  Math.min((run.started_at ?? now) + task.timeout_seconds * 1000 + LEASE_GRACE_MS, now + RUNNER_LEASE_MS);

/**
 * Hands the oldest waiting run of the given types to a runner, or null. A task with
 * a project is only for runners labelled with that project (they run on its hosts);
 * a task without one goes to any runner. The claim is a conditional update, so two
 * runners never get the same run.
 */
export async function claimRun(ctx: ServiceContext, env: Env, p: ClaimRequest): Promise<Claim | null> {
  const project = p.labels?.project;
  const candidates = await ctx.db
    .select({ run: runs, task: tasks })
    .from(runs)
    .innerJoin(tasks, eq(tasks.id, runs.taskId))
    .where(
      and(
        eq(runs.orgId, ctx.orgId),
        eq(runs.status, "queued"),
        isNotNull(runs.runnerReadyAt),
        inArray(tasks.type, p.types),
        project ? or(isNull(tasks.projectId), eq(tasks.projectId, project)) : isNull(tasks.projectId),
      ),
    )
    .orderBy(asc(runs.runnerReadyAt))
    .limit(10)
    .all();
  for (const c of candidates) {
    const task = rowToTask(c.task);
    const now = Date.now();
    const expires = deadline(task, { started_at: now }, now);
    const row = await ctx.db
      .update(runs)
      .set({ status: "running", startedAt: now, runnerId: p.runner_id, leaseExpiresAt: expires })
      .where(and(eq(runs.id, c.run.id), eq(runs.status, "queued")))
      .returning()
      .get();
    if (!row) continue; // Another runner was faster.
    const lock = lockOf(env, task);
    await lock.stub.renew(lock.key, row.id, expires);
    ctx.log("info", "run.claimed", { task_id: task.id, run_id: row.id, runner_id: p.runner_id });
    return { run: rowToRun(row), task };
  }
  return null;
}

/**
 * Long-polls for a claim: tries about once a second until `waitMs` has passed or the
 * caller has gone (`signal`); null when nothing came.
 */
export async function waitForClaim(
  ctx: ServiceContext,
  env: Env,
  p: ClaimRequest,
  waitMs: number,
  signal?: AbortSignal,
): Promise<Claim | null> {
  await recordRunner(ctx, p.runner_id, { labels: p.labels, types: p.types });
  const until = Date.now() + waitMs;
  for (;;) {
    const claim = await claimRun(ctx, env, p);
    if (claim) return claim;
    if (Date.now() >= until || signal?.aborted) return null;
    await new Promise((r) => setTimeout(r, Math.min(1000, Math.max(0, until - Date.now()))));
  }
}

async function claimedRun(ctx: ServiceContext, runId: string, runnerId: string): Promise<{ run: Run; task: Task }> {
  const row = await ctx.db
    .select({ run: runs, task: tasks })
    .from(runs)
    .innerJoin(tasks, eq(tasks.id, runs.taskId))
    .where(and(eq(runs.id, runId), eq(runs.orgId, ctx.orgId)))
    .get();
  if (!row) throw notFound("run");
  const run = rowToRun(row.run);
  if (run.runner_id !== runnerId) throw conflict("not_claimed", `run ${runId} is not claimed by runner ${runnerId}`);
  if (run.status !== "running") throw conflict("run_finished", `run ${runId} is already ${run.status}; stop working on it`);
  return { run, task: rowToTask(row.task) };
}

/**
 * Keeps a claimed run's lease alive, and records the output so far (the run shows
 * `result.partial: true` until it completes). `cancel` tells the runner to stop
 * (task canceled, or run canceled by a newer one).
 */
export async function heartbeat(
  ctx: ServiceContext,
  env: Env,
  runId: string,
  runnerId: string,
  progress: { stdout_tail?: string; stderr_tail?: string } = {},
): Promise<{ lease_expires_at: number; cancel: boolean }> {
  const { run, task } = await claimedRun(ctx, runId, runnerId);
  await recordRunner(ctx, runnerId);
  const now = Date.now();
  const expires = deadline(task, run, now);
  const hasProgress = progress.stdout_tail !== undefined || progress.stderr_tail !== undefined;
  const edge = edgeOutcome(run);
  const partial = {
    ...(edge && { edge }),
    partial: true,
    stdout_tail: progress.stdout_tail ?? "",
    stderr_tail: progress.stderr_tail ?? "",
  };
  const renewed = await ctx.db
    .update(runs)
    .set({ leaseExpiresAt: expires, ...(hasProgress && { result: partial }) })
    .where(and(eq(runs.id, runId), eq(runs.status, "running"), eq(runs.runnerId, runnerId)))
    .returning({ id: runs.id })
    .get();
  if (!renewed) throw conflict("run_finished", `run ${runId} is no longer running`);
  const { stub, key } = lockOf(env, task);
  const held = await stub.renew(key, runId, expires);
  const taskGone =
    (await ctx.db
      .select({ n: sql<number>`1` })
      .from(tasks)
      .where(and(eq(tasks.id, task.id), or(eq(tasks.status, "canceled"), isNotNull(tasks.deletedAt))))
      .get()) !== undefined;
  return { lease_expires_at: expires, cancel: !held || taskGone || (await stub.isCanceled(key, runId)) };
}

export type Completion = {
  runner_id: string;
  status: "succeeded" | "failed" | "timed_out";
  exit_code?: number | null;
  stdout_tail?: string;
  stderr_tail?: string;
  result?: unknown;
};

/** The outcome of a run's edge part (a health check's probes), kept in its result while a runner does the rest. */
function edgeOutcome(run: Run): FinalOutcome | undefined {
  const r = run.result as { edge?: FinalOutcome } | null;
  return r && typeof r === "object" && r.edge && typeof r.edge === "object" ? r.edge : undefined;
}

/**
 * What a health check's runner part did: check the containers, and/or check connectivity
 * from the hosts (a project with no public url). Its report lands under `containers` when
 * it checked containers, else under `connectivity`.
 */
function healthPart(p: Record<string, unknown>): { what: string; key: "containers" | "connectivity"; connectivity: boolean } {
  const containers = p.check_containers === true;
  const connectivity = p.runner_connectivity === true;
  const what =
    containers && connectivity ? "the connectivity and container check" : containers ? "the container check" : "the connectivity check";
  return { what, key: containers ? "containers" : "connectivity", connectivity };
}

/**
 * Records what a runner reports, through the same path as every other run (retries
 * included), and frees the lock. A run whose edge part ran first (a health check
 * with container checks) gets one result: the edge's, with the runner's report under
 * `containers` (or `connectivity`); it succeeds only if both parts did. A health check's
 * result names who checked connectivity in `connectivity_checked_by` ("edge" or "runner").
 */
export async function completeRun(ctx: ServiceContext, env: Env, runId: string, c: Completion): Promise<Run> {
  const { run, task } = await claimedRun(ctx, runId, c.runner_id);
  const report = {
    exit_code: c.exit_code ?? null,
    stdout_tail: c.stdout_tail ?? "",
    stderr_tail: c.stderr_tail ?? "",
    ...(c.result !== undefined && { output: c.result }),
  };
  const health = task.type === "health_check" ? healthPart(task.parameters) : null;
  const what = health?.what ?? "the command";
  const runnerError =
    c.status === "succeeded"
      ? undefined
      : c.status === "timed_out"
        ? `${what} timed out on the runner`
        : `${what} failed with exit code ${c.exit_code ?? "unknown"}`;
  const edge = edgeOutcome(run);
  const outcome: FinalOutcome =
    edge || health
      ? {
          status: c.status !== "succeeded" ? c.status : (edge?.status ?? c.status),
          result: {
            ...(edge && typeof edge.result === "object" && edge.result !== null ? edge.result : {}),
            ...(health?.connectivity && { connectivity_checked_by: "runner" }),
            [health?.key ?? "containers"]: report,
          },
          error: [edge?.error, runnerError].filter(Boolean).join("; ") || undefined,
          ...(edge?.targets !== undefined && { targets: edge.targets }),
          // A refused edge target stays a permanent failure once the runner's part is in.
          ...(edge?.permanent === true && { permanent: true }),
        }
      : { status: c.status, result: report, error: runnerError };
  const recorded = await recordOutcome(env, ctx.db, task, run, outcome, Date.now(), ctx.log);
  const lock = lockOf(env, task);
  await lock.stub.releaseMany([{ key: lock.key, runId }]);
  if (!recorded) throw new DomainError("conflict", "run_finished", `run ${runId} was finished before this report arrived`);
  await notify(env, ctx.db, task, recorded, ctx.log);
  return recorded;
}
