import { createRouter } from "../../router";
import * as h from "./handlers";
import * as r from "./routes";

/**
 * /v1/runs: the organization's runs, retries, and what a backup run stored. Artifacts
 * live here rather than in a folder of their own: they are only reached through a run
 * (/v1/runs/{id}/artifacts), share its tag and scope, and the run's scoping is their access rule.
 */
export const runsRouter = createRouter()
  .openapi(r.listRunsRoute, h.listRunsHandler)
  .openapi(r.getRunRoute, h.getRunHandler)
  .openapi(r.retryRunRoute, h.retryRunHandler)
  .openapi(r.listRunArtifactsRoute, h.listRunArtifactsHandler)
  .openapi(r.getRunArtifactRoute, h.getRunArtifactHandler);
