CREATE TABLE `license_secret_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`license_id` text NOT NULL,
	`hash` text NOT NULL,
	`hint` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer,
	FOREIGN KEY (`license_id`) REFERENCES `licenses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `license_secret_keys_hash_unique` ON `license_secret_keys` (`hash`);--> statement-breakpoint
CREATE INDEX `license_secret_keys_license_idx` ON `license_secret_keys` (`license_id`);--> statement-breakpoint
CREATE TABLE `license_signing_secrets` (
	`id` text PRIMARY KEY NOT NULL,
	`license_id` text NOT NULL,
	`ciphertext` text NOT NULL,
	`hint` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer,
	FOREIGN KEY (`license_id`) REFERENCES `licenses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `license_signing_secrets_license_idx` ON `license_signing_secrets` (`license_id`);--> statement-breakpoint
CREATE TABLE `learners` (
	`id` text PRIMARY KEY NOT NULL,
	`license_id` text NOT NULL,
	`subject` text NOT NULL,
	`name` text NOT NULL,
	`email` text,
	`role` text NOT NULL,
	`classes` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	FOREIGN KEY (`license_id`) REFERENCES `licenses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `learners_license_subject_idx` ON `learners` (`license_id`,`subject`);--> statement-breakpoint
CREATE TABLE `usage_active_learners` (
	`license_id` text NOT NULL,
	`month` text NOT NULL,
	`subject` text NOT NULL,
	`first_seen_at` integer NOT NULL,
	PRIMARY KEY(`license_id`, `month`, `subject`),
	FOREIGN KEY (`license_id`) REFERENCES `licenses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `usage_daily` (
	`license_id` text NOT NULL,
	`metric` text NOT NULL,
	`day` text NOT NULL,
	`value` integer NOT NULL,
	PRIMARY KEY(`license_id`, `metric`, `day`),
	FOREIGN KEY (`license_id`) REFERENCES `licenses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `outbox_events` (
	`id` text PRIMARY KEY NOT NULL,
	`license_id` text NOT NULL,
	`type` text NOT NULL,
	`payload` text NOT NULL,
	`dedupe_key` text,
	`created_at` integer NOT NULL,
	`delivered_at` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`license_id`) REFERENCES `licenses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_events_dedupeKey_unique` ON `outbox_events` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `outbox_events_pending_idx` ON `outbox_events` (`delivered_at`,`created_at`);--> statement-breakpoint
CREATE TABLE `support_messages` (
	`id` text PRIMARY KEY NOT NULL,
	`ticket_id` text NOT NULL,
	`license_id` text NOT NULL,
	`author` text NOT NULL,
	`author_name` text NOT NULL,
	`body` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`ticket_id`) REFERENCES `support_tickets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`license_id`) REFERENCES `licenses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `support_messages_ticket_idx` ON `support_messages` (`ticket_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `support_tickets` (
	`id` text PRIMARY KEY NOT NULL,
	`license_id` text NOT NULL,
	`subject` text NOT NULL,
	`priority` text NOT NULL,
	`status` text NOT NULL,
	`sla_policy` text NOT NULL,
	`opened_by` text NOT NULL,
	`first_response_due_at` integer,
	`resolution_due_at` integer,
	`first_responded_at` integer,
	`closed_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`license_id`) REFERENCES `licenses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `support_tickets_license_idx` ON `support_tickets` (`license_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `support_tickets_status_idx` ON `support_tickets` (`status`);--> statement-breakpoint
ALTER TABLE `licenses` ADD `status_reason` text;--> statement-breakpoint
ALTER TABLE `licenses` ADD `limit_enforcement` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `licenses` ADD `rate_limit_per_minute` integer;--> statement-breakpoint
ALTER TABLE `licenses` ADD `token_auth` text DEFAULT 'secret' NOT NULL;--> statement-breakpoint
ALTER TABLE `licenses` ADD `jwks_url` text;--> statement-breakpoint
ALTER TABLE `licenses` ADD `token_algorithms` text DEFAULT '["HS256"]' NOT NULL;