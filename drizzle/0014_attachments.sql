CREATE TABLE `attachments` (
	`message_id` integer NOT NULL,
	`seq` integer NOT NULL,
	`sha256` text NOT NULL,
	`content_type` text NOT NULL,
	`kind` text NOT NULL,
	`filename` text NOT NULL,
	`size` integer NOT NULL,
	`meta` text NOT NULL,
	PRIMARY KEY(`message_id`, `seq`),
	FOREIGN KEY (`message_id`) REFERENCES `messages`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `attachments_sha256_idx` ON `attachments` (`sha256`);--> statement-breakpoint
CREATE TABLE `media_links` (
	`message_id` integer PRIMARY KEY NOT NULL,
	`token` text NOT NULL,
	`url` text NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`message_id`) REFERENCES `messages`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `media_links_token_unique` ON `media_links` (`token`);--> statement-breakpoint
ALTER TABLE `numbers` ADD `media_route` text DEFAULT 'link' NOT NULL;--> statement-breakpoint
ALTER TABLE `numbers` ADD `mm7_connection` text;--> statement-breakpoint
ALTER TABLE `numbers` ADD `max_attachments` integer DEFAULT 5 NOT NULL;--> statement-breakpoint
ALTER TABLE `numbers` ADD `max_attachment_bytes` integer DEFAULT 2097152 NOT NULL;