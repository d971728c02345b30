CREATE TABLE `customer_reactions` (
	`message_id` integer PRIMARY KEY NOT NULL,
	`emoji` text NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`message_id`) REFERENCES `messages`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `message_templates` (
	`channel` text NOT NULL,
	`name` text NOT NULL,
	`language` text NOT NULL,
	`status` text NOT NULL,
	`category` text NOT NULL,
	`body` text NOT NULL,
	`header` text,
	`footer` text,
	`synced_at` integer NOT NULL,
	PRIMARY KEY(`channel`, `name`, `language`)
);
--> statement-breakpoint
ALTER TABLE `contacts` ADD `whatsapp_id` text;--> statement-breakpoint
CREATE UNIQUE INDEX `contacts_book_whatsapp_idx` ON `contacts` (`book`,`whatsapp_id`);--> statement-breakpoint
ALTER TABLE `conversations` ADD `whatsapp_id` text;--> statement-breakpoint
CREATE INDEX `conversations_number_whatsapp_idx` ON `conversations` (`number_id`,`whatsapp_id`);--> statement-breakpoint
ALTER TABLE `messages` ADD `channel_message_id` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `reply_to_id` integer REFERENCES messages(id);--> statement-breakpoint
ALTER TABLE `messages` ADD `content` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `reaction_to_id` integer REFERENCES messages(id);--> statement-breakpoint
CREATE UNIQUE INDEX `messages_channel_message_idx` ON `messages` (`channel_message_id`);--> statement-breakpoint
ALTER TABLE `pending_receipts` ADD `error_details` text;