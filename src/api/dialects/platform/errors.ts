import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { DomainError } from "../../../domain/errors";
import type { ErrorKind } from "../../../domain/errors";
import type { AppEnv } from "../../../env";
import { STATUS_OF, toDomainError } from "../../errors";
import { zodHook } from "../../validation";

// The one place where 001's face turns anything thrown into `{success:false, error}`.

type Failure = { status: ContentfulStatusCode; error: string };

/** Every problem is about `field` (a body missing many fields is not "a cron problem"). */
const onlyAbout = (e: DomainError, field: string) =>
  (e.details?.length ?? 0) > 0 && (e.details ?? []).every((d) => d.path.startsWith(field));

/** The face's statuses: as the core's, but a concurrent edit is a conflict (409) here. */
export const PLATFORM_STATUS: Record<ErrorKind, ContentfulStatusCode> = { ...STATUS_OF, precondition_failed: 409 };

/** DomainError → the vendor's status and message (the exact strings its reference documents). */
export function failureOf(e: DomainError): Failure {
  if (e.code === "invalid_cron" || onlyAbout(e, "schedule.expression") || onlyAbout(e, "cronExpression"))
    return { status: 400, error: "Invalid cron expression" };
  if (e.code === "project_not_found") return { status: 400, error: "Project not found" };
  if (e.code === "invalid_timezone" || onlyAbout(e, "schedule.timezone")) return { status: 400, error: `Invalid timezone: ${e.message}` };
  if (e.kind === "not_found") return { status: 404, error: "Task not found" };
  // A concurrent edit between our read and write: the client retries, as for any conflict.
  if (e.kind === "precondition_failed") return { status: 409, error: "The task was changed by another request; retry" };
  if (e.kind === "payload_too_large") return { status: 413, error: "The body is larger than 256 KiB" };
  if (e.kind === "unsupported_media_type") return { status: 415, error: "Send the body as JSON with Content-Type: application/json" };
  return { status: PLATFORM_STATUS[e.kind], error: e.message };
}

/** The router's error handler: never a stack trace; unknown errors are logged and answer an opaque 500. */
export function renderPlatformError(c: Context<AppEnv>, err: unknown): Response {
  const e = toDomainError(err, c.get("requestId") ?? "");
  if (e.code === "internal_error") return c.json({ success: false as const, error: "Internal server error" }, 500);
  const f = failureOf(e);
  return c.json({ success: false as const, error: f.error }, f.status);
}

/** Zod failures of the vendor's shapes → 400 with every bad field named (a bad cron is "Invalid cron expression"). */
export const platformHook = zodHook({ message: (where, summary) => `Invalid ${where}: ${summary}` });
