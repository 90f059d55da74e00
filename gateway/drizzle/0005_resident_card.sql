CREATE TABLE `door_code_reveals` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`household_id` integer NOT NULL,
	`alert_id` integer,
	`community_id` integer NOT NULL,
	`actor` text NOT NULL,
	`user_id` integer,
	`at` integer NOT NULL,
	FOREIGN KEY (`household_id`) REFERENCES `households`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `door_code_reveals_household` ON `door_code_reveals` (`household_id`);--> statement-breakpoint
CREATE INDEX `door_code_reveals_alert` ON `door_code_reveals` (`alert_id`);--> statement-breakpoint
CREATE TABLE `household_access` (
	`household_id` integer PRIMARY KEY NOT NULL,
	`door_code` text NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`household_id`) REFERENCES `households`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `communities` ADD `phone` text;--> statement-breakpoint
ALTER TABLE `contacts` ADD `has_key` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `residents` ADD `phone` text;--> statement-breakpoint
ALTER TABLE `residents` ADD `medical` text;--> statement-breakpoint
ALTER TABLE `residents` ADD `mobility` text;