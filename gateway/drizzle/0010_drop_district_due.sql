DROP INDEX `alerts_district_due`;--> statement-breakpoint
ALTER TABLE `alerts` DROP COLUMN `district_due_at`;