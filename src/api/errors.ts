import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { DomainError } from "../domain/errors";
import type { ErrorDetail, ErrorKind } from "../domain/errors";
import { log } from "../log";

export const STATUS_OF: Record<ErrorKind, ContentfulStatusCode> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
};

export type ErrorBody = { error: { code: string; message: string; details?: ErrorDetail[]; request_id: string } };

/** Normalises anything thrown into a DomainError; unknown errors become an opaque 500 (logged, never echoed). */
export function toDomainError(err: unknown, requestId: string): DomainError {
  if (err instanceof DomainError) return err;
  if (err instanceof HTTPException) {
    switch (err.status) {
      case 400:
        return new DomainError(
          "invalid",
          "invalid_json",
          "the body is not valid JSON; send a JSON object with Content-Type: application/json",
        );
      case 401:
        return new DomainError("unauthorized", "unauthorized", "missing or invalid credential");
      case 413:
        return new DomainError("payload_too_large", "payload_too_large", "the body is larger than 256 KiB");
      case 415:
        return new DomainError(
          "unsupported_media_type",
          "unsupported_media_type",
          "this route needs a JSON body: send it with Content-Type: application/json",
        );
    }
  }
  log("error", "request.failed", { request_id: requestId, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
  return new DomainError("internal", "internal_error", "");
}

/** The one envelope of /v1: `{error: {code, message, details?, request_id}}`. */
export function renderError(c: Context, err: unknown): Response {
  const requestId = (c.get("requestId") as string | undefined) ?? "";
  const e = toDomainError(err, requestId);
  if (e.code === "internal_error") {
    return c.json(
      { error: { code: "internal_error", message: "an unexpected error occurred; it has been logged", request_id: requestId } },
      500,
    );
  }
  const body: ErrorBody = { error: { code: e.code, message: e.message, ...(e.details && { details: e.details }), request_id: requestId } };
  return c.json(body, STATUS_OF[e.kind]);
}
