/**
 * The OpenAPI pieces every face's routes share: JSON bodies and responses, and the error
 * responses a route documents, derived from the closed list of error codes
 * (domain/errors.ts) and a face's map from kind to status: every status a route can answer
 * is in its OpenAPI operation, and adding a code or a kind documents itself.
 */
import type { z } from "@hono/zod-openapi";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ERROR_CODES } from "../domain/errors";
import type { ErrorKind } from "../domain/errors";

export const ERROR_KINDS = [...new Set(Object.values(ERROR_CODES))] as ErrorKind[];

/** The codes of one kind, in the list's order. */
export const codesOf = (kind: ErrorKind): string[] =>
  Object.entries(ERROR_CODES)
    .filter(([, k]) => k === kind)
    .map(([code]) => code);

/** A JSON response with its description. */
export const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { "application/json": { schema } }, description });
/** A JSON request body, required unless told (so a wrong content type is an error, not `{}`). */
export const body = <T extends z.ZodType>(schema: T, required = true) => ({ content: { "application/json": { schema } }, required });

const DEFAULT_TEXT: Record<ErrorKind, string> = {
  invalid: "The input is invalid; the message says what to fix",
  unauthorized: "Missing or invalid credential",
  forbidden: "The credential lacks the scope this route needs",
  not_found: "Not found (or in another organization)",
  conflict: "Conflicts with the stored state (a name taken, a canceled task, a run already finished)",
  precondition_failed: "If-Match does not match the current ETag",
  payload_too_large: "The body is larger than 256 KiB",
  unsupported_media_type: "The body must be JSON (Content-Type: application/json)",
  rate_limited: "Too many requests for this credential; retry after Retry-After seconds",
  internal: "An unexpected error; it is logged, never echoed",
};

type Described<S> = { content: { "application/json": { schema: S } }; description: string };

/**
 * One response per status the face answers: its `statusOf` folds kinds into statuses (a
 * vendor with a short error table folds more), each described by `describe` or by default.
 * With `listCodes`, each description names the codes the status carries (the native API's).
 */
export function errorResponsesFor<S extends z.ZodType>(
  schema: S,
  statusOf: Record<ErrorKind, ContentfulStatusCode>,
  o: { describe?: Partial<Record<ErrorKind, string>>; listCodes?: boolean } = {},
): Record<number, Described<S>> {
  const out: Record<number, Described<S>> = {};
  for (const kind of ERROR_KINDS) {
    const status = statusOf[kind];
    const text = `${o.describe?.[kind] ?? DEFAULT_TEXT[kind]}${o.listCodes ? ` (codes: ${codesOf(kind).join(", ")})` : ""}`;
    const prior = out[status];
    out[status] = { content: { "application/json": { schema } }, description: prior ? `${prior.description}; ${text}` : text };
  }
  return out;
}
