import { createRouter } from "../../router";
import * as h from "./handlers";
import * as r from "./routes";

/** /v1/runners/claim and a claimed run's heartbeat and completion (runner scope); GET /v1/runners (tasks:read). */
export const runnersRouter = createRouter()
  .openapi(r.claimRunRoute, h.claimRunHandler)
  .openapi(r.heartbeatRunRoute, h.heartbeatRunHandler)
  .openapi(r.completeRunRoute, h.completeRunHandler)
  .openapi(r.listRunnersRoute, h.listRunnersHandler);
