CREATE TABLE `pending_approvals` (
	`id` text PRIMARY KEY NOT NULL,
	`person_email` text NOT NULL,
	`person_name` text NOT NULL,
	`achievement_id` text NOT NULL,
	`achievement_version` text NOT NULL,
	`decision` text NOT NULL,
	`created_at` integer NOT NULL,
	`decided_at` integer,
	`outcome` text,
	`decided_by` text,
	`reason` text,
	`credential_id` text,
	FOREIGN KEY (`achievement_id`) REFERENCES `achievements`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `pending_approvals_person_idx` ON `pending_approvals` (`person_email`,`achievement_id`);