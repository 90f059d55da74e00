CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`user_id` integer,
	`community_id` integer,
	`entity` text NOT NULL,
	`entity_id` text NOT NULL,
	`action` text NOT NULL,
	`before` text,
	`after` text
);
--> statement-breakpoint
CREATE INDEX `audit_log_community` ON `audit_log` (`community_id`,`id`);--> statement-breakpoint
CREATE INDEX `audit_log_entity` ON `audit_log` (`entity`,`entity_id`,`id`);--> statement-breakpoint
CREATE TABLE `districts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`phone` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `help_group_members` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`group_id` integer NOT NULL,
	`name` text NOT NULL,
	`phone` text NOT NULL,
	`role` text NOT NULL,
	`priority` integer DEFAULT 1 NOT NULL,
	`language` text DEFAULT 'zh-CN' NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`group_id`) REFERENCES `help_groups`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `help_group_members_group` ON `help_group_members` (`group_id`);--> statement-breakpoint
CREATE TABLE `help_groups` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`community_id` integer NOT NULL,
	`name` text NOT NULL,
	`scope` text NOT NULL,
	`ref_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`community_id`) REFERENCES `communities`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `help_groups_community` ON `help_groups` (`community_id`);--> statement-breakpoint
CREATE INDEX `help_groups_ref` ON `help_groups` (`scope`,`ref_id`);--> statement-breakpoint
CREATE TABLE `user_districts` (
	`user_id` integer NOT NULL,
	`district_id` integer NOT NULL,
	PRIMARY KEY(`user_id`, `district_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`district_id`) REFERENCES `districts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `user_districts_district` ON `user_districts` (`district_id`);--> statement-breakpoint
ALTER TABLE `alerts` ADD `maintenance` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `alerts` ADD `district_due_at` integer;--> statement-breakpoint
ALTER TABLE `alerts` ADD `escalated_at` integer;--> statement-breakpoint
CREATE INDEX `alerts_district_due` ON `alerts` (`district_due_at`);--> statement-breakpoint
ALTER TABLE `communities` ADD `district_id` integer REFERENCES districts(id);--> statement-breakpoint
ALTER TABLE `communities` ADD `country_code` text DEFAULT 'CN' NOT NULL;--> statement-breakpoint
ALTER TABLE `contacts` ADD `role` text DEFAULT 'family' NOT NULL;--> statement-breakpoint
ALTER TABLE `devices` ADD `maintenance_at` integer;--> statement-breakpoint
ALTER TABLE `devices` ADD `secret_issued_at` integer;--> statement-breakpoint
ALTER TABLE `households` ADD `maintenance_at` integer;--> statement-breakpoint
ALTER TABLE `residents` ADD `age` integer;