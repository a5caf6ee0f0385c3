CREATE TABLE `runners` (
	`org_id` text NOT NULL,
	`id` text NOT NULL,
	`labels` text NOT NULL,
	`types` text NOT NULL,
	`first_seen_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	PRIMARY KEY(`org_id`, `id`)
);
