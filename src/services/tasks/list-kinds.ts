import { and, count, desc, eq, inArray, isNull, ne } from "drizzle-orm";
import type { SQL } from "drizzle-orm";
import { tasks } from "../../db/schema";
import type { ScheduleKind, Task, TaskType } from "../../domain/task";
import type { ServiceContext } from "../context";
import { rowToTask } from "../../db/mappers/tasks";

export type KindsFilter = {
  /** Only tasks of one of these types. */
  types: readonly TaskType[];
  /** Only tasks whose schedule is one of these kinds. */
  schedule_kinds: readonly ScheduleKind[];
  enabled?: boolean;
  agent_id?: string;
  limit: number;
  offset: number;
};

/**
 * One page of the organization's tasks restricted to several types and schedule
 * kinds at once (newest first) and the total that match. A face that can express
 * only some tasks (a vendor dialect) lists exactly those, with a correct total.
 */
export async function listTasksOfKinds(ctx: ServiceContext, f: KindsFilter): Promise<{ tasks: Task[]; total: number }> {
  const where: SQL[] = [eq(tasks.orgId, ctx.orgId), isNull(tasks.deletedAt), inArray(tasks.type, [...f.types]), inArray(tasks.scheduleKind, [...f.schedule_kinds])];
  if (f.enabled !== undefined) where.push(f.enabled ? eq(tasks.status, "active") : ne(tasks.status, "active"));
  if (f.agent_id) where.push(eq(tasks.agentId, f.agent_id));
  const cond = and(...where);
  const [page, totals] = await ctx.db.batch([
    ctx.db.select().from(tasks).where(cond).orderBy(desc(tasks.createdAt), desc(tasks.id)).limit(f.limit).offset(f.offset),
    ctx.db.select({ n: count() }).from(tasks).where(cond),
  ]);
  return { tasks: page.map(rowToTask), total: totals[0]?.n ?? 0 };
}
