CREATE TABLE "credential_page_shapes" (
	"id" text PRIMARY KEY NOT NULL,
	"shape" text NOT NULL
);
--> statement-breakpoint
DROP INDEX "credentials_lifecycle_idx";--> statement-breakpoint
ALTER TABLE "credentials" ADD COLUMN "history_changes" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "credentials_lifecycle_idx" ON "credentials" USING btree ("id","revoked_at","revocation_reason","revocation_reason_public","suspended_at","suspension_reason","suspension_reason_public","superseded_by","supersedes","history_changes");