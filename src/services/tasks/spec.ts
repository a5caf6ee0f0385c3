import { and, eq } from "drizzle-orm";
import { projects } from "../../db/schema";
import { DomainError, invalid, issueDetails } from "../../domain/errors";
import { validateParameters } from "../../domain/parameters";
import { ScheduleError, nextRunAndSkip, validateSchedule } from "../../domain/schedule";
import { assertPublicTargets, edgeUrls } from "../../domain/targets";
import type { Schedule } from "../../domain/schedule";
import type { TaskInput, TaskSpec, TaskStatus } from "../../domain/task";
import { withDefaults } from "../../domain/task";
import { TaskInputSchema } from "../../domain/task-schema";
import type { ServiceContext } from "../context";

/**
 * Runs some schedule maths, mapping its refusal into the core's error on the field it names
 * (`schedule.rule`, `schedule.timezone`, …; a face maps that path to its own field).
 */
export function scheduleMaths<T>(make: () => T): T {
  try {
    return make();
  } catch (e) {
    if (e instanceof ScheduleError) throw invalid(e.code, e.message, [{ path: e.field, message: e.message }]);
    throw e;
  }
}

/** Validates and normalizes a schedule as of `now` (see validateSchedule). */
export const checkSchedule = (schedule: Schedule, now: number): Schedule => scheduleMaths(() => validateSchedule(schedule, now));

/**
 * Validates a caller's input completely (shape, per-type parameters, schedule
 * maths, outbound addresses, project) and resolves every default. Throws before
 * anything is written.
 */
export async function resolveSpec(ctx: ServiceContext, input: TaskInput, stored?: Schedule): Promise<TaskSpec> {
  const shape = TaskInputSchema.safeParse(input);
  if (!shape.success) {
    const details = issueDetails(shape.error.issues);
    throw invalid("validation_failed", `invalid task: ${details.map((d) => `${d.path || "body"}: ${d.message}`).join("; ")}`, details);
  }
  const spec = withDefaults(shape.data);
  // The schedule first: it is what most callers get wrong, and its errors name the exact field.
  // A stored schedule was validated when written; re-checking it would refuse a past `once` on an unrelated edit.
  if (!stored || JSON.stringify(stored) !== JSON.stringify(spec.schedule)) spec.schedule = checkSchedule(spec.schedule, ctx.now);
  spec.parameters = validateParameters(spec.type, spec.parameters);
  // Refused here rather than at run time, where it would only fail, and be retried, on every run.
  if (!ctx.allowPrivateTargets) assertPublicTargets(edgeUrls(spec));
  if (spec.project_id !== null) await assertProject(ctx, spec.project_id);
  return spec;
}

export async function assertProject(ctx: ServiceContext, projectId: string): Promise<void> {
  const found = await ctx.db
    .select({ id: projects.id })
    .from(projects)
    .where(and(eq(projects.orgId, ctx.orgId), eq(projects.id, projectId)))
    .get();
  if (!found) {
    throw new DomainError("invalid", "project_not_found", "Project not found", [
      { path: "project_id", message: `no project "${projectId}" in this organization; create it with POST /v1/projects` },
    ]);
  }
}

/**
 * When the task runs next: null unless active; never before a snooze ends.
 * `once`/`delayed` keep their instant even when it has passed (the tick's
 * catch-up rules decide what happens to a late one). `skipDueAt` is the first
 * occurrence before it that will not run (DST-skipped or excluded), for the tick
 * to record when its time comes.
 */
export function computeNext(
  p: { schedule: Schedule; status: TaskStatus; snoozedUntil: number | null; anchor: number },
  now: number,
): { nextRunAt: number | null; skipDueAt: number | null } {
  const at = (nextRunAt: number | null) => ({ nextRunAt, skipDueAt: null });
  if (p.status !== "active") return at(null);
  const s = p.schedule;
  const snooze = p.snoozedUntil ?? 0;
  switch (s.kind) {
    case "event":
      return at(null);
    case "once":
      return at(Math.max(Date.parse(s.at), snooze));
    case "delayed":
      return at(Math.max(p.anchor + s.delay_seconds * 1000, snooze));
    default: {
      const { run, skip } = nextRunAndSkip(s, Math.max(now, snooze) - 1, p.anchor);
      return { nextRunAt: run, skipDueAt: skip };
    }
  }
}
