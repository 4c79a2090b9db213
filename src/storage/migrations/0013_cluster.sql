CREATE TABLE `key_generations` (
	`generation` integer PRIMARY KEY NOT NULL,
	`activated_at` integer NOT NULL,
	`activated_by` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `leases` (
	`name` text PRIMARY KEY NOT NULL,
	`holder` text NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `rate_limit_windows` (
	`key` text PRIMARY KEY NOT NULL,
	`window_start` integer NOT NULL,
	`hits` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `rate_limit_windows_start_idx` ON `rate_limit_windows` (`window_start`);