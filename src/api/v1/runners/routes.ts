import { createRoute } from "@hono/zod-openapi";
import { requireScope } from "../../middleware/auth";
import { IdParam, RunSchema, body, errorResponses, json } from "../schemas";
import { ClaimBody, CompleteBody, HeartbeatBody, HeartbeatResultSchema, LeasedRunSchema, RunnerListSchema } from "./schemas";

// Runners execute custom_script, container_update and some backup and health_check
// runs on their own hosts; their credential has the runner scope and nothing else.
const tags = ["Runners"];
const runner = requireScope("runner");

export const claimRunRoute = createRoute({
  method: "post",
  path: "/v1/runners/claim",
  operationId: "claimRun",
  tags,
  middleware: runner,
  summary: "Long-poll for a run to execute on your host",
  request: { body: body(ClaimBody) },
  responses: {
    200: json(LeasedRunSchema, "A leased run and its task's parameters"),
    204: { description: "Nothing to do within wait_seconds" },
    ...errorResponses,
  },
});
export const heartbeatRunRoute = createRoute({
  method: "post",
  path: "/v1/runs/{id}/heartbeat",
  operationId: "heartbeatRun",
  tags,
  middleware: runner,
  summary: "Extend a claimed run's lease",
  request: { params: IdParam, body: body(HeartbeatBody) },
  responses: { 200: json(HeartbeatResultSchema, "Lease extended; stop if cancel is true"), ...errorResponses },
});
export const completeRunRoute = createRoute({
  method: "post",
  path: "/v1/runs/{id}/complete",
  operationId: "completeRun",
  tags,
  middleware: runner,
  summary: "Report a claimed run's outcome",
  request: { params: IdParam, body: body(CompleteBody) },
  responses: { 200: json(RunSchema, "The recorded run"), ...errorResponses },
});

// What people (and the dashboard) read about runners: tasks:read, like the runs they execute,
// so it is tagged with Runs rather than with the runner-scope routes above.
export const listRunnersRoute = createRoute({
  method: "get",
  path: "/v1/runners",
  operationId: "listRunners",
  tags: ["Runs"],
  middleware: requireScope("tasks:read"),
  summary: "The runners seen: labels, types, last claim or heartbeat, runs in flight",
  responses: { 200: json(RunnerListSchema, "Runners, most recently heard from first (at most 200)"), ...errorResponses },
});
