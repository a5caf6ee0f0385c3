import { isUniqueViolation } from "../../db/client";
import { tasks } from "../../db/schema";
import { conflict } from "../../domain/errors";
import type { Task, TaskInput } from "../../domain/task";
import type { ServiceContext } from "../context";
import { rowToTask, specColumns } from "../../db/mappers/tasks";
import { claimIfDueSoon } from "./claim-soon";
import { fromDriverRow, insertReturning } from "../../db/raw";
import { computeNext, resolveSpec } from "./spec";

export const nameTaken = (name: string) =>
  conflict("name_taken", `a task named "${name}" already exists in this organization; choose another name`);

/** Creates a task. The name's uniqueness is enforced by a unique index, so concurrent creates give one winner. */
export async function createTask(ctx: ServiceContext, input: TaskInput): Promise<Task> {
  const spec = await resolveSpec(ctx, input);
  const status = spec.enabled ? "active" : "paused";
  const next = computeNext({ schedule: spec.schedule, status, snoozedUntil: null, anchor: ctx.now }, ctx.now);
  try {
    // Written out (db/raw.ts): drizzle's builder cost a millisecond of CPU per create.
    const inserted = await insertReturning(ctx.db.$client, tasks, {
      id: crypto.randomUUID(),
      orgId: ctx.orgId,
      ...specColumns(spec),
      scheduleAnchorAt: ctx.now,
      status,
      ...next,
      createdBy: ctx.actor,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    }).first<Record<string, unknown>>();
    if (!inserted) throw new Error("INSERT … RETURNING answered no row");
    const task = rowToTask(fromDriverRow(tasks, inserted));
    await claimIfDueSoon(ctx, task);
    return task;
  } catch (e) {
    if (isUniqueViolation(e)) throw nameTaken(spec.name);
    throw e;
  }
}
