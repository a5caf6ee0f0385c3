DROP INDEX `tasks_org_created_idx`;--> statement-breakpoint
CREATE INDEX `tasks_org_live_idx` ON `tasks` (`org_id`,`deleted_at`,`created_at`,`id`,`status`,`type`,`schedule_kind`,`agent_id`);