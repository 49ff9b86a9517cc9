CREATE TABLE `course_materials` (
	`id` text PRIMARY KEY NOT NULL,
	`license_id` text NOT NULL,
	`course_id` text NOT NULL,
	`title` text NOT NULL,
	`kind` text NOT NULL,
	`content_type` text NOT NULL,
	`file_name` text NOT NULL,
	`size_bytes` integer NOT NULL,
	`sha256` text NOT NULL,
	`position` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`license_id`) REFERENCES `licenses`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `course_materials_course_idx` ON `course_materials` (`license_id`,`course_id`,`position`);--> statement-breakpoint
CREATE TABLE `course_reviews` (
	`id` text PRIMARY KEY NOT NULL,
	`license_id` text NOT NULL,
	`course_id` text NOT NULL,
	`learner_id` text NOT NULL,
	`display_name` text NOT NULL,
	`rating` integer NOT NULL,
	`text` text NOT NULL,
	`helpful_count` integer DEFAULT 0 NOT NULL,
	`hidden_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`license_id`) REFERENCES `licenses`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `course_reviews_learner_idx` ON `course_reviews` (`license_id`,`course_id`,`learner_id`);--> statement-breakpoint
CREATE INDEX `course_reviews_newest_idx` ON `course_reviews` (`license_id`,`course_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `courses` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`license_id` text NOT NULL,
	`instructor_id` text NOT NULL,
	`title` text NOT NULL,
	`subtitle` text DEFAULT '' NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`description_format` text DEFAULT 'text' NOT NULL,
	`category` text NOT NULL,
	`level` text NOT NULL,
	`language` text NOT NULL,
	`tags` text DEFAULT '' NOT NULL,
	`price_amount` integer NOT NULL,
	`currency` text NOT NULL,
	`status` text NOT NULL,
	`cover_hash` text,
	`cover_type` text,
	`rating_sum` integer DEFAULT 0 NOT NULL,
	`rating_count` integer DEFAULT 0 NOT NULL,
	`rating_average` real,
	`enrollment_count` integer DEFAULT 0 NOT NULL,
	`published_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`license_id`) REFERENCES `licenses`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`instructor_id`) REFERENCES `instructors`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `courses_id_unique` ON `courses` (`id`);--> statement-breakpoint
CREATE INDEX `courses_newest_idx` ON `courses` (`license_id`,`status`,`created_at`,`seq`);--> statement-breakpoint
CREATE INDEX `courses_price_idx` ON `courses` (`license_id`,`status`,`price_amount`,`seq`);--> statement-breakpoint
CREATE INDEX `courses_rating_idx` ON `courses` (`license_id`,`status`,`rating_average`,`seq`);--> statement-breakpoint
CREATE INDEX `courses_popular_idx` ON `courses` (`license_id`,`status`,`enrollment_count`,`seq`);--> statement-breakpoint
CREATE INDEX `courses_category_idx` ON `courses` (`license_id`,`status`,`category`);--> statement-breakpoint
CREATE INDEX `courses_instructor_idx` ON `courses` (`license_id`,`instructor_id`);--> statement-breakpoint
CREATE TABLE `enrollments` (
	`license_id` text NOT NULL,
	`course_id` text NOT NULL,
	`learner_id` text NOT NULL,
	`source` text NOT NULL,
	`payment_id` text,
	`created_at` integer NOT NULL,
	`ended_at` integer,
	PRIMARY KEY(`license_id`, `course_id`, `learner_id`),
	FOREIGN KEY (`license_id`) REFERENCES `licenses`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `enrollments_learner_idx` ON `enrollments` (`license_id`,`learner_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `instructor_earnings` (
	`id` text PRIMARY KEY NOT NULL,
	`license_id` text NOT NULL,
	`instructor_id` text NOT NULL,
	`kind` text NOT NULL,
	`course_id` text,
	`payment_id` text,
	`amount` integer NOT NULL,
	`platform_amount` integer NOT NULL,
	`currency` text NOT NULL,
	`share_bps` integer,
	`note` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`license_id`) REFERENCES `licenses`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`instructor_id`) REFERENCES `instructors`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `instructor_earnings_instructor_idx` ON `instructor_earnings` (`license_id`,`instructor_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `instructor_earnings_payment_idx` ON `instructor_earnings` (`payment_id`);--> statement-breakpoint
CREATE TABLE `instructors` (
	`id` text PRIMARY KEY NOT NULL,
	`license_id` text NOT NULL,
	`subject` text,
	`name` text NOT NULL,
	`bio` text DEFAULT '' NOT NULL,
	`enterprise` integer DEFAULT false NOT NULL,
	`share_bps` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`license_id`) REFERENCES `licenses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `instructors_license_subject_idx` ON `instructors` (`license_id`,`subject`);--> statement-breakpoint
CREATE INDEX `instructors_license_idx` ON `instructors` (`license_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `marketplace_settings` (
	`license_id` text PRIMARY KEY NOT NULL,
	`instructor_share_bps` integer DEFAULT 7000 NOT NULL,
	`enterprise_share_bps` integer DEFAULT 7500 NOT NULL,
	`link_key` text NOT NULL,
	`catalog_version` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`license_id`) REFERENCES `licenses`(`id`) ON UPDATE no action ON DELETE no action
);
