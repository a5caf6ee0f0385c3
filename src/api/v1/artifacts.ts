import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import { DomainError } from "../../domain/errors";
import type { AppEnv } from "../../env";
import { listArtifacts, readArtifact } from "../../executors/backup-store";
import { getRun } from "../../services/runs/read";
import { serviceContext } from "../context";
import { requireScope } from "../middleware/auth";
import { validationHook } from "../validation";
import { ErrorSchema, IdParam, errorResponses, json } from "./schemas";

// What a backup run stored in R2, listed and downloaded through the run that made it,
// so the run's organization scoping is the only access rule.

export const artifactsRouter = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
const tags = ["Runs"];

const ArtifactSchema = z
  .object({
    name: z.string().openapi({ description: "The source's stored name (its `name`, or `source-<index>`, reduced to A-Z a-z 0-9 . _ -)" }),
    size: z.number().int().openapi({ description: "Bytes of the plaintext" }),
    encrypted: z.boolean().openapi({ description: "Encrypted at rest (AES-256-GCM); downloads are decrypted" }),
    content_type: z.string(),
  })
  .openapi("Artifact");
const ArtifactListSchema = z.object({ artifacts: z.array(ArtifactSchema) }).openapi("ArtifactList");
const ArtifactParams = IdParam.extend({
  target: z.string().max(200).openapi({ param: { name: "target", in: "path" }, description: "The artifact's name, as listed" }),
});

artifactsRouter.openapi(
  createRoute({
    method: "get", path: "/v1/runs/{id}/artifacts", tags, middleware: [requireScope("tasks:read")],
    summary: "What a backup run stored (absent once retention pruned it)",
    request: { params: IdParam },
    responses: { 200: json(ArtifactListSchema, "The run's stored objects"), ...errorResponses },
  }),
  async (c) => {
    const ctx = await serviceContext(c);
    const run = await getRun(ctx, c.req.valid("param").id);
    return c.json({ artifacts: await listArtifacts(c.env.BACKUPS, ctx.orgId, run.task_id, run.id) }, 200);
  },
);

artifactsRouter.openapi(
  createRoute({
    method: "get", path: "/v1/runs/{id}/artifacts/{target}", tags, middleware: [requireScope("tasks:read")],
    summary: "Download one stored object of a backup run (decrypted when it was encrypted)",
    request: { params: ArtifactParams },
    responses: {
      200: {
        content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } },
        description: "The object's bytes, with the source's Content-Type and the plaintext's Content-Length",
      },
      ...errorResponses,
      409: json(ErrorSchema, "decryption_failed: BACKUP_KEY is missing or is not the key the object was encrypted with"),
    },
  }),
  async (c) => {
    const { id, target } = c.req.valid("param");
    const ctx = await serviceContext(c);
    const run = await getRun(ctx, id);
    const artifact = await readArtifact(c.env, ctx.orgId, run.task_id, run.id, target);
    if (!artifact) throw new DomainError("not_found", "artifact_not_found", `run ${run.id} has no stored artifact named ${JSON.stringify(target)} (never stored, or pruned by retention)`);
    return c.body(artifact.body, 200, {
      "content-type": artifact.contentType,
      "content-length": String(artifact.size),
      // Stored bytes come from arbitrary sources: a download, never a page rendered on this origin.
      "content-disposition": `attachment; filename="${target}"`,
      "x-content-type-options": "nosniff",
    });
  },
);
