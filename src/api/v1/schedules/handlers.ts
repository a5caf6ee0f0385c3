import { previewSchedule } from "../../../services/schedules";
import type { AppRouteHandler } from "../../router";
import type * as routes from "./routes";
import { iso } from "../../../domain/time";

// No service context: a preview reads and writes nothing, so it needs no organization.
export const previewScheduleHandler: AppRouteHandler<typeof routes.previewScheduleRoute> = async (c) => {
  const occurrences = previewSchedule(c.req.valid("json"), Date.now()).map((o) => ({
    at: iso(o.at),
    local: o.local,
    ...(o.note !== undefined && { note: o.note }),
    ...(o.skipped && { skipped: true }),
  }));
  return c.json({ occurrences }, 200);
};
