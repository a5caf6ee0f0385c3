import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

// All instants are integer epoch milliseconds (indexable); JSON columns hold validated domain objects.

/** A tenant. Created on first use by a credential that names it. */
export const organizations = sqliteTable("organizations", {
  id: text("id").primaryKey(),
  /** HMAC secret for signing outbound calls; `nextSigningSecret` is set during a rotation. */
  signingSecret: text("signing_secret").notNull(),
  nextSigningSecret: text("next_signing_secret"),
  createdAt: integer("created_at").notNull(),
});

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    name: text("name").notNull(),
    /** First characters of the key, shown to humans to tell keys apart; never enough to use it. */
    prefix: text("prefix").notNull(),
    /** SHA-256 (hex) of the whole key: the plain key is never stored. */
    hash: text("hash").notNull(),
    scopes: text("scopes").notNull(),
    projectId: text("project_id"),
    createdAt: integer("created_at").notNull(),
    revokedAt: integer("revoked_at"),
    lastUsedAt: integer("last_used_at"),
  },
  (t) => [uniqueIndex("api_keys_hash_uq").on(t.hash), index("api_keys_org_idx").on(t.orgId, t.createdAt)],
);

export const projects = sqliteTable(
  "projects",
  {
    orgId: text("org_id").notNull(),
    id: text("id").notNull(),
    name: text("name").notNull(),
    url: text("url"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] })],
);

export const tasks = sqliteTable(
  "tasks",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    name: text("name").notNull(),
    description: text("description"),
    projectId: text("project_id"),
    agentId: text("agent_id"),
    type: text("type").notNull(),
    parameters: text("parameters", { mode: "json" }).notNull(),
    schedule: text("schedule", { mode: "json" }).notNull(),
    scheduleKind: text("schedule_kind").notNull(),
    /** Denormalised from an event schedule so POST /v1/events finds its tasks by index. */
    eventName: text("event_name"),
    /** Instant a `delayed` schedule counts from (creation, or the last schedule change). */
    scheduleAnchorAt: integer("schedule_anchor_at").notNull(),
    status: text("status").notNull(),
    maxRetries: integer("max_retries").notNull(),
    retryDelaySeconds: integer("retry_delay_seconds").notNull(),
    backoff: text("backoff").notNull(),
    maxDelaySeconds: integer("max_delay_seconds").notNull(),
    timeoutSeconds: integer("timeout_seconds").notNull(),
    priority: integer("priority").notNull(),
    dedupeKey: text("dedupe_key"),
    dedupeWindowSeconds: integer("dedupe_window_seconds"),
    concurrencyKey: text("concurrency_key"),
    concurrencyLimit: integer("concurrency_limit").notNull(),
    overlapPolicy: text("overlap_policy").notNull(),
    catchup: text("catchup").notNull(),
    catchupWindowSeconds: integer("catchup_window_seconds").notNull(),
    onSuccessUrl: text("on_success_url"),
    onFailureUrl: text("on_failure_url"),
    snoozedUntil: integer("snoozed_until"),
    snoozeReason: text("snooze_reason"),
    skipNext: integer("skip_next").notNull().default(0),
    nextRunAt: integer("next_run_at"),
    /**
     * The first occurrence before next_run_at that will not run (DST-skipped or excluded
     * by the schedule's `except`): the tick records it as a skipped run when its time comes.
     */
    skipDueAt: integer("skip_due_at"),
    lastRunAt: integer("last_run_at"),
    lastStatus: text("last_status"),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    deletedAt: integer("deleted_at"),
    /** Bumped on every change the user makes (definition or state); the ETag is derived from it. */
    version: integer("version").notNull().default(1),
    /**
     * Bumped by every claim of the tick: the engine's own optimistic guard, so a claim
     * never moves the user's ETag, yet a user's read–write still notices a claim in between.
     */
    claimSeq: integer("claim_seq").notNull().default(0),
  },
  (t) => [
    // A name is unique in its organization among tasks that are not deleted.
    uniqueIndex("tasks_org_name_uq").on(t.orgId, t.name).where(sql`deleted_at IS NULL`),
    // The tick's scan: only active tasks with a next run, in the order it claims them (due
    // time, then priority), so a page of 200 reads 200 entries however many are due.
    index("tasks_due_priority_idx").on(t.nextRunAt, t.priority).where(sql`status = 'active' AND next_run_at IS NOT NULL`),
    // ... and the occurrences that are due to be recorded as skipped.
    index("tasks_skip_due_idx").on(t.skipDueAt).where(sql`status = 'active' AND skip_due_at IS NOT NULL`),
    // Lists: an organization's live tasks, newest first, with the columns the faces filter
    // their views on. A page reads only its rows through it, and `total` counts index
    // entries alone (no task row, no deleted task): see README "Lists and totals". It
    // replaces (org_id, created_at), which made every count read each task row.
    index("tasks_org_live_idx").on(t.orgId, t.deletedAt, t.createdAt, t.id, t.status, t.type, t.scheduleKind, t.agentId),
    index("tasks_org_event_idx").on(t.orgId, t.eventName).where(sql`event_name IS NOT NULL`),
  ],
);

