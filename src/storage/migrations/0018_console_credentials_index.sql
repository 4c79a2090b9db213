DROP INDEX `credentials_achievement_idx`;--> statement-breakpoint
CREATE INDEX `credentials_achievement_created_idx` ON `credentials` (`achievement_id`,`created_at`,`id`);