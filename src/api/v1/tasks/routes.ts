import { createRoute, z } from "@hono/zod-openapi";
import { requireScope } from "../../middleware/auth";
import { ErrorSchema, IdParam, RunListSchema, RunSchema, TaskSchema, body, errorResponses, json } from "../schemas";
import {
  BackfillBody,
  BackfillResultSchema,
  RunBody,
  RunListQuery,
  SkipBody,
  SnoozeBody,
  TaskCreateSchema,
  TaskListQuery,
  TaskListSchema,
  TaskPatchBodySchema,
  ToggleBody,
} from "./schemas";

const read = requireScope("tasks:read");
const write = requireScope("tasks:write");
const tags = ["Tasks"];
const ifMatch = z.object({
  "if-match": z.string().max(200).optional().openapi({ description: "ETag from a previous read; 412 if the task changed since" }),
});

export const createTaskRoute = createRoute({
  method: "post",
  path: "/v1/tasks",
  operationId: "createTask",
  tags,
  middleware: write,
  summary: "Create a task",
  request: { body: body(TaskCreateSchema) },
  responses: { 201: json(TaskSchema, "The task"), ...errorResponses },
});
export const listTasksRoute = createRoute({
  method: "get",
  path: "/v1/tasks",
  operationId: "listTasks",
  tags,
  middleware: read,
  summary: "List tasks",
  request: { query: TaskListQuery },
  responses: { 200: json(TaskListSchema, "One page of tasks and the total that match"), ...errorResponses },
});
export const getTaskRoute = createRoute({
  method: "get",
  path: "/v1/tasks/{id}",
  operationId: "getTask",
  tags,
  middleware: read,
  summary: "Get a task with its latest runs",
  request: { params: IdParam },
  responses: { 200: json(TaskSchema, "The task; ETag header for If-Match"), ...errorResponses },
});
export const replaceTaskRoute = createRoute({
  method: "put",
  path: "/v1/tasks/{id}",
  operationId: "replaceTask",
  tags,
  middleware: write,
  summary: "Replace a task",
  request: { params: IdParam, headers: ifMatch, body: body(TaskCreateSchema) },
  responses: { 200: json(TaskSchema, "The task"), 412: json(ErrorSchema, "If-Match does not match"), ...errorResponses },
});
export const patchTaskRoute = createRoute({
  method: "patch",
  path: "/v1/tasks/{id}",
  operationId: "patchTask",
  tags,
  middleware: write,
  summary: "Change some fields of a task",
  request: { params: IdParam, headers: ifMatch, body: body(TaskPatchBodySchema) },
  responses: { 200: json(TaskSchema, "The task"), 412: json(ErrorSchema, "If-Match does not match"), ...errorResponses },
});
export const deleteTaskRoute = createRoute({
  method: "delete",
  path: "/v1/tasks/{id}",
  operationId: "deleteTask",
  tags,
  middleware: write,
  summary: "Delete a task",
  request: { params: IdParam, headers: ifMatch },
  responses: { 204: { description: "Deleted" }, ...errorResponses },
});

/** A state change without a body that answers with the task. */
const action = (path: string, operationId: string, summary: string) =>
  createRoute({
    method: "post",
    path: `/v1/tasks/{id}/${path}`,
    operationId,
    tags,
    middleware: write,
    summary,
    request: { params: IdParam },
    responses: { 200: json(TaskSchema, "The task"), ...errorResponses },
  });

export const toggleTaskRoute = createRoute({
  method: "post",
  path: "/v1/tasks/{id}/toggle",
  operationId: "toggleTask",
  tags,
  middleware: write,
  summary: "Enable or disable (without a body: flip)",
  request: { params: IdParam, body: body(ToggleBody, false) },
  responses: { 200: json(TaskSchema, "The task"), ...errorResponses },
});
export const pauseTaskRoute = action("pause", "pauseTask", "Pause: no scheduled runs until resumed");
export const resumeTaskRoute = action("resume", "resumeTask", "Resume a paused or snoozed task");
export const cancelTaskRoute = action("cancel", "cancelTask", "Cancel for good (queued runs are canceled too)");
export const snoozeTaskRoute = createRoute({
  method: "post",
  path: "/v1/tasks/{id}/snooze",
  operationId: "snoozeTask",
  tags,
  middleware: write,
  summary: "Hold the task for a while; it resumes by itself",
  request: { params: IdParam, body: body(SnoozeBody) },
  responses: { 200: json(TaskSchema, "The task"), ...errorResponses },
});
export const skipTaskRoute = createRoute({
  method: "post",
  path: "/v1/tasks/{id}/skip",
  operationId: "skipTask",
  tags,
  middleware: write,
  summary: "Skip the next N occurrences",
  request: { params: IdParam, body: body(SkipBody) },
  responses: { 200: json(TaskSchema, "The task"), ...errorResponses },
});
export const runTaskRoute = createRoute({
  method: "post",
  path: "/v1/tasks/{id}/run",
  operationId: "runTask",
  tags,
  middleware: write,
  summary: "Run now, in the background",
  request: { params: IdParam, body: body(RunBody, false) },
  responses: { 202: json(RunSchema, "The queued run"), ...errorResponses },
});
export const backfillTaskRoute = createRoute({
  method: "post",
  path: "/v1/tasks/{id}/backfill",
  operationId: "backfillTask",
  tags,
  middleware: write,
  summary: "One run per past occurrence in a window (at most 1000)",
  request: { params: IdParam, body: body(BackfillBody) },
  responses: { 202: json(BackfillResultSchema, "Runs queued"), ...errorResponses },
});
export const listTaskRunsRoute = createRoute({
  method: "get",
  path: "/v1/tasks/{id}/runs",
  operationId: "listTaskRuns",
  tags,
  middleware: read,
  summary: "A task's runs, newest first",
  request: { params: IdParam, query: RunListQuery },
  responses: { 200: json(RunListSchema, "One page of runs"), ...errorResponses },
});
