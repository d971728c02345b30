DROP INDEX `contacts_phone_unique`;--> statement-breakpoint
ALTER TABLE `contacts` DROP COLUMN `phone`;