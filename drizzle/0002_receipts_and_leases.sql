CREATE TABLE `pending_receipts` (
	`receipt` text NOT NULL,
	`smsc_id` text NOT NULL,
	`state` text NOT NULL,
	`error_code` text,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `pending_receipts_smsc_idx` ON `pending_receipts` (`smsc_id`);--> statement-breakpoint
CREATE INDEX `pending_receipts_at_idx` ON `pending_receipts` (`at`);--> statement-breakpoint
ALTER TABLE `messages` ADD `leased` integer DEFAULT false NOT NULL;