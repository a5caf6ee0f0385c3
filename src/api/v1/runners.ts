import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { TASK_TYPES } from "../../domain/task";
import { RUNNER_CLAIM_TYPES } from "../../domain/placement";
import { HEARTBEAT_SECONDS, claimRun, completeRun, heartbeat } from "../../services/runners";
import { serviceContext } from "../context";
import { requireScope } from "../middleware/auth";
import { validationHook } from "../validation";
import { IdParam, RunSchema, TaskSchema, body, errorResponses, json } from "./schemas";
import { runJson, taskJson } from "./serialize";

export const runnersRouter = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
const tags = ["Runners"];
const runner = requireScope("runner");
const runnerId = z.string().min(1).max(200).regex(/^[A-Za-z0-9._:@-]+$/, "letters, digits and . _ : @ - only");
/** Longest a claim waits for work before answering 204. */
const MAX_WAIT_SECONDS = 25;

const ClaimBody = z
  .strictObject({
    runner_id: runnerId,
    types: z
      .array(z.enum(RUNNER_CLAIM_TYPES))
      .min(1)
      .max(TASK_TYPES.length)
      .openapi({ description: "The task types this runner does: custom_script, container_update, backup (backups without URL sources), health_check (container checks)" }),
    labels: z.record(z.string().max(100), z.string().max(200)).optional().openapi({ description: "`project` restricts the runner to that project's tasks" }),
    wait_seconds: z.number().int().min(0).max(MAX_WAIT_SECONDS).default(MAX_WAIT_SECONDS),
  })
  .openapi("RunnerClaim");
const Leased = z
  .object({ run: RunSchema, task: TaskSchema, lease_expires_at: z.string(), heartbeat_interval_seconds: z.number().int() })
  .openapi("LeasedRun");

runnersRouter.openapi(
  createRoute({
    method: "post", path: "/v1/runners/claim", tags, middleware: runner, summary: "Long-poll for a run to execute on your host",
    request: { body: body(ClaimBody) },
    responses: { 200: json(Leased, "A leased run and its task's parameters"), 204: { description: "Nothing to do within wait_seconds" }, ...errorResponses },
  }),
  async (c) => {
    const b = c.req.valid("json");
    const ctx = await serviceContext(c);
    const until = Date.now() + b.wait_seconds * 1000;
    for (;;) {
      const claim = await claimRun(ctx, c.env, b);
      if (claim) {
        return c.json(
          { run: runJson(claim.run), task: taskJson(claim.task), lease_expires_at: new Date(claim.run.lease_expires_at ?? Date.now()).toISOString(), heartbeat_interval_seconds: HEARTBEAT_SECONDS },
          200,
        );
      }
      if (Date.now() >= until || c.req.raw.signal?.aborted) return c.body(null, 204);
      await new Promise((r) => setTimeout(r, Math.min(1000, Math.max(0, until - Date.now()))));
    }
  },
);

const tail = z.string().max(16_384);
const HeartbeatBody = z
  .strictObject({ runner_id: runnerId, stdout_tail: tail.optional(), stderr_tail: tail.optional() })
  .openapi("RunnerHeartbeat");
runnersRouter.openapi(
  createRoute({
    method: "post", path: "/v1/runs/{id}/heartbeat", tags, middleware: runner, summary: "Extend a claimed run's lease",
    request: { params: IdParam, body: body(HeartbeatBody) },
    responses: { 200: json(z.object({ lease_expires_at: z.string(), cancel: z.boolean() }).openapi("HeartbeatResult"), "Lease extended; stop if cancel is true"), ...errorResponses },
  }),
  async (c) => {
    const { runner_id, ...progress } = c.req.valid("json");
    const r = await heartbeat(await serviceContext(c), c.env, c.req.valid("param").id, runner_id, progress);
    return c.json({ lease_expires_at: new Date(r.lease_expires_at).toISOString(), cancel: r.cancel }, 200);
  },
);

const CompleteBody = z
  .strictObject({
    runner_id: runnerId,
    status: z.enum(["succeeded", "failed", "timed_out"]),
    exit_code: z.number().int().min(-255).max(65_535).nullable().optional(),
    stdout_tail: tail.optional(),
    stderr_tail: tail.optional(),
    result: z.unknown().optional(),
  })
  .openapi("RunnerCompletion");
runnersRouter.openapi(
  createRoute({
    method: "post", path: "/v1/runs/{id}/complete", tags, middleware: runner, summary: "Report a claimed run's outcome",
    request: { params: IdParam, body: body(CompleteBody) },
    responses: { 200: json(RunSchema, "The recorded run"), ...errorResponses },
  }),
  async (c) => c.json(runJson(await completeRun(await serviceContext(c), c.env, c.req.valid("param").id, c.req.valid("json"))), 200),
);
