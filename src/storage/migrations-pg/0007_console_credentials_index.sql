DROP INDEX "credentials_achievement_idx";--> statement-breakpoint
CREATE INDEX "credentials_achievement_created_idx" ON "credentials" USING btree ("achievement_id","created_at","id");