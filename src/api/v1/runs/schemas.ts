import { z } from "@hono/zod-openapi";
import { RUN_STATUSES, RUN_TRIGGERS } from "../../../domain/run";
import { IdParam, PageQuery } from "../schemas";

// Run itself (Run, RunList) is in ../schemas.ts: tasks and runners show it too.

export const OrgRunListQuery = z.object({
  status: z.enum(RUN_STATUSES).optional(),
  final: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional()
    .openapi({ description: "true: runs no retry follows (with status=failed: final failures)" }),
  task_id: z.string().max(100).optional(),
  trigger: z.enum(RUN_TRIGGERS).optional(),
  late_over_ms: z.coerce.number().int().min(0).max(86_400_000).optional().openapi({
    description: "Only runs that started more than this many milliseconds after they were scheduled (started_at − scheduled_for)",
  }),
  ...PageQuery,
});

export const ArtifactSchema = z
  .object({
    name: z.string().openapi({ description: "The source's stored name (its `name`, or `source-<index>`, reduced to A-Z a-z 0-9 . _ -)" }),
    size: z.number().int().openapi({ description: "Bytes of the plaintext" }),
    encrypted: z.boolean().openapi({ description: "Encrypted at rest (AES-256-GCM); downloads are decrypted" }),
    content_type: z.string(),
  })
  .openapi("Artifact");
export const ArtifactListSchema = z.object({ artifacts: z.array(ArtifactSchema) }).openapi("ArtifactList");
export const ArtifactParams = IdParam.extend({
  target: z
    .string()
    .max(200)
    .openapi({ param: { name: "target", in: "path" }, description: "The artifact's name, as listed" }),
});
