import { and, asc, eq } from "drizzle-orm";
import { isUniqueViolation } from "../db/client";
import { projects } from "../db/schema";
import type { ProjectRow } from "../db/schema";
import { conflict, notFound } from "../domain/errors";
import { assertPublicTargets } from "../domain/targets";
import type { ServiceContext } from "./context";

export type Project = { id: string; name: string; url: string | null; created_at: number; updated_at: number };

const view = (r: ProjectRow): Project => ({ id: r.id, name: r.name, url: r.url, created_at: r.createdAt, updated_at: r.updatedAt });

const slugify = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60) || "project";

/** A project's url is probed from the edge (001's connectivity checks): refused when private, like a task's targets. */
function checkUrl(ctx: ServiceContext, url: string | null | undefined): void {
  if (url && !ctx.allowPrivateTargets) assertPublicTargets([{ path: "url", url }]);
}

/** Creates a project; without an id, one is derived from the name plus a random suffix. */
export async function createProject(ctx: ServiceContext, p: { id?: string; name: string; url?: string | null }): Promise<Project> {
  checkUrl(ctx, p.url);
  const id = p.id ?? `${slugify(p.name)}-${crypto.randomUUID().slice(0, 8)}`;
  try {
    const row = await ctx.db
      .insert(projects)
      .values({ orgId: ctx.orgId, id, name: p.name, url: p.url ?? null, createdAt: ctx.now, updatedAt: ctx.now })
      .returning()
      .get();
    return view(row);
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict("project_exists", `a project with id "${id}" already exists`);
    throw e;
  }
}

export async function listProjects(ctx: ServiceContext): Promise<Project[]> {
  const rows = await ctx.db.select().from(projects).where(eq(projects.orgId, ctx.orgId)).orderBy(asc(projects.id)).limit(1000).all();
  return rows.map(view);
}

export async function getProject(ctx: ServiceContext, id: string): Promise<Project> {
  const row = await ctx.db
    .select()
    .from(projects)
    .where(and(eq(projects.orgId, ctx.orgId), eq(projects.id, id)))
    .get();
  if (!row) throw notFound("project");
  return view(row);
}

export async function updateProject(ctx: ServiceContext, id: string, p: { name?: string; url?: string | null }): Promise<Project> {
  checkUrl(ctx, p.url);
  const row = await ctx.db
    .update(projects)
    .set({ ...(p.name !== undefined && { name: p.name }), ...(p.url !== undefined && { url: p.url }), updatedAt: ctx.now })
    .where(and(eq(projects.orgId, ctx.orgId), eq(projects.id, id)))
    .returning()
    .get();
  if (!row) throw notFound("project");
  return view(row);
}

/** Deletes a project. Tasks that name it keep the id (they are not deleted with it). */
export async function deleteProject(ctx: ServiceContext, id: string): Promise<void> {
  const row = await ctx.db
    .delete(projects)
    .where(and(eq(projects.orgId, ctx.orgId), eq(projects.id, id)))
    .returning()
    .get();
  if (!row) throw notFound("project");
}
