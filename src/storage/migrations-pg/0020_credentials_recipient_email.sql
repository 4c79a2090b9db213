DROP INDEX "credentials_achievement_created_idx";--> statement-breakpoint
DROP INDEX "credentials_created_idx";--> statement-breakpoint
DROP INDEX "credentials_revoked_idx";--> statement-breakpoint
DROP INDEX "credentials_revoked_created_idx";--> statement-breakpoint
DROP INDEX "credentials_suspended_idx";--> statement-breakpoint
DROP INDEX "credentials_suspended_created_idx";--> statement-breakpoint
ALTER TABLE "credentials" ADD COLUMN "recipient_email" text;--> statement-breakpoint
CREATE INDEX "credentials_achievement_created_idx" ON "credentials" USING btree ("achievement_id","created_at","id","revoked_at","suspended_at","valid_until","recipient_id","recipient_name","recipient_email");--> statement-breakpoint
CREATE INDEX "credentials_created_idx" ON "credentials" USING btree ("created_at","id","revoked_at","suspended_at","valid_until","recipient_id","recipient_name","recipient_email","achievement_id");--> statement-breakpoint
CREATE INDEX "credentials_revoked_idx" ON "credentials" USING btree ("achievement_id","created_at","id","revoked_at","suspended_at","valid_until","recipient_id","recipient_name","recipient_email") WHERE "credentials"."revoked_at" is not null;--> statement-breakpoint
CREATE INDEX "credentials_revoked_created_idx" ON "credentials" USING btree ("created_at","id","revoked_at","suspended_at","valid_until","recipient_id","recipient_name","recipient_email","achievement_id") WHERE "credentials"."revoked_at" is not null;--> statement-breakpoint
CREATE INDEX "credentials_suspended_idx" ON "credentials" USING btree ("achievement_id","created_at","id","revoked_at","suspended_at","valid_until","recipient_id","recipient_name","recipient_email") WHERE "credentials"."suspended_at" is not null;--> statement-breakpoint
CREATE INDEX "credentials_suspended_created_idx" ON "credentials" USING btree ("created_at","id","revoked_at","suspended_at","valid_until","recipient_id","recipient_name","recipient_email","achievement_id") WHERE "credentials"."suspended_at" is not null;