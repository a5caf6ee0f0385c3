import type { z } from "@hono/zod-openapi";
import { createProject, deleteProject, getProject, listProjects, updateProject } from "../../../services/projects";
import type { Project } from "../../../services/projects";
import { serviceContext } from "../../context";
import type { AppRouteHandler } from "../../router";
import type * as routes from "./routes";
import type { ProjectSchema } from "./schemas";
import { iso } from "../../../domain/time";

const projectJson = (p: Project): z.infer<typeof ProjectSchema> => ({
  ...p,
  created_at: iso(p.created_at),
  updated_at: iso(p.updated_at),
});

export const createProjectHandler: AppRouteHandler<typeof routes.createProjectRoute> = async (c) =>
  c.json(projectJson(await createProject(await serviceContext(c), c.req.valid("json"))), 201);

export const listProjectsHandler: AppRouteHandler<typeof routes.listProjectsRoute> = async (c) =>
  c.json({ projects: (await listProjects(await serviceContext(c))).map(projectJson) }, 200);

export const getProjectHandler: AppRouteHandler<typeof routes.getProjectRoute> = async (c) =>
  c.json(projectJson(await getProject(await serviceContext(c), c.req.valid("param").id)), 200);

export const updateProjectHandler: AppRouteHandler<typeof routes.updateProjectRoute> = async (c) =>
  c.json(projectJson(await updateProject(await serviceContext(c), c.req.valid("param").id, c.req.valid("json"))), 200);

export const deleteProjectHandler: AppRouteHandler<typeof routes.deleteProjectRoute> = async (c) => {
  await deleteProject(await serviceContext(c), c.req.valid("param").id);
  return c.body(null, 204);
};
