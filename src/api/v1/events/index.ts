import { createRouter } from "../../router";
import * as h from "./handlers";
import * as r from "./routes";

/** /v1/events: what event-scheduled tasks wait for. */
export const eventsRouter = createRouter().openapi(r.publishEventRoute, h.publishEventHandler);
