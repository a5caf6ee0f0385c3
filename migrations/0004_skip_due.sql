ALTER TABLE `tasks` ADD `skip_due_at` integer;--> statement-breakpoint
CREATE INDEX `tasks_skip_due_idx` ON `tasks` (`skip_due_at`) WHERE status = 'active' AND skip_due_at IS NOT NULL;