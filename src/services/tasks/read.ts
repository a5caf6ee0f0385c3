import { and, desc, eq, isNull } from "drizzle-orm";
import { runs, tasks } from "../../db/schema";
import { notFound } from "../../domain/errors";
import type { ScheduleKind, Task, TaskStatus, TaskType } from "../../domain/task";
import type { ServiceContext } from "../context";
import { rowToTask } from "../../db/mappers/tasks";
import { fromDriverRow } from "../../db/raw";
import { rowToRun } from "../../db/mappers/runs";
import type { Run } from "../../domain/run";

/**
 * The tasks a face can show: of these types and schedule kinds (and, for a face whose
 * tasks belong to an agent, that agent's). A task outside a face's view is "not found" there.
 */
export type TaskView = { types?: readonly TaskType[]; schedule_kinds?: readonly ScheduleKind[]; agent_id?: string; what?: string };

export const inView = (t: Task, v: TaskView): boolean =>
  (!v.types || v.types.includes(t.type)) &&
  (!v.schedule_kinds || v.schedule_kinds.includes(t.schedule.kind)) &&
  (!v.agent_id || t.agent_id === v.agent_id);

/** A task seen through `view`: NotFound (naming `view.what`, default "task") when it is outside it. */
export function inViewOrNotFound<T extends Task>(t: T, view: TaskView | undefined): T {
  if (view && !inView(t, view)) throw notFound(view.what ?? "task");
  return t;
}

/** A live (not deleted) task of the caller's organization (within `view`, if given), or NotFound. */
export async function getTask(ctx: ServiceContext, id: string, view?: TaskView): Promise<Task> {
  const row = await ctx.db
    .select()
    .from(tasks)
    .where(and(eq(tasks.id, id), eq(tasks.orgId, ctx.orgId), isNull(tasks.deletedAt)))
    .get();
  if (!row) throw notFound(view?.what ?? "task");
  return inViewOrNotFound(rowToTask(row), view);
}

/** The task (within `view`, if given) with its latest runs, newest first. */
export async function getTaskWithRuns(
  ctx: ServiceContext,
  id: string,
  runLimit = 10,
  view?: TaskView,
): Promise<Task & { latest_runs: Run[] }> {
  const task = await getTask(ctx, id, view);
  const latest = await ctx.db
    .select()
    .from(runs)
    .where(and(eq(runs.taskId, id), eq(runs.orgId, ctx.orgId)))
    .orderBy(desc(runs.createdAt), desc(runs.id))
    .limit(runLimit)
    .all();
  return { ...task, latest_runs: latest.map(rowToRun) };
}

/**
 * What a list shows. Single values are /v1's query; the lists (`types`, `schedule_kinds`,
 * `statuses`) scope a face to the tasks it can express, so every face's page and total come
 * from one SQL query.
 */
export type TaskFilter = {
  status?: TaskStatus;
  statuses?: readonly TaskStatus[];
  type?: TaskType;
  types?: readonly TaskType[];
  schedule_kinds?: readonly ScheduleKind[];
  enabled?: boolean;
  project_id?: string;
  agent_id?: string;
  schedule_kind?: string;
  created_by?: string;
  q?: string;
  limit: number;
  offset: number;
};

/**
 * One page of the organization's tasks (newest first) and the total that match, in one
 * D1 batch. Written out (db/raw.ts) because this is the API's most frequent query: the
 * page is read in tasks_org_live_idx order and the total counted from that index alone.
 */
export async function listTasks(ctx: ServiceContext, f: TaskFilter): Promise<{ tasks: Task[]; total: number }> {
  const where = ["org_id = ?", "deleted_at IS NULL"];
  const params: unknown[] = [ctx.orgId];
  const is = (column: string, value: unknown) => {
    where.push(`${column} = ?`);
    params.push(value);
  };
  const oneOf = (column: string, values: readonly string[]) => {
    where.push(values.length ? `${column} IN (${values.map(() => "?").join(", ")})` : "0");
    params.push(...values);
  };
  if (f.status) is("status", f.status);
  if (f.type) is("type", f.type);
  if (f.types) oneOf("type", f.types);
  if (f.schedule_kinds) oneOf("schedule_kind", f.schedule_kinds);
  if (f.statuses) oneOf("status", f.statuses);
  if (f.enabled !== undefined) where.push(f.enabled ? "status = 'active'" : "status <> 'active'");
  if (f.project_id) is("project_id", f.project_id);
  if (f.agent_id) is("agent_id", f.agent_id);
  if (f.schedule_kind) is("schedule_kind", f.schedule_kind);
  if (f.created_by) is("created_by", f.created_by);
  if (f.q) {
    where.push("instr(lower(name), lower(?)) > 0");
    params.push(f.q);
  }
  const cond = where.join(" AND ");
  const d1 = ctx.db.$client;
  const [page, totals] = await d1.batch<Record<string, unknown>>([
    d1.prepare(`SELECT * FROM tasks WHERE ${cond} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`).bind(...params, f.limit, f.offset),
    d1.prepare(`SELECT count(*) AS n FROM tasks WHERE ${cond}`).bind(...params),
  ]);
  return {
    tasks: (page?.results ?? []).map((r) => rowToTask(fromDriverRow(tasks, r))),
    total: Number(totals?.results[0]?.n ?? 0),
  };
}
