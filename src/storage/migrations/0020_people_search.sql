CREATE INDEX `evidence_person_name_idx` ON `evidence` (lower("person_name"),`person_email`);--> statement-breakpoint
CREATE INDEX `recipients_name_idx` ON `recipients` (lower("name"),`email`);