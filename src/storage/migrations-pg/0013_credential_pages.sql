CREATE TABLE "credential_pages" (
	"credential_id" text PRIMARY KEY NOT NULL,
	"made_by" text NOT NULL,
	"projection" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "credential_pages" ADD CONSTRAINT "credential_pages_credential_id_credentials_id_fk" FOREIGN KEY ("credential_id") REFERENCES "public"."credentials"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "credentials_lifecycle_idx" ON "credentials" USING btree ("id","revoked_at","revocation_reason","revocation_reason_public","suspended_at","suspension_reason","suspension_reason_public","superseded_by","supersedes");