import { createRoute, z } from "@hono/zod-openapi";
import { BACKOFFS, TASK_STATUSES } from "../../../domain/task";
import { requireScope } from "../../middleware/auth";
import { body, errorResponsesFor, json } from "../../openapi";
import { STATUS_OF } from "../../errors";

// The vendor's request shapes (types and the limits its reference states); the
// core checks what they mean (cron, RRULE, instants, time zones, event names).

const read = requireScope("tasks:read");
const write = requireScope("tasks:write");
const tags = ["Dialect: agent workflow Tasks (002)"];
const KINDS = ["cron", "rrule", "once", "event"] as const;
const instant = z.string().openapi({ format: "date-time", example: "2026-03-11T07:00:00.000Z" });

const fields = {
  title: z.string().trim().min(1).max(200).openapi({ example: "Nightly ETL" }),
  description: z.string().max(2000).openapi({ example: "Extracts yesterday's orders and loads the warehouse" }),
  schedule_kind: z.enum(KINDS),
  schedule_expr: z.string().min(1).max(2000).nullable().optional().openapi({
    description:
      "cron: 5 fields; rrule: RRULE (optionally after a DTSTART line); once: ISO instant (local to `timezone` without an offset); event: the event name (default: the title)",
    example: "0 2 * * *",
  }),
  timezone: z.string().min(1).max(64).optional().openapi({ description: "IANA zone, default UTC", example: "Europe/Chisinau" }),
  payload: z.record(z.string(), z.unknown()).openapi({ description: "The pipeline definition; handed to the executor as the run's input" }),
  created_by: z.guid().openapi({ description: "The agent creating the task (UUID)" }),
  priority: z.number().int().min(1).max(9).optional().openapi({ description: "1 is highest; default 5" }),
  max_retries: z.number().int().min(0).max(100).optional().openapi({ description: "Default 3" }),
  backoff_strategy: z.enum(BACKOFFS).optional().openapi({ description: "Default exponential_jitter" }),
  dedupe_key: z.string().min(1).max(200).nullable().optional(),
  dedupe_window_seconds: z.number().int().min(1).max(2_592_000).nullable().optional(),
  concurrency_key: z.string().min(1).max(200).nullable().optional(),
};

export const CreateBody = z.strictObject(fields).openapi("AgentflowTaskInput");
export const UpdateBody = z.strictObject(fields).partial().openapi("AgentflowTaskUpdate");
export const SnoozeBody = z
  .strictObject({
    delay_seconds: z.number().int().min(1).max(604_800).openapi({ description: "At most one week (604800)" }),
    reason: z.string().max(500).nullable().optional(),
  })
  .openapi("AgentflowSnooze");

export const TaskView = z
  .object({
    id: z.string().uuid(),
    title: z.string(),
    description: z.string(),
    schedule_kind: z.enum(KINDS),
    schedule_expr: z.string(),
    timezone: z.string(),
    payload: z.unknown(),
    created_by: z.string().nullable(),
    priority: z.number().int(),
    max_retries: z.number().int(),
    backoff_strategy: z.enum(BACKOFFS),
    dedupe_key: z.string().nullable(),
    dedupe_window_seconds: z.number().int().nullable(),
    concurrency_key: z.string().nullable(),
    status: z.enum(TASK_STATUSES),
    next_run_at: instant.nullable(),
    last_run_at: instant.nullable(),
    last_status: z.string().nullable(),
    snoozed_until: instant.nullable(),
    snooze_reason: z.string().nullable(),
    created_at: instant,
    updated_at: instant,
  })
  .openapi("AgentflowTask");
const ListView = z
  .object({ tasks: z.array(TaskView), total: z.number().int(), limit: z.number().int(), offset: z.number().int() })
  .openapi("AgentflowTaskList");
const RunView = z
  .object({
    id: z.string().uuid(),
    task_id: z.string().uuid(),
    status: z.string(),
    trigger: z.string(),
    attempt: z.number().int(),
    scheduled_for: instant,
    created_at: instant,
  })
  .openapi("AgentflowRun");
const ErrorView = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .openapi("AgentflowError");

const errors = {
  ...errorResponsesFor(ErrorView, STATUS_OF, {
    describe: { invalid: "Invalid input", not_found: "No such task", conflict: "Duplicate title, or the task is canceled" },
  }),
};
const IdParam = z.object({
  id: z
    .string()
    .max(100)
    .openapi({ param: { name: "id", in: "path" } }),
});

export const ListQuery = z.object({
  status: z.enum(TASK_STATUSES).optional(),
  created_by: z.guid().optional(),
  schedule_kind: z.enum(KINDS).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const createTaskRoute = createRoute({
  method: "post",
  path: "/tasks",
  operationId: "agentflowCreateTask",
  tags,
  middleware: write,
  summary: "Create a scheduled task",
  request: { body: body(CreateBody) },
  responses: { 201: json(TaskView, "The task"), ...errors },
});
export const listTasksRoute = createRoute({
  method: "get",
  path: "/tasks",
  operationId: "agentflowListTasks",
  tags,
  middleware: read,
  summary: "List tasks",
  request: { query: ListQuery },
  responses: { 200: json(ListView, "One page of tasks"), ...errors },
});
export const getTaskRoute = createRoute({
  method: "get",
  path: "/tasks/{id}",
  operationId: "agentflowGetTask",
  tags,
  middleware: read,
  summary: "Get a task",
  request: { params: IdParam },
  responses: { 200: json(TaskView, "The task"), ...errors },
});
export const updateTaskRoute = createRoute({
  method: "put",
  path: "/tasks/{id}",
  operationId: "agentflowUpdateTask",
  tags,
  middleware: write,
  summary: "Update the fields provided",
  request: { params: IdParam, body: body(UpdateBody) },
  responses: { 200: json(TaskView, "The task"), ...errors },
});
export const runTaskNowRoute = createRoute({
  method: "post",
  path: "/tasks/{id}/run_now",
  operationId: "agentflowRunTaskNow",
  tags,
  middleware: write,
  summary: "Run once now, outside the schedule",
  request: { params: IdParam },
  responses: { 202: json(RunView, "The queued run"), ...errors },
});
export const snoozeTaskRoute = createRoute({
  method: "post",
  path: "/tasks/{id}/snooze",
  operationId: "agentflowSnoozeTask",
  tags,
  middleware: write,
  summary: "Delay the next scheduled run",
  request: { params: IdParam, body: body(SnoozeBody) },
  responses: { 200: json(TaskView, "The task"), ...errors },
});
const action = (verb: "pause" | "resume" | "cancel", operationId: string, summary: string) =>
  createRoute({
    method: "post",
    path: `/tasks/{id}/${verb}`,
    operationId,
    tags,
    middleware: write,
    summary,
    request: { params: IdParam },
    responses: { 200: json(TaskView, "The task"), ...errors },
  });
export const pauseTaskRoute = action("pause", "agentflowPauseTask", "Pause: no scheduled runs until resumed");
export const resumeTaskRoute = action("resume", "agentflowResumeTask", "Resume a paused (or snoozed) task");
export const cancelTaskRoute = action("cancel", "agentflowCancelTask", "Cancel for good");
