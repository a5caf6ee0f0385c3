import { createRoute } from "@hono/zod-openapi";
import { requireScope } from "../../middleware/auth";
import { body, errorResponses, json } from "../schemas";
import { EventBody, EventResultSchema } from "./schemas";

export const publishEventRoute = createRoute({
  method: "post",
  path: "/v1/events",
  operationId: "publishEvent",
  tags: ["Events"],
  middleware: [requireScope("tasks:write")],
  summary: "Publish an event: queues a run of every active task waiting for it",
  request: { body: body(EventBody) },
  responses: { 202: json(EventResultSchema, "Runs queued"), ...errorResponses },
});
