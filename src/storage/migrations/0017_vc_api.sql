CREATE TABLE `oauth_tokens` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`client_id` text NOT NULL,
	`scopes` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`client_id`) REFERENCES `api_keys`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `oauth_tokens_client_idx` ON `oauth_tokens` (`client_id`,`expires_at`);--> statement-breakpoint
CREATE TABLE `vc_api_credentials` (
	`id` text PRIMARY KEY NOT NULL,
	`credential_id` text,
	`document` text NOT NULL,
	`issued_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer,
	`suspended_at` integer
);
--> statement-breakpoint
CREATE INDEX `vc_api_credentials_credential_idx` ON `vc_api_credentials` (`credential_id`);--> statement-breakpoint
ALTER TABLE `api_keys` ADD `kind` text DEFAULT 'api-key' NOT NULL;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `rate_limit_per_minute` integer;