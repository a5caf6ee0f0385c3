import type { Context } from "hono";
import { z } from "@hono/zod-openapi";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { notFound } from "../../../domain/errors";
import type { DomainError } from "../../../domain/errors";
import type { AppEnv } from "../../../env";
import { STATUS_OF, toDomainError } from "../../errors";
import { zodHook } from "../../validation";

// NetStacks' documented error envelope (its "Error Codes" reference):
// {"error": {"code": "BAD_REQUEST", "message": "...", "status": 400, "details": {"field", "message"} | null}}.
// Every failure on this face, from the body limit to an unknown route, is rendered here.

export const NetstacksErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "BAD_REQUEST" }),
      message: z.string(),
      status: z.number().int(),
      details: z.object({ field: z.string(), message: z.string() }).nullable(),
    }),
  })
  .openapi("NetstacksError");

/** The request's shape failed the dialect's schema: NetStacks answers 422 VALIDATION_ERROR. */
const SHAPE = "netstacks_request_shape";

/** Core field paths → the NetStacks field a client sent. */
const FIELD: Record<string, string> = {
  "schedule.expression": "cron_expression",
  "schedule.timezone": "timezone",
  "retry.max_retries": "max_retries",
  "retry.delay_seconds": "retry_delay_seconds",
  type: "task_type",
};
const field = (path: string) => FIELD[path] ?? (path.startsWith("parameters.prompt") ? "prompt" : path);

type Rendered = { status: ContentfulStatusCode; code: string; message: string };

function classify(e: DomainError): Rendered {
  const status = STATUS_OF[e.kind];
  switch (e.code) {
    case SHAPE:
      return { status: 422, code: "VALIDATION_ERROR", message: e.message };
    case "invalid_json":
      return {
        status: 400,
        code: "INVALID_REQUEST",
        message: "Malformed request body: send valid JSON with Content-Type: application/json",
      };
    case "unsupported_media_type":
      return { status, code: "INVALID_REQUEST", message: "Send the body as JSON with Content-Type: application/json" };
    case "payload_too_large":
      return { status, code: "PAYLOAD_TOO_LARGE", message: "The request body is larger than 256 KiB" };
    case "invalid_cron":
      // The seed's troubleshooting text is what NetStacks users search for.
      return /seconds/.test(e.message)
        ? {
            status,
            code: "BAD_REQUEST",
            message:
              "Invalid cron expression: NetStacks uses standard 5-field cron format (minute hour day-of-month month day-of-week). Extended expressions with seconds are not supported",
          }
        : { status, code: "BAD_REQUEST", message: `Invalid cron expression: ${e.message}` };
    case "invalid_timezone":
      return {
        status,
        code: "BAD_REQUEST",
        message: `Invalid timezone: ${e.message}. Use a full IANA name such as America/New_York or Europe/London, not an abbreviation like EST or GMT`,
      };
    case "name_taken":
      return { status, code: "CONFLICT", message: `${e.message}. Task names must be unique within your organization` };
    case "not_found":
      return { status, code: "TASK_NOT_FOUND", message: "Scheduled task not found" };
  }
  switch (e.kind) {
    case "unauthorized":
      if (e.message.startsWith("missing credential"))
        return { status, code: "UNAUTHORIZED", message: "No authentication token provided: send Authorization: Bearer <token>" };
      return { status, code: e.message === "token expired" ? "TOKEN_EXPIRED" : "INVALID_TOKEN", message: e.message };
    case "forbidden":
      return { status, code: "FORBIDDEN", message: e.message };
    case "conflict":
      return { status, code: "CONFLICT", message: e.message };
    case "rate_limited":
      return { status, code: "RATE_LIMITED", message: e.message };
    default:
      return { status, code: "BAD_REQUEST", message: e.message };
  }
}

/** The one place this face turns any error into NetStacks' envelope. */
export function renderNetstacksError(err: unknown, c: Context<AppEnv>): Response {
  const e = toDomainError(err, c.get("requestId") ?? "");
  if (e.code === "internal_error") {
    return c.json(
      { error: { code: "INTERNAL_ERROR", message: "An unexpected error occurred; it has been logged", status: 500, details: null } },
      500,
    );
  }
  const r = classify(e);
  const first = e.details?.[0];
  const details = first ? { field: field(first.path), message: first.message } : null;
  return c.json({ error: { code: r.code, message: r.message, status: r.status, details } }, r.status);
}

/** zod failures on this face become 422 VALIDATION_ERROR naming the first bad field. */
export const netstacksHook = zodHook({
  code: SHAPE,
  message: (_where, summary) => `Request validation failed: ${summary}`,
  fallback: "target",
  // An id no task can have (over 100 characters) names no task: 404, like any unknown id.
  before: (target) => {
    if (target === "param") throw notFound("task");
  },
});
