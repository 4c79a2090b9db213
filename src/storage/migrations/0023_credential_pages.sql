CREATE TABLE `credential_pages` (
	`credential_id` text PRIMARY KEY NOT NULL,
	`made_by` text NOT NULL,
	`projection` text NOT NULL,
	FOREIGN KEY (`credential_id`) REFERENCES `credentials`(`id`) ON UPDATE no action ON DELETE no action
);
