import { and, count, desc, eq, sql } from "drizzle-orm";
import type { SQL } from "drizzle-orm";
import { runs } from "../../db/schema";
import { notFound } from "../../domain/errors";
import { isRunFinished } from "../../domain/run";
import type { Run, RunStatus, RunTrigger } from "../../domain/run";
import type { ServiceContext } from "../context";
import { getTask } from "../tasks/read";
import { rowToRun } from "../../db/mappers/runs";

export async function getRun(ctx: ServiceContext, id: string): Promise<Run> {
  const row = await ctx.db
    .select()
    .from(runs)
    .where(and(eq(runs.id, id), eq(runs.orgId, ctx.orgId)))
    .get();
  if (!row) throw notFound("run");
  return rowToRun(row);
}

/**
 * The run once it is finished, or as it is at `deadline` (epoch ms): polls with a backoff
 * from 100 ms to 1 s. For a face that answers a run-now with its execution.
 */
export async function awaitRun(ctx: ServiceContext, id: string, deadline: number): Promise<Run> {
  let current = await getRun(ctx, id);
  let pause = 100;
  while (!isRunFinished(current) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(pause, Math.max(0, deadline - Date.now()))));
    pause = Math.min(pause * 2, 1000);
    current = await getRun(ctx, id);
  }
  return current;
}

/** A task's runs, newest first. */
export async function listTaskRuns(
  ctx: ServiceContext,
  taskId: string,
  f: { status?: RunStatus; limit: number; offset: number },
): Promise<{ runs: Run[]; total: number }> {
  await getTask(ctx, taskId);
  const where: SQL[] = [eq(runs.taskId, taskId), eq(runs.orgId, ctx.orgId)];
  if (f.status) where.push(eq(runs.status, f.status));
  const cond = and(...where);
  const [page, totals] = await ctx.db.batch([
    ctx.db.select().from(runs).where(cond).orderBy(desc(runs.createdAt), desc(runs.id)).limit(f.limit).offset(f.offset),
    ctx.db.select({ n: count() }).from(runs).where(cond),
  ]);
  return { runs: page.map(rowToRun), total: totals[0]?.n ?? 0 };
}

export type RunFilter = {
  status?: RunStatus;
  final?: boolean;
  task_id?: string;
  trigger?: RunTrigger;
  /** Only runs that started more than this many ms after their scheduled_for. */
  late_over_ms?: number;
  limit: number;
  offset: number;
};

/**
 * The organization's runs across all its tasks, newest first (runs of deleted tasks
 * included, as they stay readable by id). `final: true` with `status: failed` lists
 * final failures.
 */
export async function listRuns(ctx: ServiceContext, f: RunFilter): Promise<{ runs: Run[]; total: number }> {
  // org_id (and status when given) lead, so runs_org_status_idx serves the scan.
  const where: SQL[] = [eq(runs.orgId, ctx.orgId)];
  if (f.status) where.push(eq(runs.status, f.status));
  if (f.final !== undefined) where.push(eq(runs.final, f.final));
  if (f.task_id) where.push(eq(runs.taskId, f.task_id));
  if (f.trigger) where.push(eq(runs.trigger, f.trigger));
  // A run not started yet has no lateness (NULL), so it is left out.
  if (f.late_over_ms !== undefined) where.push(sql`${runs.startedAt} - ${runs.scheduledFor} > ${f.late_over_ms}`);
  const cond = and(...where);
  const [page, totals] = await ctx.db.batch([
    ctx.db.select().from(runs).where(cond).orderBy(desc(runs.createdAt), desc(runs.id)).limit(f.limit).offset(f.offset),
    ctx.db.select({ n: count() }).from(runs).where(cond),
  ]);
  return { runs: page.map(rowToRun), total: totals[0]?.n ?? 0 };
}

/**
 * The statuses of each task's latest `n` runs, newest first, in one statement: a
 * correlated subquery per task walks runs_task_created_idx backwards and stops at `n`,
 * so a list page costs page size × n index reads however many runs a task has.
 */
export async function recentStatuses(ctx: ServiceContext, taskIds: readonly string[], n: number): Promise<Map<string, RunStatus[]>> {
  const out = new Map<string, RunStatus[]>();
  if (taskIds.length === 0 || n <= 0) return out;
  const d1 = ctx.db.$client;
  const { results } = await d1
    .prepare(
      `SELECT j.value AS task_id,
              (SELECT json_group_array(status) FROM
                 (SELECT status FROM runs WHERE task_id = j.value AND org_id = ? ORDER BY created_at DESC, id DESC LIMIT ?)) AS statuses
         FROM json_each(?) AS j`,
    )
    .bind(ctx.orgId, n, JSON.stringify(taskIds))
    .all<{ task_id: string; statuses: string }>();
  for (const r of results) out.set(r.task_id, JSON.parse(r.statuses) as RunStatus[]);
  return out;
}
