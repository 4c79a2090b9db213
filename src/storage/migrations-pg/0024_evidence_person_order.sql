DROP INDEX "evidence_person_idx";--> statement-breakpoint
CREATE INDEX "evidence_person_idx" ON "evidence" USING btree ("person_email","occurred_at","submitted_at","id");