ALTER TABLE `numbers` RENAME COLUMN "connection" TO "channel";--> statement-breakpoint
ALTER TABLE `numbers` ADD `kind` text DEFAULT 'sms' NOT NULL;