CREATE TABLE `reward_accounts` (
	`license_id` text NOT NULL,
	`account` text NOT NULL,
	`balance` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`license_id`, `account`),
	FOREIGN KEY (`license_id`) REFERENCES `licenses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `reward_class_members` (
	`license_id` text NOT NULL,
	`class_id` text NOT NULL,
	`learner_id` text NOT NULL,
	PRIMARY KEY(`license_id`, `class_id`, `learner_id`),
	FOREIGN KEY (`license_id`) REFERENCES `licenses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `reward_class_members_learner_idx` ON `reward_class_members` (`license_id`,`learner_id`);--> statement-breakpoint
CREATE TABLE `reward_coupons` (
	`code` text PRIMARY KEY NOT NULL,
	`license_id` text NOT NULL,
	`learner_id` text NOT NULL,
	`redemption_id` text NOT NULL,
	`percent_off` integer,
	`amount_off` integer,
	`currency` text,
	`course_id` text,
	`used_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`license_id`) REFERENCES `licenses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `reward_coupons_learner_idx` ON `reward_coupons` (`license_id`,`learner_id`);--> statement-breakpoint
CREATE TABLE `reward_daily_earnings` (
	`license_id` text NOT NULL,
	`learner_id` text NOT NULL,
	`activity` text NOT NULL,
	`day` text NOT NULL,
	`amount` integer NOT NULL,
	PRIMARY KEY(`license_id`, `learner_id`, `activity`, `day`),
	FOREIGN KEY (`license_id`) REFERENCES `licenses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `reward_feature_grants` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`license_id` text NOT NULL,
	`learner_id` text NOT NULL,
	`feature` text NOT NULL,
	`redemption_id` text NOT NULL,
	`expires_at` integer NOT NULL,
	`revoked_at` integer,
	FOREIGN KEY (`license_id`) REFERENCES `licenses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `reward_feature_grants_learner_idx` ON `reward_feature_grants` (`license_id`,`learner_id`,`feature`);--> statement-breakpoint
CREATE TABLE `reward_friends` (
	`license_id` text NOT NULL,
	`learner_id` text NOT NULL,
	`friend_id` text NOT NULL,
	PRIMARY KEY(`license_id`, `learner_id`, `friend_id`),
	FOREIGN KEY (`license_id`) REFERENCES `licenses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `reward_idempotency` (
	`license_id` text NOT NULL,
	`key` text NOT NULL,
	`fingerprint` text NOT NULL,
	`result` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`license_id`, `key`),
	FOREIGN KEY (`license_id`) REFERENCES `licenses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `reward_items` (
	`id` text PRIMARY KEY NOT NULL,
	`license_id` text NOT NULL,
	`kind` text NOT NULL,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`cost` integer NOT NULL,
	`stock` integer,
	`per_learner_limit` integer,
	`details` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`license_id`) REFERENCES `licenses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `reward_items_license_idx` ON `reward_items` (`license_id`,`active`);--> statement-breakpoint
CREATE TABLE `reward_lots` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`license_id` text NOT NULL,
	`learner_id` text NOT NULL,
	`transaction_id` text NOT NULL,
	`remaining` integer NOT NULL,
	`expires_at` integer,
	FOREIGN KEY (`license_id`) REFERENCES `licenses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `reward_lots_learner_idx` ON `reward_lots` (`license_id`,`learner_id`,`remaining`);--> statement-breakpoint
CREATE INDEX `reward_lots_expiry_idx` ON `reward_lots` (`license_id`,`expires_at`);--> statement-breakpoint
CREATE TABLE `reward_postings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`license_id` text NOT NULL,
	`transaction_id` text NOT NULL,
	`account` text NOT NULL,
	`amount` integer NOT NULL,
	FOREIGN KEY (`license_id`) REFERENCES `licenses`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`transaction_id`) REFERENCES `reward_transactions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `reward_postings_transaction_idx` ON `reward_postings` (`transaction_id`);--> statement-breakpoint
CREATE INDEX `reward_postings_account_idx` ON `reward_postings` (`license_id`,`account`);--> statement-breakpoint
CREATE TABLE `reward_profiles` (
	`license_id` text NOT NULL,
	`learner_id` text NOT NULL,
	`display_name` text NOT NULL,
	`opted_out` integer DEFAULT false NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`license_id`, `learner_id`),
	FOREIGN KEY (`license_id`) REFERENCES `licenses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `reward_redemptions` (
	`id` text PRIMARY KEY NOT NULL,
	`license_id` text NOT NULL,
	`learner_id` text NOT NULL,
	`item_id` text NOT NULL,
	`kind` text NOT NULL,
	`title` text NOT NULL,
	`cost` integer NOT NULL,
	`status` text NOT NULL,
	`spend_transaction_id` text NOT NULL,
	`reversal_transaction_id` text,
	`shipping` text,
	`coupon_code` text,
	`feature_until` integer,
	`note` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`license_id`) REFERENCES `licenses`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`item_id`) REFERENCES `reward_items`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `reward_redemptions_learner_idx` ON `reward_redemptions` (`license_id`,`learner_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `reward_redemptions_status_idx` ON `reward_redemptions` (`license_id`,`status`);--> statement-breakpoint
CREATE INDEX `reward_redemptions_item_idx` ON `reward_redemptions` (`license_id`,`item_id`,`learner_id`);--> statement-breakpoint
CREATE TABLE `reward_rules` (
	`license_id` text NOT NULL,
	`activity` text NOT NULL,
	`amount` integer NOT NULL,
	`daily_cap` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`license_id`, `activity`),
	FOREIGN KEY (`license_id`) REFERENCES `licenses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `reward_score_counts` (
	`license_id` text NOT NULL,
	`period` text NOT NULL,
	`score` integer NOT NULL,
	`learners` integer NOT NULL,
	PRIMARY KEY(`license_id`, `period`, `score`),
	FOREIGN KEY (`license_id`) REFERENCES `licenses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `reward_scores` (
	`license_id` text NOT NULL,
	`period` text NOT NULL,
	`learner_id` text NOT NULL,
	`score` integer NOT NULL,
	`reached_at` integer NOT NULL,
	`visible` integer DEFAULT true NOT NULL,
	PRIMARY KEY(`license_id`, `period`, `learner_id`),
	FOREIGN KEY (`license_id`) REFERENCES `licenses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `reward_scores_rank_idx` ON `reward_scores` (`license_id`,`period`,`visible`,"score" desc,`reached_at`,`learner_id`);--> statement-breakpoint
CREATE TABLE `reward_settings` (
	`license_id` text PRIMARY KEY NOT NULL,
	`time_zone` text DEFAULT 'UTC' NOT NULL,
	`expiry_days` integer,
	`token_name` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`license_id`) REFERENCES `licenses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `reward_transactions` (
	`id` text PRIMARY KEY NOT NULL,
	`license_id` text NOT NULL,
	`learner_id` text NOT NULL,
	`type` text NOT NULL,
	`amount` integer NOT NULL,
	`reason` text NOT NULL,
	`reverses_id` text,
	`shortfall` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`license_id`) REFERENCES `licenses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `reward_transactions_learner_idx` ON `reward_transactions` (`license_id`,`learner_id`,`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `reward_transactions_reverses_idx` ON `reward_transactions` (`reverses_id`);