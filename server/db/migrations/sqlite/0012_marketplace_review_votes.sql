CREATE TABLE `course_review_votes` (
	`license_id` text NOT NULL,
	`review_id` text NOT NULL,
	`learner_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`license_id`, `review_id`, `learner_id`),
	FOREIGN KEY (`license_id`) REFERENCES `licenses`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`review_id`) REFERENCES `course_reviews`(`id`) ON UPDATE no action ON DELETE no action
);
