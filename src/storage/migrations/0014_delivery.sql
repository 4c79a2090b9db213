CREATE TABLE `delivery_attempts` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`message_id` text NOT NULL,
	`channel` text NOT NULL,
	`target` text NOT NULL,
	`event_id` text NOT NULL,
	`attempted_at` integer NOT NULL,
	`outcome` text NOT NULL,
	`code` integer,
	`answer` text NOT NULL,
	`latency_ms` integer NOT NULL,
	FOREIGN KEY (`message_id`) REFERENCES `outbound_messages`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `delivery_attempts_message_idx` ON `delivery_attempts` (`message_id`,`seq`);--> statement-breakpoint
CREATE INDEX `delivery_attempts_target_idx` ON `delivery_attempts` (`channel`,`target`,`seq`);--> statement-breakpoint
CREATE TABLE `email_preferences` (
	`recipient_id` text PRIMARY KEY NOT NULL,
	`reminders` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`recipient_id`) REFERENCES `recipients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `mail_outbox` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`message_id` text NOT NULL,
	`credential_id` text,
	`kind` text NOT NULL,
	`to` text NOT NULL,
	`from` text NOT NULL,
	`reply_to` text,
	`subject` text NOT NULL,
	`text` text NOT NULL,
	`html` text NOT NULL,
	`headers` text NOT NULL,
	`attachments` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`message_id`) REFERENCES `outbound_messages`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mail_outbox_message_unique` ON `mail_outbox` (`message_id`);--> statement-breakpoint
CREATE TABLE `outbound_messages` (
	`id` text PRIMARY KEY NOT NULL,
	`channel` text NOT NULL,
	`event_seq` integer NOT NULL,
	`event_id` text NOT NULL,
	`credential_id` text,
	`target` text NOT NULL,
	`kind` text NOT NULL,
	`state` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`scheduled_at` integer NOT NULL,
	`next_attempt_at` integer,
	`lease_token` text,
	`lease_until` integer,
	`finished_at` integer,
	FOREIGN KEY (`event_seq`) REFERENCES `events`(`seq`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbound_messages_event_target_unique` ON `outbound_messages` (`channel`,`event_seq`,`target`);--> statement-breakpoint
CREATE INDEX `outbound_messages_due_idx` ON `outbound_messages` (`channel`,`state`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `outbound_messages_credential_idx` ON `outbound_messages` (`credential_id`);--> statement-breakpoint
CREATE TABLE `preference_tokens` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`recipient_id` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`recipient_id`) REFERENCES `recipients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `preference_tokens_recipient_idx` ON `preference_tokens` (`recipient_id`);--> statement-breakpoint
CREATE TABLE `webhook_endpoints` (
	`id` text PRIMARY KEY NOT NULL,
	`url` text NOT NULL,
	`description` text,
	`event_types` text NOT NULL,
	`secret` text NOT NULL,
	`enabled` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`failing_since` integer,
	`disabled_at` integer,
	`disabled_reason` text
);
