CREATE TABLE `contact_favourites` (
	`user_id` integer NOT NULL,
	`contact_id` integer NOT NULL,
	PRIMARY KEY(`user_id`, `contact_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `contact_phones` (
	`phone` text PRIMARY KEY NOT NULL,
	`contact_id` integer NOT NULL,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `contact_phones_contact_idx` ON `contact_phones` (`contact_id`);--> statement-breakpoint
CREATE TABLE `conversation_pins` (
	`user_id` integer NOT NULL,
	`conversation_id` integer NOT NULL,
	`position` integer NOT NULL,
	PRIMARY KEY(`user_id`, `conversation_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `conversation_reads` (
	`user_id` integer NOT NULL,
	`conversation_id` integer NOT NULL,
	`read_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `conversation_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `conversation_tags` (
	`conversation_id` integer NOT NULL,
	`tag_id` integer NOT NULL,
	PRIMARY KEY(`conversation_id`, `tag_id`),
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`tag_id`) REFERENCES `tags`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `conversation_tags_tag_idx` ON `conversation_tags` (`tag_id`,`conversation_id`);--> statement-breakpoint
CREATE TABLE `tags` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tags_name_idx` ON `tags` (lower("name"));--> statement-breakpoint
DROP INDEX `conversations_number_contact_idx`;--> statement-breakpoint
ALTER TABLE `conversations` ADD `phone` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `conversations` ADD `version` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `conversations` ADD `last_inbound_at` integer;--> statement-breakpoint
ALTER TABLE `conversations` ADD `waiting_since` integer;--> statement-breakpoint
CREATE INDEX `conversations_status_last_idx` ON `conversations` (`status`,`last_message_at`);--> statement-breakpoint
CREATE INDEX `conversations_assignee_status_last_idx` ON `conversations` (`assignee_id`,`status`,`last_message_at`);--> statement-breakpoint
CREATE INDEX `conversations_status_waiting_idx` ON `conversations` (`status`,`waiting_since`);--> statement-breakpoint
CREATE INDEX `conversations_number_phone_idx` ON `conversations` (`number_id`,`phone`);--> statement-breakpoint
CREATE INDEX `conversations_contact_idx` ON `conversations` (`contact_id`);--> statement-breakpoint
ALTER TABLE `users` ADD `hide_tags` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `inboxes` ADD `assignment_enabled` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `inboxes` ADD `moving_enabled` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `contacts` ADD `email` text;--> statement-breakpoint
ALTER TABLE `contacts` ADD `company` text;--> statement-breakpoint
ALTER TABLE `contacts` ADD `notes` text;--> statement-breakpoint
ALTER TABLE `conversation_events` ADD `data` text;