export const runs = sqliteTable(
  "runs",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    taskId: text("task_id").notNull(),
    trigger: text("trigger").notNull(),
    attempt: integer("attempt").notNull(),
    status: text("status").notNull(),
    reason: text("reason"),
    /** The occurrence this run is for; with task and attempt it identifies the run (no duplicates). */
    scheduledFor: integer("scheduled_for").notNull(),
    /** Run this one retries, if any. */
    retryOf: text("retry_of"),
    input: text("input", { mode: "json" }),
    result: text("result", { mode: "json" }),
    error: text("error"),
    targets: text("targets", { mode: "json" }),
    /** True when no retry follows this run (its failure is final). */
    final: integer("final", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at").notNull(),
    /** When its queue message was sent; a queued run without one is re-sent by the tick's sweep. */
    dispatchedAt: integer("dispatched_at"),
    /** Earliest start (retries whose delay exceeds the queue's maximum wait here for the tick). */
    notBefore: integer("not_before"),
    /** Set when a run is handed to runners (custom_script, container_update): it waits to be claimed. */
    runnerReadyAt: integer("runner_ready_at"),
    /** The runner that claimed it, and until when its lease holds without a heartbeat. */
    runnerId: text("runner_id"),
    leaseExpiresAt: integer("lease_expires_at"),
    startedAt: integer("started_at"),
    finishedAt: integer("finished_at"),
    durationMs: integer("duration_ms"),
  },
  (t) => [
    // Runners' claim scan: an organization's runs waiting for a runner, oldest first.
    index("runs_runner_ready_idx").on(t.orgId, t.runnerReadyAt).where(sql`status = 'queued' AND runner_ready_at IS NOT NULL`),
    uniqueIndex("runs_occurrence_uq").on(t.taskId, t.scheduledFor, t.attempt),
    // The sweep's scan: queued runs whose message was never sent.
    index("runs_undispatched_idx").on(t.createdAt).where(sql`status = 'queued' AND dispatched_at IS NULL`),
    index("runs_task_created_idx").on(t.taskId, t.createdAt),
    index("runs_org_status_idx").on(t.orgId, t.status, t.createdAt),
  ],
);

export type TaskRow = typeof tasks.$inferSelect;
export type RunRow = typeof runs.$inferSelect;
export type ProjectRow = typeof projects.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;

/**
 * Runners an organization has seen: written when a runner asks for work (claim) and when it
 * heartbeats, so the dashboard can show who is out there, with which labels, and when each
 * was last heard from.
 */
export const runners = sqliteTable(
  "runners",
  {
    orgId: text("org_id").notNull(),
    id: text("id").notNull(),
    /** JSON: the labels it last claimed with (`{"project": "production"}`). */
    labels: text("labels").notNull(),
    /** JSON: the task types it last claimed. */
    types: text("types").notNull(),
    firstSeenAt: integer("first_seen_at").notNull(),
    lastSeenAt: integer("last_seen_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] })],
);
