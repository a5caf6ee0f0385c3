import { createRoute, z } from "@hono/zod-openapi";
import { requireScope } from "../../middleware/auth";
import { ErrorSchema, IdParam, RunListSchema, RunSchema, errorResponses, json } from "../schemas";
import { ArtifactListSchema, ArtifactParams, OrgRunListQuery } from "./schemas";

const tags = ["Runs"];
const read = [requireScope("tasks:read")];
const write = [requireScope("tasks:write")];

export const listRunsRoute = createRoute({
  method: "get",
  path: "/v1/runs",
  operationId: "listRuns",
  tags,
  middleware: read,
  summary: "Runs of every task in the organization, newest first",
  request: { query: OrgRunListQuery },
  responses: { 200: json(RunListSchema, "One page of runs and the total that match"), ...errorResponses },
});
export const getRunRoute = createRoute({
  method: "get",
  path: "/v1/runs/{id}",
  operationId: "getRun",
  tags,
  middleware: read,
  summary: "Get a run",
  request: { params: IdParam },
  responses: { 200: json(RunSchema, "The run"), ...errorResponses },
});
export const retryRunRoute = createRoute({
  method: "post",
  path: "/v1/runs/{id}/retry",
  operationId: "retryRun",
  tags,
  middleware: write,
  summary: "Re-run a failed, timed-out or canceled run (a new attempt of the same occurrence)",
  request: { params: IdParam },
  responses: { 202: json(RunSchema, "The new, queued run"), ...errorResponses },
});

// A backup run's stored objects: a sub-collection of the run (same tag, same scope).
export const listRunArtifactsRoute = createRoute({
  method: "get",
  path: "/v1/runs/{id}/artifacts",
  operationId: "listRunArtifacts",
  tags,
  middleware: read,
  summary: "What a backup run stored (absent once retention pruned it)",
  request: { params: IdParam },
  responses: { 200: json(ArtifactListSchema, "The run's stored objects"), ...errorResponses },
});
export const getRunArtifactRoute = createRoute({
  method: "get",
  path: "/v1/runs/{id}/artifacts/{target}",
  operationId: "getRunArtifact",
  tags,
  middleware: read,
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
});
