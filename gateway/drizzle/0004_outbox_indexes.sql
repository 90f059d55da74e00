CREATE INDEX `alerts_cascade_due_priority` ON `alerts` (`priority`,`cascade_due_at`,`id`) WHERE cascade_due_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX `notifications_first_wave` ON `notifications` (`status`,`channel`,`wave`,`round`,`priority`,`id`);--> statement-breakpoint
CREATE INDEX `notifications_retry` ON `notifications` (`status`,`channel`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `notifications_to_phone` ON `notifications` (`to_phone`);