import type { Task, TaskInput, TaskPatch, TaskSpec } from "../../domain/task";
import { conflict } from "../../domain/errors";
import type { ServiceContext } from "../context";
import { specColumns, taskToSpec } from "../../db/mappers/tasks";
import { computeNext, resolveSpec } from "./spec";
import { mutateTask } from "./write";

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Applies a new spec: status follows `enabled` when given; the next run is recomputed only when it can have moved. */
async function applySpec(ctx: ServiceContext, id: string, build: (t: Task) => TaskInput, explicitEnabled: boolean | undefined, ifMatch?: number) {
  return mutateTask(
    ctx,
    id,
    async (current) => {
      if (current.status === "canceled") throw conflict("task_canceled", "a canceled task cannot be changed; create a new task");
      const spec: TaskSpec = await resolveSpec(ctx, build(current), current.schedule);
      const scheduleChanged = !sameJson(spec.schedule, current.schedule);
      let status = current.status;
      if (explicitEnabled === true && status !== "active") status = "active";
      if (explicitEnabled === false && status === "active") status = "paused";
      if (status === "completed" && scheduleChanged) status = "active";
      const anchor = scheduleChanged ? ctx.now : current.schedule_anchor_at;
      const snoozedUntil = status === "active" ? current.snoozed_until : null;
      const next =
        scheduleChanged || status !== current.status
          ? computeNext({ schedule: spec.schedule, status, snoozedUntil, anchor }, ctx.now)
          : { nextRunAt: current.next_run_at };
      return {
        set: { ...specColumns(spec), status, scheduleAnchorAt: anchor, ...next, snoozedUntil, snoozeReason: snoozedUntil ? current.snooze_reason : null },
      };
    },
    ifMatch,
  );
}

/** PUT: the body replaces the task's spec; omitted optional fields return to their defaults. */
export function replaceTask(ctx: ServiceContext, id: string, input: TaskInput, ifMatch?: number): Promise<Task> {
  return applySpec(ctx, id, () => input, input.enabled, ifMatch);
}

/** PATCH: only provided fields change; `retry` merges field by field, `schedule` and `parameters` are replaced whole. */
export function patchTask(ctx: ServiceContext, id: string, patch: TaskPatch, ifMatch?: number): Promise<Task> {
  return applySpec(
    ctx,
    id,
    (current) => {
      const base = taskToSpec(current);
      return {
        ...base,
        ...patch,
        // A type change needs its own parameters; keeping the old ones would fail validation with a clear message.
        retry: { ...base.retry, ...patch.retry },
      };
    },
    patch.enabled,
    ifMatch,
  );
}
