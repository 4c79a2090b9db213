CREATE TABLE `job_rows` (
	`job_id` text NOT NULL,
	`line` integer NOT NULL,
	`external_id` text,
	`record` text,
	`credential_id` text,
	`state` text NOT NULL,
	`outcome` text,
	PRIMARY KEY(`job_id`, `line`)
);
--> statement-breakpoint
CREATE INDEX `job_rows_state_idx` ON `job_rows` (`job_id`,`state`,`line`);--> statement-breakpoint
CREATE INDEX `job_rows_external_id_idx` ON `job_rows` (`external_id`);--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`dry_run` integer NOT NULL,
	`on_duplicate` text NOT NULL,
	`actor` text NOT NULL,
	`principal` text NOT NULL,
	`file_name` text,
	`format` text NOT NULL,
	`file_hash` text NOT NULL,
	`total` integer NOT NULL,
	`done` integer DEFAULT 0 NOT NULL,
	`failed` integer DEFAULT 0 NOT NULL,
	`skipped` integer DEFAULT 0 NOT NULL,
	`idempotency_key_hash` text,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`updated_at` integer NOT NULL,
	`error` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `jobs_idempotency_unique` ON `jobs` (`actor`,`idempotency_key_hash`);--> statement-breakpoint
CREATE INDEX `jobs_status_idx` ON `jobs` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `jobs_created_idx` ON `jobs` (`created_at`);