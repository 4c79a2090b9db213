CREATE TABLE `credential_page_shapes` (
	`id` text PRIMARY KEY NOT NULL,
	`shape` text NOT NULL
);
