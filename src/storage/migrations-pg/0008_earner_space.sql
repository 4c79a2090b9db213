CREATE TABLE "earner_link_tokens" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"recipient_id" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL,
	"used_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "earner_profiles" (
	"recipient_id" text PRIMARY KEY NOT NULL,
	"handle" text,
	"published" boolean NOT NULL,
	"hidden_credentials" json NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "earner_sessions" (
	"id_hash" text PRIMARY KEY NOT NULL,
	"recipient_id" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"last_seen_at" timestamp (3) with time zone NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL,
	"idle_expires_at" timestamp (3) with time zone NOT NULL,
	"csrf_token_hash" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "earner_link_tokens" ADD CONSTRAINT "earner_link_tokens_recipient_id_recipients_id_fk" FOREIGN KEY ("recipient_id") REFERENCES "public"."recipients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "earner_profiles" ADD CONSTRAINT "earner_profiles_recipient_id_recipients_id_fk" FOREIGN KEY ("recipient_id") REFERENCES "public"."recipients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "earner_sessions" ADD CONSTRAINT "earner_sessions_recipient_id_recipients_id_fk" FOREIGN KEY ("recipient_id") REFERENCES "public"."recipients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "earner_link_tokens_recipient_idx" ON "earner_link_tokens" USING btree ("recipient_id");--> statement-breakpoint
CREATE UNIQUE INDEX "earner_profiles_handle_unique" ON "earner_profiles" USING btree ("handle");--> statement-breakpoint
CREATE INDEX "earner_sessions_recipient_idx" ON "earner_sessions" USING btree ("recipient_id");