CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`prefix` text NOT NULL,
	`hash` text NOT NULL,
	`scopes` text NOT NULL,
	`project_id` text,
	`created_at` integer NOT NULL,
	`revoked_at` integer,
	`last_used_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash_uq` ON `api_keys` (`hash`);--> statement-breakpoint
CREATE INDEX `api_keys_org_idx` ON `api_keys` (`org_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `organizations` (
	`id` text PRIMARY KEY NOT NULL,
	`signing_secret` text NOT NULL,
	`next_signing_secret` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `projects` (
	`org_id` text NOT NULL,
	`id` text NOT NULL,
	`name` text NOT NULL,
	`url` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`org_id`, `id`)
);
--> statement-breakpoint
CREATE TABLE `runs` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`task_id` text NOT NULL,
	`trigger` text NOT NULL,
	`attempt` integer NOT NULL,
	`status` text NOT NULL,
	`reason` text,
	`scheduled_for` integer NOT NULL,
	`retry_of` text,
	`input` text,
	`result` text,
	`error` text,
	`targets` text,
	`final` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`duration_ms` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `runs_occurrence_uq` ON `runs` (`task_id`,`scheduled_for`,`attempt`);--> statement-breakpoint
CREATE INDEX `runs_task_created_idx` ON `runs` (`task_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `runs_org_status_idx` ON `runs` (`org_id`,`status`,`created_at`);--> statement-breakpoint
CREATE TABLE `tasks` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`project_id` text,
	`agent_id` text,
	`type` text NOT NULL,
	`parameters` text NOT NULL,
	`schedule` text NOT NULL,
	`schedule_kind` text NOT NULL,
	`event_name` text,
	`schedule_anchor_at` integer NOT NULL,
	`status` text NOT NULL,
	`max_retries` integer NOT NULL,
	`retry_delay_seconds` integer NOT NULL,
	`backoff` text NOT NULL,
	`max_delay_seconds` integer NOT NULL,
	`timeout_seconds` integer NOT NULL,
	`priority` integer NOT NULL,
	`dedupe_key` text,
	`dedupe_window_seconds` integer,
	`concurrency_key` text,
	`concurrency_limit` integer NOT NULL,
	`overlap_policy` text NOT NULL,
	`catchup` text NOT NULL,
	`catchup_window_seconds` integer NOT NULL,
	`on_success_url` text,
	`on_failure_url` text,
	`snoozed_until` integer,
	`snooze_reason` text,
	`skip_next` integer DEFAULT 0 NOT NULL,
	`next_run_at` integer,
	`last_run_at` integer,
	`last_status` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted_at` integer,
	`version` integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tasks_org_name_uq` ON `tasks` (`org_id`,`name`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `tasks_due_idx` ON `tasks` (`next_run_at`) WHERE status = 'active' AND next_run_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX `tasks_org_created_idx` ON `tasks` (`org_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `tasks_org_event_idx` ON `tasks` (`org_id`,`event_name`) WHERE event_name IS NOT NULL;