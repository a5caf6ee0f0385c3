import type { Task, TaskInput, TaskPatch, TaskSpec } from "../../domain/task";
import { conflict } from "../../domain/errors";
import type { ServiceContext } from "../context";
import { specColumns, taskToSpec } from "../../db/mappers/tasks";
import { computeNext, resolveSpec } from "./spec";
import { inViewOrNotFound } from "./read";
import type { TaskView } from "./read";
import { mutateTask } from "./write";

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

type Built = { input: TaskInput; enabled: boolean | undefined };

/** Applies a new spec: status follows `enabled` when given; the next run is recomputed only when it can have moved. */
async function applySpec(ctx: ServiceContext, id: string, build: (t: Task) => Built | Promise<Built>, ifMatch?: number) {
  return mutateTask(
    ctx,
    id,
    async (current) => {
      if (current.status === "canceled") throw conflict("task_canceled", "a canceled task cannot be changed; create a new task");
      const { input, enabled: explicitEnabled } = await build(current);
      const spec: TaskSpec = await resolveSpec(ctx, input, current.schedule);
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
        set: {
          ...specColumns(spec),
          status,
          scheduleAnchorAt: anchor,
          ...next,
          snoozedUntil,
          snoozeReason: snoozedUntil ? current.snooze_reason : null,
        },
      };
    },
    ifMatch,
  );
}

/** PUT: the body replaces the task's spec; omitted optional fields return to their defaults. */
export function replaceTask(ctx: ServiceContext, id: string, input: TaskInput, ifMatch?: number): Promise<Task> {
  return applySpec(ctx, id, () => ({ input, enabled: input.enabled }), ifMatch);
}

/** The task with `patch` applied: `retry` merges field by field, `schedule` and `parameters` are replaced whole. */
function merged(current: Task, patch: TaskPatch): Built {
  const base = taskToSpec(current);
  // A type change needs its own parameters; keeping the old ones would fail validation with a clear message.
  return { input: { ...base, ...patch, retry: { ...base.retry, ...patch.retry } }, enabled: patch.enabled };
}

/** PATCH: only provided fields change; `retry` merges field by field, `schedule` and `parameters` are replaced whole. */
export function patchTask(ctx: ServiceContext, id: string, patch: TaskPatch, ifMatch?: number): Promise<Task> {
  return applySpec(ctx, id, (current) => merged(current, patch), ifMatch);
}

/**
 * A patch built from the task as it is: `build` reads the current task (and may refuse it,
 * e.g. "not found" for a task its face cannot show). The write applies only to the version
 * `build` saw; a concurrent change makes it run again on fresh data (bounded), so a face's
 * PUT and a concurrent /v1 PATCH of another field both land. `ifMatch` pins a version;
 * a task outside `view` is not found.
 */
export function patchTaskWith(
  ctx: ServiceContext,
  id: string,
  build: (current: Task) => TaskPatch | Promise<TaskPatch>,
  o: { ifMatch?: number; view?: TaskView } = {},
): Promise<Task> {
  return applySpec(ctx, id, async (current) => merged(current, await build(inViewOrNotFound(current, o.view))), o.ifMatch);
}
