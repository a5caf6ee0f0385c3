import { createRoute, z } from "@hono/zod-openapi";
import { requireScope } from "../../middleware/auth";
import { KubiyaErrorSchema } from "./errors";
import { KubiyaBody, KubiyaTaskSchema } from "./map";
import { body, errorResponsesFor, json } from "../../openapi";
import { KUBIYA_STATUS } from "./errors";

// Route contracts of Kubiya's Scheduled Tasks API.

const read = requireScope("tasks:read");
const write = requireScope("tasks:write");
const tags = ["Dialect: Kubiya Scheduled Tasks (003)"];
const security = [{ bearer: [] }];
const BASE = "/api/v1/scheduled_tasks";

const errors = {
  ...errorResponsesFor(KubiyaErrorSchema, KUBIYA_STATUS, {
    describe: {
      invalid: "Bad Request - Invalid schedule format or missing required fields",
      unauthorized: "Unauthorized - API key is missing or invalid",
      forbidden: "Forbidden - The API key doesn't have permission to perform this action",
      not_found: "Not Found - The specified scheduled task was not found",
      internal: "Internal Server Error",
    },
  }),
};
const TaskIdParam = z.object({
  taskId: z
    .string()
    .max(100)
    .openapi({ param: { name: "taskId", in: "path" } }),
});

export const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(1000).openapi({ description: "At most this many (default 1000)" }),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const listScheduledTasksRoute = createRoute({
  method: "get",
  path: BASE,
  operationId: "kubiyaListScheduledTasks",
  tags,
  security,
  middleware: read,
  summary: "List all scheduled tasks (a bare JSON array)",
  request: { query: ListQuery },
  responses: { 200: json(z.array(KubiyaTaskSchema), "The tasks, newest first"), ...errors },
});
export const getScheduledTaskRoute = createRoute({
  method: "get",
  path: `${BASE}/{taskId}`,
  operationId: "kubiyaGetScheduledTask",
  tags,
  security,
  middleware: read,
  summary: "Get scheduled task details",
  request: { params: TaskIdParam },
  responses: { 200: json(KubiyaTaskSchema, "The task"), ...errors },
});
export const createScheduledTaskRoute = createRoute({
  method: "post",
  path: BASE,
  operationId: "kubiyaCreateScheduledTask",
  tags,
  security,
  middleware: write,
  summary: "Create a new scheduled task",
  request: { body: body(KubiyaBody) },
  responses: { 200: json(KubiyaTaskSchema, "The task"), ...errors },
});
export const updateScheduledTaskRoute = createRoute({
  method: "put",
  path: `${BASE}/{taskId}`,
  operationId: "kubiyaUpdateScheduledTask",
  tags,
  security,
  middleware: write,
  summary: "Update a scheduled task (fields sent change)",
  request: { params: TaskIdParam, body: body(KubiyaBody) },
  responses: { 200: json(KubiyaTaskSchema, "The task"), ...errors },
});
export const deleteScheduledTaskRoute = createRoute({
  method: "delete",
  path: `${BASE}/{taskId}`,
  operationId: "kubiyaDeleteScheduledTask",
  tags,
  security,
  middleware: write,
  summary: "Delete a scheduled task",
  request: { params: TaskIdParam },
  responses: { 200: { description: "Deleted; no response body" }, ...errors },
});
