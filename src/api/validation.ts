import type { Hook } from "@hono/zod-openapi";
import { detailSummary, invalid, issueDetails } from "../domain/errors";
import type { CodeOf } from "../domain/errors";
import type { AppEnv } from "../env";

/** Where a zod failure was, as a client names it. */
const WHERE: Record<string, string> = { json: "body", query: "query", param: "path", header: "header" };

export type ZodHookOptions = {
  /** The message of the 400, from where the failure was (body, query, path) and the summary of its issues. */
  message: (where: string, summary: string) => string;
  code?: CodeOf<"invalid">;
  /** The path of an issue about the whole target: the client's name for it ("body"), or the target itself ("json"). */
  fallback?: "where" | "target";
  /** Runs first, e.g. to answer a bad path id as "not found". */
  before?: (target: string) => void;
};

/**
 * The one way a route's zod failure becomes an error: a 400 (`validation_failed` unless
 * told otherwise) listing each bad field with a message that says what to fix. Each face
 * words the message its own way.
 */
export function zodHook(o: ZodHookOptions): Hook<unknown, AppEnv, string, unknown> {
  return (result) => {
    if (result.success) return;
    o.before?.(result.target);
    const where = WHERE[result.target] ?? result.target;
    const details = issueDetails(result.error.issues, o.fallback === "target" ? result.target : where);
    throw invalid(o.code ?? "validation_failed", o.message(where, detailSummary(details)), details);
  };
}

/** /v1's hook (and 002's and 004's, which share its wording). */
export const validationHook = zodHook({ message: (where, summary) => `invalid ${where}: ${summary}` });
