CREATE TABLE `evidence` (
	`id` text PRIMARY KEY NOT NULL,
	`external_id` text NOT NULL,
	`person_email` text NOT NULL,
	`person_name` text,
	`kind` text NOT NULL,
	`item` text NOT NULL,
	`occurred_at` integer NOT NULL,
	`supersedes` text,
	`data` text NOT NULL,
	`submitted_by` text NOT NULL,
	`submitted_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `evidence_external_id_unique` ON `evidence` (`external_id`);--> statement-breakpoint
CREATE INDEX `evidence_person_idx` ON `evidence` (`person_email`,`occurred_at`);