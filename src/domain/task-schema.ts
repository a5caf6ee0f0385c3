import { z } from "zod";
import { BACKOFFS, CATCHUP_POLICIES, OVERLAP_POLICIES, TASK_TYPES } from "./task";

// The shape of a task as callers write it. One definition validates the native
// API's bodies, types the core's input and documents the OpenAPI schema; the
// meaning (schedule maths, per-type parameters, projects) is checked by the service.

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const optionalUrl = z
  .string()
  .max(2048)
  .regex(/^https?:\/\/[^\s]+$/, "must be an absolute http(s) URL")
  .nullable()
  .optional();

export const DstPolicySchema = z
  .strictObject({
    gap: z
      .enum(["shift", "skip"])
      .default("shift")
      .describe("Fire times inside a spring-forward gap: `shift` to the first instant after it, or `skip` that day"),
    repeat: z
      .enum(["auto", "first", "both"])
      .default("auto")
      .describe("Fire times inside a repeated (fall-back) hour: `auto` = fixed-time once, interval both; or force `first`/`both`"),
  })
  .describe("DST policy");

const timezone = z.string().max(64).default("UTC").describe("IANA time zone, e.g. America/New_York");

const exceptList = z
  .array(z.string().max(40))
  .max(1000)
  .optional()
  .describe(
    "Occurrences that do not run (RFC 5545 EXDATE), in the timezone: local dates (2026-12-25: that whole day) or local date-times (2026-12-24T09:00: that occurrence); at most 1000. Each is recorded as a skipped run with reason `excluded`",
  );

export const ScheduleSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("cron"),
    expression: z.string().max(200).describe("5-field cron: minute hour day-of-month month day-of-week"),
    timezone,
    dst: DstPolicySchema.optional(),
    except: exceptList,
  }),
  z.strictObject({
    kind: z.literal("rrule"),
    rule: z.string().max(2000).describe("RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=9;BYMINUTE=0"),
    timezone,
    dtstart: z.string().max(40).optional().describe("Wall-clock start in the timezone, YYYY-MM-DDTHH:MM[:SS]"),
    dst: DstPolicySchema.optional(),
    except: exceptList,
    also: z
      .array(z.string().max(40))
      .max(1000)
      .optional()
      .describe("Extra local date-times (RFC 5545 RDATE) in the timezone, YYYY-MM-DDTHH:MM[:SS]; at most 1000"),
  }),
  z.strictObject({ kind: z.literal("once"), at: z.string().max(64).describe("ISO-8601 instant with Z or an offset") }),
  z.strictObject({ kind: z.literal("delayed"), delay_seconds: int(1, 31_536_000) }),
  z.strictObject({ kind: z.literal("event"), event: z.string().min(1).max(200).describe("Event name that triggers the task") }),
]);

export const RetrySchema = z.strictObject({
  max_retries: int(0, 100).optional(),
  delay_seconds: int(0, 86_400).optional(),
  backoff: z.enum(BACKOFFS).optional(),
  max_delay_seconds: int(1, 604_800).optional(),
});

/** Fields of a task a caller may write. `.partial()` of it is PATCH's body. */
export const TaskInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).nullable().optional(),
  project_id: z.string().min(1).max(100).nullable().optional(),
  agent_id: z.string().min(1).max(200).nullable().optional(),
  type: z.enum(TASK_TYPES),
  parameters: z.record(z.string(), z.unknown()).optional().describe("Type-specific parameters"),
  schedule: ScheduleSchema,
  enabled: z.boolean().optional().describe("false creates the task paused"),
  retry: RetrySchema.optional(),
  timeout_seconds: int(1, 86_400).optional(),
  priority: int(1, 9).optional().describe("1 is highest; default 5"),
  dedupe_key: z.string().min(1).max(200).nullable().optional(),
  dedupe_window_seconds: int(1, 2_592_000).nullable().optional(),
  concurrency_key: z.string().min(1).max(200).nullable().optional(),
  concurrency_limit: int(1, 100).optional(),
  overlap_policy: z.enum(OVERLAP_POLICIES).optional(),
  catchup: z.enum(CATCHUP_POLICIES).optional(),
  catchup_window_seconds: int(0, 2_592_000).optional(),
  on_success_url: optionalUrl,
  on_failure_url: optionalUrl,
});

export const TaskPatchSchema = TaskInputSchema.partial();

/** Input of create/replace as the core accepts it (dialects build this too); services parse it again. */
export type TaskInput = z.output<typeof TaskInputSchema>;
/** A partial update: only provided fields change (`retry` merges field by field). */
export type TaskPatch = z.output<typeof TaskPatchSchema>;
