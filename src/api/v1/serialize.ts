import type { z } from "@hono/zod-openapi";
import type { Run } from "../../domain/run";
import type { Task } from "../../domain/task";
import type { RunSchema, TaskSchema } from "./schemas";
import { iso, isoOrNull } from "../../domain/time";

export function runJson(r: Run): z.infer<typeof RunSchema> {
  const { dispatched_at, not_before, runner_ready_at, lease_expires_at, ...rest } = r;
  return {
    ...rest,
    not_before: isoOrNull(not_before),
    lease_expires_at: isoOrNull(lease_expires_at),
    scheduled_for: iso(r.scheduled_for),
    created_at: iso(r.created_at),
    started_at: isoOrNull(r.started_at),
    finished_at: isoOrNull(r.finished_at),
  };
}

export function taskJson(t: Task & { latest_runs?: Run[] }): z.infer<typeof TaskSchema> {
  const { org_id, version, claim_seq, skip_due_at, schedule_anchor_at, latest_runs, ...rest } = t;
  return {
    ...rest,
    schedule: rest.schedule as z.infer<typeof TaskSchema>["schedule"],
    snoozed_until: isoOrNull(t.snoozed_until),
    next_run_at: isoOrNull(t.next_run_at),
    last_run_at: isoOrNull(t.last_run_at),
    created_at: iso(t.created_at),
    updated_at: iso(t.updated_at),
    ...(latest_runs && { latest_runs: latest_runs.map(runJson) }),
  };
}

/** Strong ETag of a task version; `If-Match` must echo it. */
export const etagOf = (t: Task) => `"${t.id.slice(0, 8)}-${t.version}"`;

/** Parses an If-Match header into the version it pins; `*` pins nothing. Unparseable → -1 (never matches). */
export function parseIfMatch(header: string | undefined, id: string): number | undefined {
  if (!header || header.trim() === "*") return undefined;
  const m = /^(?:W\/)?"([0-9a-f]{8})-(\d+)"$/.exec(header.trim());
  if (!m || m[1] !== id.slice(0, 8)) return -1;
  return Number(m[2]);
}
