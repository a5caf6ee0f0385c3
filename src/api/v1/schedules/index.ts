import { createRouter } from "../../router";
import * as h from "./handlers";
import * as r from "./routes";

/** /v1/schedules: schedule maths without a task. */
export const schedulesRouter = createRouter().openapi(r.previewScheduleRoute, h.previewScheduleHandler);
