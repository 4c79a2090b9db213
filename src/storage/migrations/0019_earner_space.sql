CREATE TABLE `earner_link_tokens` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`recipient_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`recipient_id`) REFERENCES `recipients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `earner_link_tokens_recipient_idx` ON `earner_link_tokens` (`recipient_id`);--> statement-breakpoint
CREATE TABLE `earner_profiles` (
	`recipient_id` text PRIMARY KEY NOT NULL,
	`handle` text,
	`published` integer NOT NULL,
	`hidden_credentials` text NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`recipient_id`) REFERENCES `recipients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `earner_profiles_handle_unique` ON `earner_profiles` (`handle`);--> statement-breakpoint
CREATE TABLE `earner_sessions` (
	`id_hash` text PRIMARY KEY NOT NULL,
	`recipient_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`idle_expires_at` integer NOT NULL,
	`csrf_token_hash` text NOT NULL,
	FOREIGN KEY (`recipient_id`) REFERENCES `recipients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `earner_sessions_recipient_idx` ON `earner_sessions` (`recipient_id`);