import { z } from "@hono/zod-openapi";
import { RUN_STATUSES, RUN_TRIGGERS } from "../../domain/run";
import { BACKOFFS, CATCHUP_POLICIES, OVERLAP_POLICIES, TASK_STATUSES, TASK_TYPES } from "../../domain/task";
import { ScheduleSchema } from "../../domain/task-schema";
import { errorResponsesFor } from "../openapi";
export { body, json } from "../openapi";
import { STATUS_OF } from "../errors";

// Public shapes that several /v1 resources share (a resource's own are in its
// folder's schemas.ts), and the helpers every contract uses. Instants are ISO-8601 UTC strings.
const instant = z.string().openapi({ format: "date-time", example: "2026-03-11T07:00:00.000Z" });

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "invalid_cron" }),
      message: z.string(),
      details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
      request_id: z.string(),
    }),
  })
  .openapi("Error");

export const RunSchema = z
  .object({
    id: z.string().uuid(),
    task_id: z.string().uuid(),
    trigger: z.enum(RUN_TRIGGERS),
    attempt: z.number().int(),
    status: z.enum(RUN_STATUSES),
    reason: z.string().nullable(),
    scheduled_for: instant,
    retry_of: z.string().nullable(),
    input: z.unknown(),
    result: z.unknown(),
    error: z.string().nullable(),
    targets: z.unknown(),
    final: z.boolean(),
    created_at: instant,
    not_before: instant.nullable().openapi({ description: "Earliest start of a delayed retry" }),
    runner_id: z.string().nullable().openapi({ description: "The runner executing it (custom_script, container_update)" }),
    lease_expires_at: instant.nullable().openapi({ description: "A runner's lease: it must heartbeat before this" }),
    started_at: instant.nullable(),
    finished_at: instant.nullable(),
    duration_ms: z.number().int().nullable(),
  })
  .openapi("Run");

export const TaskSchema = z
  .object({
    id: z.string().uuid(),
    name: z.string(),
    description: z.string().nullable(),
    project_id: z.string().nullable(),
    agent_id: z.string().nullable(),
    type: z.enum(TASK_TYPES),
    parameters: z.record(z.string(), z.unknown()),
    schedule: ScheduleSchema,
    status: z.enum(TASK_STATUSES),
    enabled: z.boolean(),
    retry: z.object({
      max_retries: z.number().int(),
      delay_seconds: z.number().int(),
      backoff: z.enum(BACKOFFS),
      max_delay_seconds: z.number().int(),
    }),
    timeout_seconds: z.number().int(),
    priority: z.number().int(),
    dedupe_key: z.string().nullable(),
    dedupe_window_seconds: z.number().int().nullable(),
    concurrency_key: z.string().nullable(),
    concurrency_limit: z.number().int(),
    overlap_policy: z.enum(OVERLAP_POLICIES),
    catchup: z.enum(CATCHUP_POLICIES),
    catchup_window_seconds: z.number().int(),
    on_success_url: z.string().nullable(),
    on_failure_url: z.string().nullable(),
    snoozed_until: instant.nullable(),
    snooze_reason: z.string().nullable(),
    skip_next: z.number().int(),
    next_run_at: instant.nullable(),
    last_run_at: instant.nullable(),
    last_status: z.string().nullable(),
    created_by: z.string(),
    created_at: instant,
    updated_at: instant,
    latest_runs: z.array(RunSchema).optional(),
    recent_statuses: z
      .array(z.enum(RUN_STATUSES))
      .optional()
      .openapi({ description: "On a list asked with `recent_runs=N`: the statuses of the task's latest N runs, newest first" }),
  })
  .openapi("Task");

export const RunListSchema = z
  .object({ runs: z.array(RunSchema), total: z.number().int(), limit: z.number().int(), offset: z.number().int() })
  .openapi("RunList");

export const IdParam = z.object({
  id: z
    .string()
    .max(100)
    .openapi({ param: { name: "id", in: "path" } }),
});

export const PageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ description: "Page size, at most 200" }),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
};

/** Every status a /v1 route can answer, with the codes each carries (derived from the closed code list). */
export const errorResponses = errorResponsesFor(ErrorSchema, STATUS_OF, { listCodes: true });
