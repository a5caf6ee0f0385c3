import { createRoute } from "@hono/zod-openapi";
import { requireScope } from "../../middleware/auth";
import { body, errorResponses, json } from "../schemas";
import { PreviewBody, PreviewSchema } from "./schemas";

export const previewScheduleRoute = createRoute({
  method: "post",
  path: "/v1/schedules/preview",
  operationId: "previewSchedule",
  tags: ["Schedules"],
  middleware: [requireScope("tasks:read")],
  summary: "The next fire times of a schedule, in UTC and local wall-clock time, with DST notes",
  request: { body: body(PreviewBody) },
  responses: { 200: json(PreviewSchema, "Occurrences"), ...errorResponses },
});
