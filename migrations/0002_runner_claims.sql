ALTER TABLE `runs` ADD `runner_ready_at` integer;--> statement-breakpoint
ALTER TABLE `runs` ADD `runner_id` text;--> statement-breakpoint
ALTER TABLE `runs` ADD `lease_expires_at` integer;--> statement-breakpoint
CREATE INDEX `runs_runner_ready_idx` ON `runs` (`org_id`,`runner_ready_at`) WHERE status = 'queued' AND runner_ready_at IS NOT NULL;