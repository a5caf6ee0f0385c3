import type { Hook } from "@hono/zod-openapi";
import { invalid } from "../domain/errors";
import type { AppEnv } from "../env";

const WHERE: Record<string, string> = { json: "body", query: "query", param: "path", header: "header" };

/**
 * Every zod validation failure becomes a 400 in the one error envelope, listing
 * each bad field with a message that says what to fix.
 */
export const validationHook: Hook<unknown, AppEnv, string, unknown> = (result) => {
  if (result.success) return;
  const where = WHERE[result.target] ?? result.target;
  const details = result.error.issues.map((i) => ({
    path: i.path.map(String).join(".") || where,
    message: i.message,
  }));
  const summary = details.slice(0, 5).map((d) => `${d.path}: ${d.message}`).join("; ");
  throw invalid("validation_failed", `invalid ${where}: ${summary}`, details);
};
