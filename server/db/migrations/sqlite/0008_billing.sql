CREATE TABLE `plan_overrides` (
	`license_id` text PRIMARY KEY NOT NULL,
	`plans` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`license_id`) REFERENCES `licenses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `plan_stripe_prices` (
	`license_id` text NOT NULL,
	`plan_id` text NOT NULL,
	`interval` text NOT NULL,
	`currency` text NOT NULL,
	`amount` integer NOT NULL,
	`product_id` text NOT NULL,
	`price_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`license_id`, `plan_id`, `interval`, `currency`, `amount`),
	FOREIGN KEY (`license_id`) REFERENCES `licenses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `plan_stripe_prices_price_idx` ON `plan_stripe_prices` (`price_id`);--> statement-breakpoint
CREATE TABLE `subscription_invoices` (
	`id` text PRIMARY KEY NOT NULL,
	`license_id` text NOT NULL,
	`learner_id` text NOT NULL,
	`subscription_id` text NOT NULL,
	`number` text,
	`status` text NOT NULL,
	`billing_reason` text,
	`amount_due` integer NOT NULL,
	`amount_paid` integer NOT NULL,
	`currency` text NOT NULL,
	`period_start` integer,
	`period_end` integer,
	`hosted_invoice_url` text,
	`issued_at` integer NOT NULL,
	`synced_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`license_id`) REFERENCES `licenses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `subscription_invoices_learner_idx` ON `subscription_invoices` (`license_id`,`learner_id`,`issued_at`);--> statement-breakpoint
CREATE TABLE `subscriptions` (
	`id` text PRIMARY KEY NOT NULL,
	`license_id` text NOT NULL,
	`learner_id` text NOT NULL,
	`plan_id` text NOT NULL,
	`interval` text NOT NULL,
	`currency` text NOT NULL,
	`amount` integer NOT NULL,
	`status` text NOT NULL,
	`idempotency_key` text NOT NULL,
	`customer_id` text NOT NULL,
	`stripe_subscription_id` text,
	`price_id` text,
	`trial_end` integer,
	`current_period_start` integer,
	`current_period_end` integer,
	`cancel_at_period_end` integer DEFAULT false NOT NULL,
	`canceled_at` integer,
	`ended_at` integer,
	`latest_invoice_id` text,
	`synced_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`license_id`) REFERENCES `licenses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `subscriptions_idempotency_key_idx` ON `subscriptions` (`idempotency_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `subscriptions_stripe_idx` ON `subscriptions` (`stripe_subscription_id`);--> statement-breakpoint
CREATE INDEX `subscriptions_license_learner_idx` ON `subscriptions` (`license_id`,`learner_id`,`status`);