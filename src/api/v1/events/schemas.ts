import { z } from "@hono/zod-openapi";

export const EventBody = z
  .strictObject({
    name: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[A-Za-z0-9._:-]+$/, "letters, digits and . _ : - only"),
    payload: z.unknown().optional(),
  })
  .openapi("EventInput");
export const EventResultSchema = z.object({ event: z.string(), run_ids: z.array(z.string()) }).openapi("EventResult");
