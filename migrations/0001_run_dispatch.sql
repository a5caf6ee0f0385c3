ALTER TABLE `runs` ADD `dispatched_at` integer;--> statement-breakpoint
ALTER TABLE `runs` ADD `not_before` integer;--> statement-breakpoint
CREATE INDEX `runs_undispatched_idx` ON `runs` (`created_at`) WHERE status = 'queued' AND dispatched_at IS NULL;