CREATE TABLE `event_deliveries` (
	`channel` text NOT NULL,
	`event_seq` integer NOT NULL,
	`claim_token` text NOT NULL,
	`claimed_until` integer NOT NULL,
	`attempts` integer DEFAULT 1 NOT NULL,
	`delivered_at` integer,
	PRIMARY KEY(`channel`, `event_seq`),
	FOREIGN KEY (`event_seq`) REFERENCES `events`(`seq`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `events` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`type` text NOT NULL,
	`credential_id` text,
	`occurred_at` integer NOT NULL,
	`payload` text NOT NULL,
	`dedupe_key` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `events_id_unique` ON `events` (`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `events_dedupe_unique` ON `events` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `events_type_idx` ON `events` (`type`,`seq`);--> statement-breakpoint
CREATE TABLE `status_entries` (
	`list_id` text NOT NULL,
	`idx` integer NOT NULL,
	`credential_id` text,
	`bit` integer DEFAULT 0 NOT NULL,
	`reserved_at` integer NOT NULL,
	PRIMARY KEY(`list_id`, `idx`),
	FOREIGN KEY (`list_id`) REFERENCES `status_lists`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `status_entries_credential_idx` ON `status_entries` (`credential_id`);--> statement-breakpoint
CREATE INDEX `status_entries_bit_idx` ON `status_entries` (`list_id`,`bit`);--> statement-breakpoint
CREATE TABLE `status_lists` (
	`id` text PRIMARY KEY NOT NULL,
	`purpose` text NOT NULL,
	`length` integer NOT NULL,
	`allocated` integer DEFAULT 0 NOT NULL,
	`version` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`signed_version` integer,
	`document` text,
	`etag` text,
	`signed_at` integer
);
--> statement-breakpoint
CREATE INDEX `status_lists_purpose_idx` ON `status_lists` (`purpose`,`allocated`);--> statement-breakpoint
ALTER TABLE `credentials` ADD `revoked_at` integer;--> statement-breakpoint
ALTER TABLE `credentials` ADD `revocation_reason` text;--> statement-breakpoint
ALTER TABLE `credentials` ADD `revocation_reason_public` integer;--> statement-breakpoint
ALTER TABLE `credentials` ADD `suspended_at` integer;--> statement-breakpoint
ALTER TABLE `credentials` ADD `suspension_reason` text;--> statement-breakpoint
ALTER TABLE `credentials` ADD `suspension_reason_public` integer;--> statement-breakpoint
ALTER TABLE `credentials` ADD `superseded_by` text;--> statement-breakpoint
ALTER TABLE `credentials` ADD `supersedes` text;--> statement-breakpoint
CREATE INDEX `credentials_valid_until_idx` ON `credentials` (`valid_until`);--> statement-breakpoint
CREATE UNIQUE INDEX `credentials_supersedes_unique` ON `credentials` (`supersedes`);