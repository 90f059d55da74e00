DROP INDEX `notifications_queue`;--> statement-breakpoint
ALTER TABLE `notifications` ADD `priority` integer DEFAULT 9 NOT NULL;--> statement-breakpoint
ALTER TABLE `notifications` ADD `target_sid` text;--> statement-breakpoint
ALTER TABLE `notifications` ADD `sender` text;--> statement-breakpoint
CREATE INDEX `notifications_queue` ON `notifications` (`status`,`channel`,`priority`,`wave`,`round`,`id`);--> statement-breakpoint
UPDATE `notifications` SET `priority` = (SELECT `priority` FROM `alerts` WHERE `alerts`.`id` = `notifications`.`alert_id`) WHERE `status` IN ('queued', 'sending');--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_presses` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`device_id` text NOT NULL,
	`seq` integer NOT NULL,
	`alert_id` integer,
	`action` text NOT NULL,
	`kind` text NOT NULL,
	`trigger` text NOT NULL,
	`device_ts` integer NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `__new_presses`("device_id", "seq", "alert_id", "action", "kind", "trigger", "device_ts", "received_at") SELECT "device_id", "seq", "alert_id", "action", "kind", "trigger", "device_ts", "received_at" FROM `presses` ORDER BY "received_at";--> statement-breakpoint
DROP TABLE `presses`;--> statement-breakpoint
ALTER TABLE `__new_presses` RENAME TO `presses`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `presses_device_seq_payload` ON `presses` (`device_id`,`seq`,`device_ts`,`action`,`kind`);--> statement-breakpoint
CREATE INDEX `presses_alert` ON `presses` (`alert_id`);--> statement-breakpoint
ALTER TABLE `alerts` ADD `going_by` text;--> statement-breakpoint
ALTER TABLE `alerts` ADD `going_via` text;--> statement-breakpoint
ALTER TABLE `alerts` ADD `going_at` integer;--> statement-breakpoint
ALTER TABLE `alerts` ADD `arrived_at` integer;--> statement-breakpoint
ALTER TABLE `alerts` ADD `arrival_due_at` integer;--> statement-breakpoint
ALTER TABLE `alerts` ADD `overdue_at` integer;--> statement-breakpoint
CREATE INDEX `alerts_arrival_due` ON `alerts` (`arrival_due_at`);--> statement-breakpoint
ALTER TABLE `devices` ADD `seq_reset_at` integer;