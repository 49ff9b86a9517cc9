DROP INDEX `courses_newest_idx`;--> statement-breakpoint
DROP INDEX `courses_price_idx`;--> statement-breakpoint
DROP INDEX `courses_rating_idx`;--> statement-breakpoint
DROP INDEX `courses_popular_idx`;--> statement-breakpoint
DROP INDEX `courses_category_idx`;--> statement-breakpoint
CREATE INDEX `courses_facets_idx` ON `courses` (`seq`,`license_id`,`status`,`category`,`level`,`language`,`price_amount`,`rating_average`);--> statement-breakpoint
CREATE INDEX `courses_newest_idx` ON `courses` (`license_id`,`status`,`created_at`,`seq`,`category`,`level`,`language`,`price_amount`,`rating_average`);--> statement-breakpoint
CREATE INDEX `courses_price_idx` ON `courses` (`license_id`,`status`,`price_amount`,`seq`,`category`,`level`,`language`,`rating_average`);--> statement-breakpoint
CREATE INDEX `courses_rating_idx` ON `courses` (`license_id`,`status`,`rating_average`,`seq`,`category`,`level`,`language`,`price_amount`);--> statement-breakpoint
CREATE INDEX `courses_popular_idx` ON `courses` (`license_id`,`status`,`enrollment_count`,`seq`,`category`,`level`,`language`,`price_amount`,`rating_average`);--> statement-breakpoint
CREATE INDEX `courses_category_idx` ON `courses` (`license_id`,`status`,`category`,`level`,`language`,`price_amount`,`rating_average`);