CREATE TABLE `alerts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`community_id` integer NOT NULL,
	`household_id` integer NOT NULL,
	`device_id` text NOT NULL,
	`kind` text NOT NULL,
	`state` text NOT NULL,
	`priority` integer NOT NULL,
	`press_count` integer NOT NULL,
	`first_press_at` integer NOT NULL,
	`last_press_at` integer NOT NULL,
	`acknowledged_by` text,
	`acknowledged_at` integer,
	`closed_at` integer,
	`outcome` text,
	`note` text,
	`cascade_due_at` integer,
	FOREIGN KEY (`community_id`) REFERENCES `communities`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`household_id`) REFERENCES `households`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `alerts_cascade_due` ON `alerts` (`cascade_due_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `alerts_one_open_per_household` ON `alerts` (`household_id`) WHERE state NOT IN ('resolved', 'cancelled');--> statement-breakpoint
CREATE INDEX `alerts_state` ON `alerts` (`state`);--> statement-breakpoint
CREATE INDEX `alerts_community` ON `alerts` (`community_id`,`id`);--> statement-breakpoint
CREATE TABLE `buildings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`community_id` integer NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`community_id`) REFERENCES `communities`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `buildings_community` ON `buildings` (`community_id`);--> statement-breakpoint
CREATE TABLE `communities` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`supervisor_phone` text,
	`language` text DEFAULT 'zh-CN' NOT NULL,
	`policy` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `contacts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`household_id` integer NOT NULL,
	`name` text NOT NULL,
	`phone` text NOT NULL,
	`relation` text NOT NULL,
	`priority` integer NOT NULL,
	`language` text DEFAULT 'zh-CN' NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`household_id`) REFERENCES `households`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `contacts_household` ON `contacts` (`household_id`);--> statement-breakpoint
CREATE TABLE `devices` (
	`id` text PRIMARY KEY NOT NULL,
	`household_id` integer NOT NULL,
	`type` text NOT NULL,
	`secret_hash` text NOT NULL,
	`revoked_at` integer,
	`online` integer DEFAULT false NOT NULL,
	`battery` integer,
	`fw` text,
	`last_seen_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`household_id`) REFERENCES `households`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `devices_household` ON `devices` (`household_id`);--> statement-breakpoint
CREATE TABLE `events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`community_id` integer NOT NULL,
	`alert_id` integer,
	`device_id` text,
	`notification_id` integer,
	`type` text NOT NULL,
	`actor` text,
	`data` text,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `events_alert` ON `events` (`alert_id`);--> statement-breakpoint
CREATE TABLE `households` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`unit_id` integer NOT NULL,
	`room` text NOT NULL,
	`name` text,
	`notes` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `households_unit` ON `households` (`unit_id`);--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`alert_id` integer NOT NULL,
	`community_id` integer NOT NULL,
	`contact_id` integer,
	`name` text NOT NULL,
	`to_phone` text NOT NULL,
	`language` text NOT NULL,
	`channel` text NOT NULL,
	`purpose` text NOT NULL,
	`wave` integer NOT NULL,
	`round` integer DEFAULT 1 NOT NULL,
	`body` text,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`provider_sid` text,
	`last_error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`alert_id`) REFERENCES `alerts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `notifications_queue` ON `notifications` (`status`,`channel`,`wave`,`round`,`id`);--> statement-breakpoint
CREATE INDEX `notifications_alert` ON `notifications` (`alert_id`);--> statement-breakpoint
CREATE INDEX `notifications_sid` ON `notifications` (`provider_sid`);--> statement-breakpoint
CREATE TABLE `presses` (
	`device_id` text NOT NULL,
	`seq` integer NOT NULL,
	`alert_id` integer,
	`action` text NOT NULL,
	`kind` text NOT NULL,
	`trigger` text NOT NULL,
	`device_ts` integer NOT NULL,
	`received_at` integer NOT NULL,
	PRIMARY KEY(`device_id`, `seq`)
);
--> statement-breakpoint
CREATE TABLE `residents` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`household_id` integer NOT NULL,
	`name` text NOT NULL,
	`language` text DEFAULT 'zh-CN' NOT NULL,
	`notes` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`household_id`) REFERENCES `households`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `residents_household` ON `residents` (`household_id`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `units` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`building_id` integer NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`building_id`) REFERENCES `buildings`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `units_building` ON `units` (`building_id`);