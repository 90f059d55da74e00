CREATE INDEX `alerts_household` ON `alerts` (`household_id`,`id`);--> statement-breakpoint
CREATE INDEX `presses_alert` ON `presses` (`alert_id`);