CREATE TABLE `theme_drafts` (
	`license_id` text PRIMARY KEY NOT NULL,
	`document` text NOT NULL,
	`base_version` integer,
	`updated_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`license_id`) REFERENCES `licenses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `theme_versions` (
	`license_id` text NOT NULL,
	`version` integer NOT NULL,
	`document` text NOT NULL,
	`source` text NOT NULL,
	`restored_version` integer,
	`contrast_override` integer DEFAULT false NOT NULL,
	`note` text,
	`published_by` text NOT NULL,
	`published_at` integer NOT NULL,
	PRIMARY KEY(`license_id`, `version`),
	FOREIGN KEY (`license_id`) REFERENCES `licenses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `theme_versions_published_idx` ON `theme_versions` (`license_id`,`published_at`);