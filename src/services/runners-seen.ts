import { sql } from "drizzle-orm";
import { runners } from "../db/schema";
import type { ServiceContext } from "./context";

/** A runner as the organization has seen it. */
export type RunnerSeen = {
  id: string;
  labels: Record<string, string>;
  types: string[];
  first_seen_at: number;
  last_seen_at: number;
  runs_in_flight: number;
};

/**
 * Notes that a runner was heard from now: with its labels and types when it asks for work
 * (a claim), or just the time when it heartbeats. One idempotent upsert.
 */
export async function recordRunner(
  ctx: ServiceContext,
  id: string,
  claim?: { labels?: Record<string, string>; types: string[] },
): Promise<void> {
  const now = Date.now();
  const labels = JSON.stringify(claim?.labels ?? {});
  const types = JSON.stringify(claim?.types ?? []);
  await ctx.db
    .insert(runners)
    .values({ orgId: ctx.orgId, id, labels, types, firstSeenAt: now, lastSeenAt: now })
    .onConflictDoUpdate({
      target: [runners.orgId, runners.id],
      set: claim ? { labels, types, lastSeenAt: now } : { lastSeenAt: now },
    })
    .run();
}

/** The organization's runners, most recently heard from first, with how many runs each is executing. */
export async function listRunners(ctx: ServiceContext): Promise<RunnerSeen[]> {
  const rows = await ctx.db.all<{
    id: string;
    labels: string;
    types: string;
    first_seen_at: number;
    last_seen_at: number;
    in_flight: number;
  }>(sql`
    SELECT r.id, r.labels, r.types, r.first_seen_at, r.last_seen_at,
           (SELECT count(*) FROM runs WHERE runs.org_id = r.org_id AND runs.status = 'running' AND runs.runner_id = r.id) AS in_flight
      FROM runners r WHERE r.org_id = ${ctx.orgId} ORDER BY r.last_seen_at DESC LIMIT 200`);
  return rows.map((r) => ({
    id: r.id,
    labels: JSON.parse(r.labels) as Record<string, string>,
    types: JSON.parse(r.types) as string[],
    first_seen_at: Number(r.first_seen_at),
    last_seen_at: Number(r.last_seen_at),
    runs_in_flight: Number(r.in_flight),
  }));
}
