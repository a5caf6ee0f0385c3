import { z } from "@hono/zod-openapi";
import { OVERLAP_POLICIES } from "../../../domain/task";
import { RunSchema } from "../schemas";

// Bodies of a task's actions. The task itself (Task, TaskInput, TaskPatch, TaskList)
// is in ../schemas.ts: runs and runners show it too.

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
