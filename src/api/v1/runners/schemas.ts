import { z } from "@hono/zod-openapi";
import { RUNNER_CLAIM_TYPES } from "../../../domain/placement";
import { TASK_TYPES } from "../../../domain/task";
import { RunSchema, TaskSchema } from "../schemas";

const runnerId = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._:@-]+$/, "letters, digits and . _ : @ - only");
const tail = z.string().max(16_384);
/** Longest a claim waits for work before answering 204. */
const MAX_WAIT_SECONDS = 25;

export const ClaimBody = z
  .strictObject({
    runner_id: runnerId,
    types: z.array(z.enum(RUNNER_CLAIM_TYPES)).min(1).max(TASK_TYPES.length).openapi({
      description:
        "The task types this runner does: custom_script, container_update, backup (backups without URL sources), health_check (container checks)",
    }),
    labels: z
      .record(z.string().max(100), z.string().max(200))
      .optional()
      .openapi({ description: "`project` restricts the runner to that project's tasks" }),
    wait_seconds: z.number().int().min(0).max(MAX_WAIT_SECONDS).default(MAX_WAIT_SECONDS),
  })
  .openapi("RunnerClaim");
export const LeasedRunSchema = z
  .object({ run: RunSchema, task: TaskSchema, lease_expires_at: z.string(), heartbeat_interval_seconds: z.number().int() })
  .openapi("LeasedRun");

export const HeartbeatBody = z
  .strictObject({ runner_id: runnerId, stdout_tail: tail.optional(), stderr_tail: tail.optional() })
  .openapi("RunnerHeartbeat");
export const HeartbeatResultSchema = z.object({ lease_expires_at: z.string(), cancel: z.boolean() }).openapi("HeartbeatResult");

export const CompleteBody = z
  .strictObject({
    runner_id: runnerId,
    status: z.enum(["succeeded", "failed", "timed_out"]),
    exit_code: z.number().int().min(-255).max(65_535).nullable().optional(),
    stdout_tail: tail.optional(),
    stderr_tail: tail.optional(),
    result: z.unknown().optional(),
  })
  .openapi("RunnerCompletion");

export const RunnerSeenSchema = z
  .object({
    id: z.string().openapi({ description: "The runner_id it claims with" }),
    labels: z.record(z.string(), z.string()),
    types: z.array(z.string()),
    first_seen_at: z.string().openapi({ format: "date-time" }),
    last_seen_at: z.string().openapi({ format: "date-time", description: "Its last claim or heartbeat" }),
    runs_in_flight: z.number().int().openapi({ description: "Runs it is executing now" }),
  })
  .openapi("RunnerSeen");
export const RunnerListSchema = z.object({ runners: z.array(RunnerSeenSchema) }).openapi("RunnerList");
