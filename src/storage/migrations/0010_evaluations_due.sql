CREATE TABLE `evaluations_due` (
	`person_email` text PRIMARY KEY NOT NULL,
	`mark` text NOT NULL,
	`marked_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `evaluations_due_marked_idx` ON `evaluations_due` (`marked_at`,`person_email`);