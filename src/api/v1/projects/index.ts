import { createRouter } from "../../router";
import * as h from "./handlers";
import * as r from "./routes";

/** /v1/projects: an organization's projects (tasks and runners are placed by them). */
export const projectsRouter = createRouter()
  .openapi(r.createProjectRoute, h.createProjectHandler)
  .openapi(r.listProjectsRoute, h.listProjectsHandler)
  .openapi(r.getProjectRoute, h.getProjectHandler)
  .openapi(r.updateProjectRoute, h.updateProjectHandler)
  .openapi(r.deleteProjectRoute, h.deleteProjectHandler);
