CREATE TABLE `grid_members` (
	`grid_id` integer NOT NULL,
	`scope` text NOT NULL,
	`ref_id` integer NOT NULL,
	PRIMARY KEY(`scope`, `ref_id`),
	FOREIGN KEY (`grid_id`) REFERENCES `grids`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `grid_members_grid` ON `grid_members` (`grid_id`);--> statement-breakpoint
CREATE TABLE `grid_workers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`grid_id` integer NOT NULL,
	`name` text NOT NULL,
	`phone` text NOT NULL,
	`language` text DEFAULT 'zh-CN' NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`grid_id`) REFERENCES `grids`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `grid_workers_grid` ON `grid_workers` (`grid_id`);--> statement-breakpoint
CREATE TABLE `grids` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`community_id` integer NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`community_id`) REFERENCES `communities`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `grids_community` ON `grids` (`community_id`);--> statement-breakpoint
CREATE TABLE `tv_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`community_id` integer NOT NULL,
	`household_id` integer NOT NULL,
	`device_id` text,
	`text` text NOT NULL,
	`by` text NOT NULL,
	`status` text NOT NULL,
	`shown_at` integer,
	`dismissed_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`household_id`) REFERENCES `households`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `tv_messages_household` ON `tv_messages` (`household_id`,`id`);--> statement-breakpoint
CREATE INDEX `tv_messages_community` ON `tv_messages` (`community_id`,`id`);--> statement-breakpoint
ALTER TABLE `alerts` ADD `category` text;--> statement-breakpoint
ALTER TABLE `alerts` ADD `answer_due_at` integer;--> statement-breakpoint
ALTER TABLE `communities` ADD `service_categories` text;--> statement-breakpoint
ALTER TABLE `households` ADD `lives_alone` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `households` ADD `welfare_include_family` integer;--> statement-breakpoint
ALTER TABLE `households` ADD `last_sign_of_life_at` integer;--> statement-breakpoint
ALTER TABLE `households` ADD `welfare_due_at` integer;--> statement-breakpoint
CREATE INDEX `households_welfare_due` ON `households` (`welfare_due_at`);