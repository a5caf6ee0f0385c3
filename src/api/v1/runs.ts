import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { RUN_STATUSES, RUN_TRIGGERS } from "../../domain/run";
import { getRun, listRuns } from "../../services/runs/read";
import { retryRun } from "../../services/runs/retry";
import { serviceContext } from "../context";
import { requireScope } from "../middleware/auth";
import { validationHook } from "../validation";
import { IdParam, PageQuery, RunListSchema, RunSchema, errorResponses, json } from "./schemas";
import { runJson } from "./serialize";

export const runsRouter = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
const tags = ["Runs"];

const OrgRunListQuery = z.object({
  status: z.enum(RUN_STATUSES).optional(),
  final: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional()
    .openapi({ description: "true: runs no retry follows (with status=failed: final failures)" }),
  task_id: z.string().max(100).optional(),
  trigger: z.enum(RUN_TRIGGERS).optional(),
  ...PageQuery,
});

runsRouter.openapi(
  createRoute({
    method: "get", path: "/v1/runs", tags, middleware: [requireScope("tasks:read")],
    summary: "Runs of every task in the organization, newest first",
    request: { query: OrgRunListQuery },
    responses: { 200: json(RunListSchema, "One page of runs and the total that match"), ...errorResponses },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const { runs, total } = await listRuns(await serviceContext(c), q);
    return c.json({ runs: runs.map(runJson), total, limit: q.limit, offset: q.offset }, 200);
  },
);

runsRouter.openapi(
  createRoute({
    method: "get", path: "/v1/runs/{id}", tags, middleware: [requireScope("tasks:read")], summary: "Get a run",
    request: { params: IdParam },
    responses: { 200: json(RunSchema, "The run"), ...errorResponses },
  }),
  async (c) => c.json(runJson(await getRun(await serviceContext(c), c.req.valid("param").id)), 200),
);

runsRouter.openapi(
  createRoute({
    method: "post", path: "/v1/runs/{id}/retry", tags, middleware: [requireScope("tasks:write")],
    summary: "Re-run a failed, timed-out or canceled run (a new attempt of the same occurrence)",
    request: { params: IdParam },
    responses: { 202: json(RunSchema, "The new, queued run"), ...errorResponses },
  }),
  async (c) => {
    const run = await retryRun(await serviceContext(c), c.req.valid("param").id);
    c.header("Location", `/v1/runs/${run.id}`);
    return c.json(runJson(run), 202);
  },
);
