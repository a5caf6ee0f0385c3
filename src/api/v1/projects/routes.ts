import { createRoute } from "@hono/zod-openapi";
import { requireScope } from "../../middleware/auth";
import { IdParam, body, errorResponses, json } from "../schemas";
import { ProjectInput, ProjectListSchema, ProjectPatch, ProjectSchema } from "./schemas";

// Per organization: tasks:read / tasks:write, or the admin token with X-Org-Id.
const tags = ["Projects"];
const read = [requireScope("tasks:read")];
const write = [requireScope("tasks:write")];

export const createProjectRoute = createRoute({
  method: "post",
  path: "/v1/projects",
  operationId: "createProject",
  tags,
  middleware: write,
  summary: "Create a project",
  request: { body: body(ProjectInput) },
  responses: { 201: json(ProjectSchema, "The project"), ...errorResponses },
});
export const listProjectsRoute = createRoute({
  method: "get",
  path: "/v1/projects",
  operationId: "listProjects",
  tags,
  middleware: read,
  summary: "List projects",
  responses: { 200: json(ProjectListSchema, "Projects"), ...errorResponses },
});
export const getProjectRoute = createRoute({
  method: "get",
  path: "/v1/projects/{id}",
  operationId: "getProject",
  tags,
  middleware: read,
  summary: "Get a project",
  request: { params: IdParam },
  responses: { 200: json(ProjectSchema, "The project"), ...errorResponses },
});
export const updateProjectRoute = createRoute({
  method: "patch",
  path: "/v1/projects/{id}",
  operationId: "updateProject",
  tags,
  middleware: write,
  summary: "Rename a project or change its URL",
  request: { params: IdParam, body: body(ProjectPatch) },
  responses: { 200: json(ProjectSchema, "The project"), ...errorResponses },
});
export const deleteProjectRoute = createRoute({
  method: "delete",
  path: "/v1/projects/{id}",
  operationId: "deleteProject",
  tags,
  middleware: write,
  summary: "Delete a project",
  request: { params: IdParam },
  responses: { 204: { description: "Deleted" }, ...errorResponses },
});
