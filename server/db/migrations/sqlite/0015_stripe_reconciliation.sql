CREATE TABLE `stripe_reconciliation` (
	`id` text PRIMARY KEY NOT NULL,
	`covered_until` integer NOT NULL,
	`updated_at` integer NOT NULL
);
