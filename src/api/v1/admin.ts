import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { createDb } from "../../db/client";
import { SCOPES } from "../../domain/identity";
import { createApiKey, listApiKeys, revokeApiKey } from "../../services/auth/api-keys";
import type { ApiKeyView } from "../../services/auth/api-keys";
import { createProject, deleteProject, getProject, listProjects, updateProject } from "../../services/projects";
import type { Project } from "../../services/projects";
import { serviceContext } from "../context";
import { requireAdmin, requireScope } from "../middleware/auth";
import { validationHook } from "../validation";
import { IdParam, body, errorResponses, json } from "./schemas";

export const adminRouter = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

// ---- API keys (admin token) ----
const ApiKeySchema = z
  .object({
    id: z.string(), name: z.string(), org: z.string(), scopes: z.array(z.enum(SCOPES)), project_id: z.string().nullable(),
    prefix: z.string().openapi({ description: "First characters of the key, to tell keys apart" }),
    created_at: z.string(), revoked_at: z.string().nullable(), last_used_at: z.string().nullable(),
  })
  .openapi("ApiKey");
const keyJson = (k: ApiKeyView) => ({ ...k, created_at: new Date(k.created_at).toISOString(), revoked_at: iso(k.revoked_at), last_used_at: iso(k.last_used_at) });
const ApiKeyInput = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    org: z.string().min(1).max(100).openapi({ description: "Organization id (a slug); created on first use" }),
    scopes: z.array(z.enum(SCOPES)).min(1).max(4),
    project_id: z.string().min(1).max(100).nullable().optional(),
  })
  .openapi("ApiKeyInput");
const tagsK = ["API keys"];

adminRouter.openapi(
  createRoute({
    method: "post", path: "/v1/api-keys", tags: tagsK, middleware: [requireAdmin], summary: "Issue an API key (the key is shown once)",
    request: { body: body(ApiKeyInput) },
    responses: { 201: json(ApiKeySchema.extend({ key: z.string() }).openapi("NewApiKey"), "The key, with its secret shown this once"), ...errorResponses },
  }),
  async (c) => {
    const k = await createApiKey(createDb(c.env.DB), Date.now(), c.req.valid("json"));
    return c.json({ ...keyJson(k), key: k.key }, 201);
  },
);
adminRouter.openapi(
  createRoute({
    method: "get", path: "/v1/api-keys", tags: tagsK, middleware: [requireAdmin], summary: "List API keys (never their secrets)",
    request: { query: z.object({ org: z.string().max(100).optional() }) },
    responses: { 200: json(z.object({ api_keys: z.array(ApiKeySchema) }), "Keys"), ...errorResponses },
  }),
  async (c) => c.json({ api_keys: (await listApiKeys(createDb(c.env.DB), c.req.valid("query").org)).map(keyJson) }, 200),
);
adminRouter.openapi(
  createRoute({
    method: "delete", path: "/v1/api-keys/{id}", tags: tagsK, middleware: [requireAdmin], summary: "Revoke an API key",
    request: { params: IdParam },
    responses: { 200: json(ApiKeySchema, "The revoked key"), ...errorResponses },
  }),
  async (c) => c.json(keyJson(await revokeApiKey(createDb(c.env.DB), c.req.valid("param").id, Date.now())), 200),
);

// ---- Projects (per organization: tasks:write, or the admin token with X-Org-Id) ----
const ProjectSchema = z
  .object({ id: z.string(), name: z.string(), url: z.string().nullable(), created_at: z.string(), updated_at: z.string() })
  .openapi("Project");
const projectJson = (p: Project) => ({ ...p, created_at: new Date(p.created_at).toISOString(), updated_at: new Date(p.updated_at).toISOString() });
const url = z.string().max(2048).regex(/^https?:\/\/\S+$/, "must be an absolute http(s) URL");
const ProjectInput = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,99}$/, "lower-case letters, digits and dashes, e.g. production").optional(),
    name: z.string().trim().min(1).max(200),
    url: url.nullable().optional(),
  })
  .openapi("ProjectInput");
const ProjectPatch = z.strictObject({ name: z.string().trim().min(1).max(200).optional(), url: url.nullable().optional() }).openapi("ProjectPatch");
const tagsP = ["Projects"];
const pread = [requireScope("tasks:read")];
const pwrite = [requireScope("tasks:write")];

adminRouter.openapi(
  createRoute({
    method: "post", path: "/v1/projects", tags: tagsP, middleware: pwrite, summary: "Create a project",
    request: { body: body(ProjectInput) },
    responses: { 201: json(ProjectSchema, "The project"), ...errorResponses },
  }),
  async (c) => c.json(projectJson(await createProject(await serviceContext(c), c.req.valid("json"))), 201),
);
adminRouter.openapi(
  createRoute({
    method: "get", path: "/v1/projects", tags: tagsP, middleware: pread, summary: "List projects",
    responses: { 200: json(z.object({ projects: z.array(ProjectSchema) }), "Projects"), ...errorResponses },
  }),
  async (c) => c.json({ projects: (await listProjects(await serviceContext(c))).map(projectJson) }, 200),
);
adminRouter.openapi(
  createRoute({
    method: "get", path: "/v1/projects/{id}", tags: tagsP, middleware: pread, summary: "Get a project",
    request: { params: IdParam },
    responses: { 200: json(ProjectSchema, "The project"), ...errorResponses },
  }),
  async (c) => c.json(projectJson(await getProject(await serviceContext(c), c.req.valid("param").id)), 200),
);
adminRouter.openapi(
  createRoute({
    method: "patch", path: "/v1/projects/{id}", tags: tagsP, middleware: pwrite, summary: "Rename a project or change its URL",
    request: { params: IdParam, body: body(ProjectPatch) },
    responses: { 200: json(ProjectSchema, "The project"), ...errorResponses },
  }),
  async (c) => c.json(projectJson(await updateProject(await serviceContext(c), c.req.valid("param").id, c.req.valid("json"))), 200),
);
adminRouter.openapi(
  createRoute({
    method: "delete", path: "/v1/projects/{id}", tags: tagsP, middleware: pwrite, summary: "Delete a project",
    request: { params: IdParam },
    responses: { 204: { description: "Deleted" }, ...errorResponses },
  }),
  async (c) => {
    await deleteProject(await serviceContext(c), c.req.valid("param").id);
    return c.body(null, 204);
  },
);
