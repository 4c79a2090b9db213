CREATE TABLE `credential_pages` (
	`credential_id` text PRIMARY KEY NOT NULL,
	`made_by` text NOT NULL,
	`projection` text NOT NULL,
	FOREIGN KEY (`credential_id`) REFERENCES `credentials`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `credentials_lifecycle_idx` ON `credentials` (`id`,`revoked_at`,`revocation_reason`,`revocation_reason_public`,`suspended_at`,`suspension_reason`,`suspension_reason_public`,`superseded_by`,`supersedes`);