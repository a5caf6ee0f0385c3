import type { Context } from "hono";
import { z } from "@hono/zod-openapi";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ErrorKind } from "../../../domain/errors";
import type { AppEnv } from "../../../env";
import { toDomainError } from "../../errors";
import { zodHook } from "../../validation";

// Kubiya's error table has 400, 401, 403, 404 and 500 only, each with a JSON body
// carrying `msg`. Everything this face can fail with is folded into those here,
// except rate limiting, which stays 429 with Retry-After (and a `msg`).

export const KubiyaErrorSchema = z
  .object({
    msg: z.string(),
    details: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .openapi({ description: "The fields at fault (400 only)" }),
  })
  .openapi("KubiyaError");

export const KUBIYA_STATUS: Record<ErrorKind, ContentfulStatusCode> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  // Not in Kubiya's table: a request the service cannot accept as sent is a Bad Request.
  conflict: 400,
  precondition_failed: 400,
  payload_too_large: 400,
  unsupported_media_type: 400,
  // Also outside the table, but a client must be able to tell "slow down" from "fix your request".
  rate_limited: 429,
  internal: 500,
};

/** Core field paths → the Kubiya field a client sent. */
const FIELD: Record<string, string> = {
  "schedule.expression": "cron_string",
  "schedule.at": "schedule_time",
  "parameters.prompt": "task_description",
  agent_id: "selected_agent",
};

/** The one place this face renders an error. */
export function renderKubiyaError(err: unknown, c: Context<AppEnv>): Response {
  const e = toDomainError(err, c.get("requestId") ?? "");
  if (e.code === "internal_error") return c.json({ msg: "Internal Server Error" }, 500);
  const status = KUBIYA_STATUS[e.kind];
  const msg = e.kind === "not_found" ? "Scheduled task not found" : e.message;
  const details = e.details?.map((d) => ({ path: FIELD[d.path] ?? d.path, message: d.message }));
  return c.json({ msg, ...(status === 400 && details && details.length > 0 && { details }) }, status);
}

/** zod failures on this face: 400 naming the fields. */
export const kubiyaHook = zodHook({ message: (_where, summary) => `Bad Request: ${summary}`, fallback: "target" });
