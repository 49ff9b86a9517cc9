CREATE TABLE `licenses` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`plan` text NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`mode` text NOT NULL,
	`publishable_key` text NOT NULL,
	`allowed_origins` text NOT NULL,
	`features` text NOT NULL,
	`limits` text NOT NULL,
	`locale` text DEFAULT 'en' NOT NULL,
	`currency` text DEFAULT 'USD' NOT NULL,
	`expires_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `licenses_publishableKey_unique` ON `licenses` (`publishable_key`);--> statement-breakpoint
CREATE INDEX `licenses_status_idx` ON `licenses` (`status`);