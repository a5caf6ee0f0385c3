import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { instantField, nextOccurrences } from "../../domain/schedule";
import { publishEvent } from "../../services/runs/trigger";
import { issueToken } from "../../services/auth/authenticate";
import { checkSchedule } from "../../services/tasks/spec";
import { serviceContext } from "../context";
import { requireScope } from "../middleware/auth";
import { validationHook } from "../validation";
import { ErrorSchema, ScheduleSchema, body, errorResponses, json } from "./schemas";

export const miscRouter = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

const EventBody = z
  .strictObject({
    name: z.string().min(1).max(200).regex(/^[A-Za-z0-9._:-]+$/, "letters, digits and . _ : - only"),
    payload: z.unknown().optional(),
  })
  .openapi("EventInput");
const eventRoute = createRoute({
  method: "post", path: "/v1/events", tags: ["Events"], middleware: [requireScope("tasks:write")],
  summary: "Publish an event: queues a run of every active task waiting for it",
  request: { body: body(EventBody) },
  responses: { 202: json(z.object({ event: z.string(), run_ids: z.array(z.string()) }).openapi("EventResult"), "Runs queued"), ...errorResponses },
});
miscRouter.openapi(eventRoute, async (c) => {
  const { name, payload } = c.req.valid("json");
  const runs = await publishEvent(await serviceContext(c), name, payload);
  return c.json({ event: name, run_ids: runs.map((r) => r.id) }, 202);
});

const PreviewBody = z
  .strictObject({
    schedule: ScheduleSchema,
    count: z.number().int().min(1).max(100).default(5),
    after: z.string().max(64).optional().openapi({ description: "ISO instant; default now" }),
  })
  .openapi("PreviewInput");
const OccurrenceSchema = z
  .object({ at: z.string(), local: z.string(), note: z.string().optional(), skipped: z.boolean().optional() })
  .openapi("Occurrence");
const previewRoute = createRoute({
  method: "post", path: "/v1/schedules/preview", tags: ["Schedules"], middleware: [requireScope("tasks:read")],
  summary: "The next fire times of a schedule, in UTC and local wall-clock time, with DST notes",
  request: { body: body(PreviewBody) },
  responses: { 200: json(z.object({ occurrences: z.array(OccurrenceSchema) }).openapi("Preview"), "Occurrences"), ...errorResponses },
});
const MAX_SKIPPED_LISTED = 100;
miscRouter.openapi(previewRoute, async (c) => {
  const { schedule, count, after } = c.req.valid("json");
  const now = Date.now();
  const from = after === undefined ? now : instantField(after, "after");
  // Validated as of `after`, so a past window can be previewed too.
  const valid = checkSchedule(schedule, Math.min(now, from));
  // Entries that do not run (excluded, DST-skipped) are listed among the runs, at most
  // MAX_SKIPPED_LISTED of them (a minutely schedule excluding a whole day has 1440).
  let listedSkips = 0;
  const listed = nextOccurrences(valid, from, count, now).filter((o) => !o.skipped || ++listedSkips <= MAX_SKIPPED_LISTED);
  const occurrences = listed.map((o) => ({
    at: new Date(o.at).toISOString(),
    local: o.local,
    ...(o.note !== undefined && { note: o.note }),
    ...(o.skipped && { skipped: true }),
  }));
  return c.json({ occurrences }, 200);
});

const tokenRoute = createRoute({
  method: "post", path: "/v1/auth/token", tags: ["Auth"], summary: "Exchange an API key for a short-lived JWT",
  responses: {
    200: json(z.object({ access_token: z.string(), token_type: z.literal("Bearer"), expires_in: z.number().int() }).openapi("Token"), "The token"),
    400: json(ErrorSchema, "The credential is not an API key"),
    401: json(ErrorSchema, "Missing or invalid credential"),
  },
});
miscRouter.openapi(tokenRoute, async (c) => c.json(await issueToken(c.env, c.get("identity"), Date.now()), 200));
