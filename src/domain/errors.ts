/** A problem with one input field: `path` is a JSON path such as `schedule.expression`. */
export type ErrorDetail = { path: string; message: string };

export type ErrorKind =
  | "invalid"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "precondition_failed"
  | "payload_too_large"
  | "unsupported_media_type"
  | "rate_limited";

/**
 * The one error type the core throws. HTTP faces map `kind` to a status and render
 * `code`/`message`/`details` in their own envelope; nothing else leaks out.
 */
export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export const invalid = (code: string, message: string, details?: ErrorDetail[]) =>
  new DomainError("invalid", code, message, details);
export const notFound = (what: string) => new DomainError("not_found", "not_found", `${what} not found`);
export const conflict = (code: string, message: string) => new DomainError("conflict", code, message);
