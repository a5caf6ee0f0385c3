import { z } from "@hono/zod-openapi";
import { RUN_STATUSES } from "../../../domain/run";
import { OVERLAP_POLICIES, SCHEDULE_KINDS, TASK_STATUSES, TASK_TYPES } from "../../../domain/task";
import { TaskInputSchema, TaskPatchSchema } from "../../../domain/task-schema";
import { PageQuery, RunSchema, TaskSchema } from "../schemas";

// The Task itself is in ../schemas.ts: runners show it too. The input shapes are the
// domain's (task-schema.ts), named here for the OpenAPI document.
export const TaskCreateSchema = TaskInputSchema.openapi("TaskInput");
export const TaskPatchBodySchema = TaskPatchSchema.openapi("TaskPatch");
export const TaskListSchema = z
  .object({ tasks: z.array(TaskSchema), total: z.number().int(), limit: z.number().int(), offset: z.number().int() })
  .openapi("TaskList");

const booleanQuery = z.enum(["true", "false"]).transform((v) => v === "true");
export const TaskListQuery = z.object({
  status: z.enum(TASK_STATUSES).optional(),
  type: z.enum(TASK_TYPES).optional(),
  enabled: booleanQuery.optional(),
  project_id: z.string().max(100).optional(),
  agent_id: z.string().max(200).optional(),
  schedule_kind: z.enum(SCHEDULE_KINDS).optional(),
  created_by: z.string().max(200).optional(),
  q: z.string().max(200).optional().openapi({ description: "Substring of the name, case-insensitive" }),
  recent_runs: z.coerce
    .number()
    .int()
    .min(0)
    .max(20)
    .optional()
    .openapi({ description: "Add `recent_statuses` to each task: the statuses of its latest N runs (at most 20), newest first" }),
  ...PageQuery,
});
export const RunListQuery = z.object({ status: z.enum(RUN_STATUSES).optional(), ...PageQuery });

export const ToggleBody = z.strictObject({ enabled: z.boolean().optional() }).openapi("ToggleInput");
export const SnoozeBody = z
  .strictObject({
    delay_seconds: z.number().int().min(1).max(604_800).optional(),
    until: z.string().max(64).optional(),
    reason: z.string().max(500).nullable().optional(),
  })
  .openapi("SnoozeInput");
export const SkipBody = z.strictObject({ count: z.number().int().min(0).max(1000) }).openapi("SkipInput");
export const BackfillBody = z
  .strictObject({ start: z.string().max(64), end: z.string().max(64), overlap_policy: z.enum(OVERLAP_POLICIES).optional() })
  .openapi("BackfillInput");
export const RunBody = z.strictObject({ input: z.unknown().optional() }).openapi("RunInput");
export const BackfillResultSchema = z
  .object({ occurrences: z.number().int(), created: z.number().int(), runs: z.array(RunSchema) })
  .openapi("BackfillResult");
