import { z } from "@hono/zod-openapi";

export const ProjectSchema = z
  .object({ id: z.string(), name: z.string(), url: z.string().nullable(), created_at: z.string(), updated_at: z.string() })
  .openapi("Project");
export const ProjectListSchema = z.object({ projects: z.array(ProjectSchema) });
const url = z
  .string()
  .max(2048)
  .regex(/^https?:\/\/\S+$/, "must be an absolute http(s) URL");
export const ProjectInput = z
  .strictObject({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,99}$/, "lower-case letters, digits and dashes, e.g. production")
      .optional(),
    name: z.string().trim().min(1).max(200),
    url: url.nullable().optional(),
  })
  .openapi("ProjectInput");
export const ProjectPatch = z
  .strictObject({ name: z.string().trim().min(1).max(200).optional(), url: url.nullable().optional() })
  .openapi("ProjectPatch");
