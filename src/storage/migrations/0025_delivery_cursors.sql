CREATE TABLE `delivery_cursors` (
	`channel` text PRIMARY KEY NOT NULL,
	`after_seq` integer NOT NULL,
	`gaps` text NOT NULL,
	`updated_at` integer NOT NULL
);
