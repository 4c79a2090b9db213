DROP INDEX `credentials_achievement_created_idx`;--> statement-breakpoint
DROP INDEX `credentials_created_idx`;--> statement-breakpoint
DROP INDEX `credentials_revoked_idx`;--> statement-breakpoint
DROP INDEX `credentials_revoked_created_idx`;--> statement-breakpoint
DROP INDEX `credentials_suspended_idx`;--> statement-breakpoint
DROP INDEX `credentials_suspended_created_idx`;--> statement-breakpoint
CREATE INDEX `credentials_achievement_created_idx` ON `credentials` (`achievement_id`,`created_at`,`id`,`revoked_at`,`suspended_at`,`valid_until`,`recipient_id`,`recipient_name`);--> statement-breakpoint
CREATE INDEX `credentials_created_idx` ON `credentials` (`created_at`,`id`,`revoked_at`,`suspended_at`,`valid_until`,`recipient_id`,`recipient_name`,`achievement_id`);--> statement-breakpoint
CREATE INDEX `credentials_revoked_idx` ON `credentials` (`achievement_id`,`created_at`,`id`,`revoked_at`,`suspended_at`,`valid_until`,`recipient_id`,`recipient_name`) WHERE "credentials"."revoked_at" is not null;--> statement-breakpoint
CREATE INDEX `credentials_revoked_created_idx` ON `credentials` (`created_at`,`id`,`revoked_at`,`suspended_at`,`valid_until`,`recipient_id`,`recipient_name`,`achievement_id`) WHERE "credentials"."revoked_at" is not null;--> statement-breakpoint
CREATE INDEX `credentials_suspended_idx` ON `credentials` (`achievement_id`,`created_at`,`id`,`revoked_at`,`suspended_at`,`valid_until`,`recipient_id`,`recipient_name`) WHERE "credentials"."suspended_at" is not null;--> statement-breakpoint
CREATE INDEX `credentials_suspended_created_idx` ON `credentials` (`created_at`,`id`,`revoked_at`,`suspended_at`,`valid_until`,`recipient_id`,`recipient_name`,`achievement_id`) WHERE "credentials"."suspended_at" is not null;--> statement-breakpoint
DROP INDEX `recipients_name_idx`;--> statement-breakpoint
CREATE INDEX `recipients_name_idx` ON `recipients` (lower("name"),`email`,`name`,`id`);