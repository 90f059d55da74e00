CREATE TABLE `device_faults` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`device_id` text NOT NULL,
	`household_id` integer NOT NULL,
	`community_id` integer NOT NULL,
	`type` text NOT NULL,
	`raised_at` integer NOT NULL,
	`cleared_at` integer,
	`acknowledged_at` integer,
	`acknowledged_by` text,
	`sms_due_at` integer,
	`sms_sent_at` integer,
	`detail` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `device_faults_one_open` ON `device_faults` (`device_id`,`type`) WHERE cleared_at IS NULL;--> statement-breakpoint
CREATE INDEX `device_faults_community` ON `device_faults` (`community_id`,`id`);--> statement-breakpoint
CREATE INDEX `device_faults_sms_due` ON `device_faults` (`sms_due_at`);--> statement-breakpoint
CREATE TABLE `drills` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`community_id` integer NOT NULL,
	`name` text NOT NULL,
	`call_family` integer DEFAULT false NOT NULL,
	`started_by` text NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	`report` text,
	FOREIGN KEY (`community_id`) REFERENCES `communities`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `drills_community` ON `drills` (`community_id`,`id`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_notifications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`alert_id` integer,
	`fault_id` integer,
	`community_id` integer NOT NULL,
	`contact_id` integer,
	`name` text NOT NULL,
	`to_phone` text NOT NULL,
	`language` text NOT NULL,
	`channel` text NOT NULL,
	`purpose` text NOT NULL,
	`priority` integer DEFAULT 9 NOT NULL,
	`target_sid` text,
	`sender` text,
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
	FOREIGN KEY (`alert_id`) REFERENCES `alerts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`fault_id`) REFERENCES `device_faults`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_notifications`("id", "alert_id", "fault_id", "community_id", "contact_id", "name", "to_phone", "language", "channel", "purpose", "priority", "target_sid", "sender", "wave", "round", "body", "status", "attempts", "next_attempt_at", "provider_sid", "last_error", "created_at", "updated_at") SELECT "id", "alert_id", NULL, "community_id", "contact_id", "name", "to_phone", "language", "channel", "purpose", "priority", "target_sid", "sender", "wave", "round", "body", "status", "attempts", "next_attempt_at", "provider_sid", "last_error", "created_at", "updated_at" FROM `notifications`;--> statement-breakpoint
DROP TABLE `notifications`;--> statement-breakpoint
ALTER TABLE `__new_notifications` RENAME TO `notifications`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `notifications_queue` ON `notifications` (`status`,`channel`,`priority`,`wave`,`round`,`id`);--> statement-breakpoint
CREATE INDEX `notifications_first_wave` ON `notifications` (`status`,`channel`,`wave`,`round`,`priority`,`id`);--> statement-breakpoint
CREATE INDEX `notifications_retry` ON `notifications` (`status`,`channel`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `notifications_to_phone` ON `notifications` (`to_phone`);--> statement-breakpoint
CREATE INDEX `notifications_alert` ON `notifications` (`alert_id`);--> statement-breakpoint
CREATE INDEX `notifications_fault` ON `notifications` (`fault_id`);--> statement-breakpoint
CREATE INDEX `notifications_sid` ON `notifications` (`provider_sid`);--> statement-breakpoint
ALTER TABLE `alerts` ADD `drill_id` integer;--> statement-breakpoint
ALTER TABLE `devices` ADD `supervision_s` integer;--> statement-breakpoint
ALTER TABLE `devices` ADD `silent_due_at` integer;--> statement-breakpoint
ALTER TABLE `devices` ADD `selftest_ok` integer;--> statement-breakpoint
ALTER TABLE `devices` ADD `selftest_at` integer;--> statement-breakpoint
CREATE INDEX `devices_silent_due` ON `devices` (`silent_due_at`);