DROP INDEX `credentials_achievement_created_idx`;--> statement-breakpoint
DROP INDEX `credentials_created_idx`;--> statement-breakpoint
CREATE INDEX `credentials_achievement_created_idx` ON `credentials` (`achievement_id`,`created_at`,`id`,`revoked_at`,`suspended_at`,`valid_until`);--> statement-breakpoint
CREATE INDEX `credentials_created_idx` ON `credentials` (`created_at`,`id`,`revoked_at`,`suspended_at`,`valid_until`);--> statement-breakpoint
CREATE INDEX `evidence_person_name_idx` ON `evidence` (lower("person_name"),`person_email`);--> statement-breakpoint
CREATE INDEX `recipients_name_idx` ON `recipients` (lower("name"),`email`);