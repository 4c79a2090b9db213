CREATE TABLE "job_rows" (
	"job_id" text NOT NULL,
	"line" integer NOT NULL,
	"external_id" text,
	"record" json,
	"credential_id" text,
	"state" text NOT NULL,
	"outcome" json,
	CONSTRAINT "job_rows_job_id_line_pk" PRIMARY KEY("job_id","line")
);
--> statement-breakpoint
CREATE TABLE "jobs" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"dry_run" boolean NOT NULL,
	"on_duplicate" text NOT NULL,
	"actor" text NOT NULL,
	"principal" json NOT NULL,
	"file_name" text,
	"format" text NOT NULL,
	"file_hash" text NOT NULL,
	"total" integer NOT NULL,
	"done" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"skipped" integer DEFAULT 0 NOT NULL,
	"idempotency_key_hash" text,
	"created_at" timestamp (3) with time zone NOT NULL,
	"started_at" timestamp (3) with time zone,
	"finished_at" timestamp (3) with time zone,
	"updated_at" timestamp (3) with time zone NOT NULL,
	"error" text
);
--> statement-breakpoint
CREATE INDEX "job_rows_state_idx" ON "job_rows" USING btree ("job_id","state","line");--> statement-breakpoint
CREATE INDEX "job_rows_external_id_idx" ON "job_rows" USING btree ("external_id");--> statement-breakpoint
CREATE UNIQUE INDEX "jobs_idempotency_unique" ON "jobs" USING btree ("actor","idempotency_key_hash");--> statement-breakpoint
CREATE INDEX "jobs_status_idx" ON "jobs" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "jobs_created_idx" ON "jobs" USING btree ("created_at");