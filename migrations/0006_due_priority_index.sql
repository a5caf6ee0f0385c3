DROP INDEX `tasks_due_idx`;--> statement-breakpoint
CREATE INDEX `tasks_due_priority_idx` ON `tasks` (`next_run_at`,`priority`) WHERE status = 'active' AND next_run_at IS NOT NULL;