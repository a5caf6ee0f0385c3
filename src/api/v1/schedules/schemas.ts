import { z } from "@hono/zod-openapi";
import { ScheduleSchema } from "../../../domain/task-schema";

export const PreviewBody = z
  .strictObject({
    schedule: ScheduleSchema,
    count: z.number().int().min(1).max(100).default(5),
    after: z.string().max(64).optional().openapi({ description: "ISO instant; default now" }),
  })
  .openapi("PreviewInput");
export const OccurrenceSchema = z
  .object({ at: z.string(), local: z.string(), note: z.string().optional(), skipped: z.boolean().optional() })
  .openapi("Occurrence");
export const PreviewSchema = z.object({ occurrences: z.array(OccurrenceSchema) }).openapi("Preview");
