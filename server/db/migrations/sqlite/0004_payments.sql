CREATE TABLE `payments` (
	`id` text PRIMARY KEY NOT NULL,
	`license_id` text NOT NULL,
	`learner_id` text NOT NULL,
	`kind` text NOT NULL,
	`item` text NOT NULL,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`amount_refunded` integer DEFAULT 0 NOT NULL,
	`status` text NOT NULL,
	`idempotency_key` text NOT NULL,
	`payment_intent_id` text,
	`failure_code` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`license_id`) REFERENCES `licenses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `payments_idempotency_key_idx` ON `payments` (`idempotency_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `payments_payment_intent_idx` ON `payments` (`payment_intent_id`);--> statement-breakpoint
CREATE INDEX `payments_license_learner_idx` ON `payments` (`license_id`,`learner_id`,`kind`,`item`);--> statement-breakpoint
CREATE TABLE `stripe_customers` (
	`license_id` text NOT NULL,
	`learner_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`license_id`, `learner_id`),
	FOREIGN KEY (`license_id`) REFERENCES `licenses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `stripe_events` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`object_id` text,
	`received_at` integer NOT NULL,
	`applied_at` integer NOT NULL
);
