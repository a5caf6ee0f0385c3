/** A problem with one input field: `path` is a JSON path such as `schedule.expression`. */
export type ErrorDetail = { path: string; message: string };

/**
 * Every error code the service answers with, and its kind. The list is closed: a code
 * not in it does not compile. Each face renders a code in its own envelope; the kind fixes
 * the HTTP status (api/errors.ts `STATUS_OF`), from which the OpenAPI error responses are derived.
 */
export const ERROR_CODES = {
  // 400: the request cannot be accepted as sent; the message says what to fix.
  validation_failed: "invalid",
  invalid_json: "invalid",
  invalid_parameters: "invalid",
  invalid_cron: "invalid",
  invalid_rrule: "invalid",
  invalid_timezone: "invalid",
  invalid_schedule: "invalid",
  private_target: "invalid",
  project_not_found: "invalid",
  too_many_occurrences: "invalid",
  not_scheduled: "invalid",
  not_recurring: "invalid",
  org_required: "invalid",
  api_key_required: "invalid",
  jwt_not_configured: "invalid",
  netstacks_request_shape: "invalid",
  // 401, 403
  unauthorized: "unauthorized",
  forbidden: "forbidden",
  // 404
  not_found: "not_found",
  artifact_not_found: "not_found",
  // 409: the request conflicts with stored state.
  name_taken: "conflict",
  project_exists: "conflict",
  task_canceled: "conflict",
  task_completed: "conflict",
  concurrent_update: "conflict",
  not_retryable: "conflict",
  not_claimed: "conflict",
  run_finished: "conflict",
  no_rotation: "conflict",
  decryption_failed: "conflict",
  busy: "conflict",
  // 412, 413, 415, 429
  precondition_failed: "precondition_failed",
  payload_too_large: "payload_too_large",
  unsupported_media_type: "unsupported_media_type",
  rate_limited: "rate_limited",
  // 500: never echoed; the faces answer an opaque message and the error is logged.
  internal_error: "internal",
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
export type ErrorKind = (typeof ERROR_CODES)[ErrorCode];
/** The codes of one kind, e.g. `CodeOf<"conflict">`. */
export type CodeOf<K extends ErrorKind> = { [C in ErrorCode]: (typeof ERROR_CODES)[C] extends K ? C : never }[ErrorCode];

/**
 * The one error type the core throws. HTTP faces map `kind` to a status and render
 * `code`/`message`/`details` in their own envelope; nothing else leaks out. The kind
 * must be the code's (checked when compiled).
 */
export class DomainError<C extends ErrorCode = ErrorCode> extends Error {
  constructor(
    readonly kind: (typeof ERROR_CODES)[C],
    readonly code: C,
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
    this.name = "DomainError";
  }
}

/** Zod issues → error details: `path` dotted (`schedule.except.1`), `fallback` when an issue is about the whole value. */
export function issueDetails(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>, fallback = ""): ErrorDetail[] {
  return issues.map((i) => ({ path: i.path.map(String).join(".") || fallback, message: i.message }));
}

/** "a: …; b: …" for at most five details: the summary every face puts in its message. */
export const detailSummary = (details: ErrorDetail[]) =>
  details
    .slice(0, 5)
    .map((d) => `${d.path}: ${d.message}`)
    .join("; ");

export const invalid = (code: CodeOf<"invalid">, message: string, details?: ErrorDetail[]) =>
  new DomainError("invalid", code, message, details);
export const notFound = (what: string) => new DomainError("not_found", "not_found", `${what} not found`);
export const conflict = (code: CodeOf<"conflict">, message: string) => new DomainError("conflict", code, message);
