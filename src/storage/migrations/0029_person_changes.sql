CREATE TABLE `person_changes` (
	`email` text PRIMARY KEY NOT NULL,
	`changes` integer DEFAULT 0 NOT NULL
);
