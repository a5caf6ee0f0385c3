import { createRoute, z } from "@hono/zod-openapi";
import { requireScope } from "../../middleware/auth";
import { MAX_NAME, SCHEDULE_TYPES } from "./map";
import { body, errorResponsesFor, json } from "../../openapi";
import { STATUS_OF } from "../../errors";

// The vendor's request shapes; the core checks what they mean (cron, instants, delays).

const read = requireScope("tasks:read");
const write = requireScope("tasks:write");
const tags = ["Dialect: agent Schedules (004)"];
const STATUSES = ["active", "paused", "completed"] as const;
const instant = z.string().openapi({ format: "date-time", example: "2024-12-16T09:00:00Z" });

const fields = {
  name: z.string().trim().min(1).max(MAX_NAME).openapi({ example: "Daily Report" }),
  type: z.enum(SCHEDULE_TYPES),
  cron_expression: z.string().min(1).max(200).nullable().optional().openapi({ description: "type cron: 5 fields", example: "0 9 * * *" }),
  next_run: z
    .string()
    .min(1)
    .max(64)
    .nullable()
    .optional()
    .openapi({ description: "type once: ISO-8601 instant with Z or an offset", example: "2024-12-20T15:00:00Z" }),
  delay_seconds: z
    .number()
    .int()
    .min(1)
    .max(31_536_000)
    .nullable()
    .optional()
    .openapi({ description: "type delayed: seconds from now", example: 3600 }),
  timezone: z.string().min(1).max(64).optional().openapi({ description: "type cron: IANA zone (an extension; default UTC)" }),
  callback_type: z.literal("workflow").default("workflow"),
  callback_id: z.string().min(1).max(200).openapi({ example: "workflow-456" }),
  status: z.enum(["active", "paused"]).optional().openapi({ description: "Default active" }),
};
export const CreateBody = z.strictObject(fields).openapi("AgentScheduleInput");
export const UpdateBody = z
  .strictObject({ ...fields, callback_type: z.literal("workflow"), status: z.enum(STATUSES) })
  .partial()
  .openapi("AgentScheduleUpdate");

const ScheduleView = z
  .object({
    id: z.string().uuid(),
    name: z.string(),
    type: z.enum(SCHEDULE_TYPES),
    cron_expression: z.string().nullable(),
    next_run: instant.nullable(),
    last_run: instant.nullable(),
    callback_type: z.string(),
    callback_id: z.string(),
    status: z.enum(STATUSES),
    delay_seconds: z.number().int().nullable(),
    timezone: z.string(),
    created_at: instant,
    updated_at: instant,
  })
  .openapi("AgentSchedule");
const Execution = z.object({ id: z.string(), executed_at: instant, status: z.string().openapi({ example: "success" }) });
const ScheduleDetail = ScheduleView.extend({ executions: z.array(Execution) }).openapi("AgentScheduleDetail");
const ErrorView = z
  .object({ error: z.string(), code: z.string(), details: z.array(z.object({ path: z.string(), message: z.string() })).optional() })
  .openapi("AgentScheduleError");

const errors = {
  ...errorResponsesFor(ErrorView, STATUS_OF, {
    describe: {
      invalid: "Invalid schedule data",
      not_found: "Schedule not found",
      conflict: "The schedule was canceled elsewhere and cannot change",
    },
  }),
};

const AgentParam = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: "id", in: "path" }, description: "The agent" }),
});
const BothParams = AgentParam.extend({
  scheduleId: z
    .string()
    .max(100)
    .openapi({ param: { name: "scheduleId", in: "path" } }),
});
export const ListQuery = z.object({ status: z.enum(STATUSES).optional(), type: z.enum(SCHEDULE_TYPES).optional() });

const base = "/api/agents/{id}/schedules";
export const listSchedulesRoute = createRoute({
  method: "get",
  path: base,
  operationId: "agentSchedulesListSchedules",
  tags,
  middleware: read,
  summary: "List the agent's schedules",
  request: { params: AgentParam, query: ListQuery },
  responses: { 200: json(z.object({ schedules: z.array(ScheduleView) }).openapi("AgentScheduleList"), "The schedules"), ...errors },
});
export const createScheduleRoute = createRoute({
  method: "post",
  path: base,
  operationId: "agentSchedulesCreateSchedule",
  tags,
  middleware: write,
  summary: "Create a schedule",
  request: { params: AgentParam, body: body(CreateBody) },
  responses: { 201: json(ScheduleView, "The schedule"), ...errors },
});
export const getScheduleRoute = createRoute({
  method: "get",
  path: `${base}/{scheduleId}`,
  operationId: "agentSchedulesGetSchedule",
  tags,
  middleware: read,
  summary: "Get a schedule with its executions",
  request: { params: BothParams },
  responses: { 200: json(ScheduleDetail, "The schedule"), ...errors },
});
export const updateScheduleRoute = createRoute({
  method: "put",
  path: `${base}/{scheduleId}`,
  operationId: "agentSchedulesUpdateSchedule",
  tags,
  middleware: write,
  summary: "Update a schedule (only the fields sent)",
  request: { params: BothParams, body: body(UpdateBody) },
  responses: { 200: json(ScheduleView, "The schedule"), ...errors },
});
export const deleteScheduleRoute = createRoute({
  method: "delete",
  path: `${base}/{scheduleId}`,
  operationId: "agentSchedulesDeleteSchedule",
  tags,
  middleware: write,
  summary: "Delete a schedule",
  request: { params: BothParams },
  responses: { 200: json(z.object({ id: z.string(), deleted: z.literal(true) }).openapi("AgentScheduleDeleted"), "Deleted"), ...errors },
});
