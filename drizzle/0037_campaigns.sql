CREATE TABLE `campaign_files` (
	`campaign_id` integer NOT NULL,
	`seq` integer NOT NULL,
	`sha256` text NOT NULL,
	`content_type` text NOT NULL,
	`kind` text NOT NULL,
	`filename` text NOT NULL,
	`size` integer NOT NULL,
	`meta` text NOT NULL,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `campaign_files_seq_idx` ON `campaign_files` (`campaign_id`,`seq`);--> statement-breakpoint
CREATE TABLE `campaign_link_tokens` (
	`token` text PRIMARY KEY NOT NULL,
	`link_id` integer NOT NULL,
	`recipient_id` integer NOT NULL,
	`clicks` integer DEFAULT 0 NOT NULL,
	`first_click_at` integer,
	`last_click_at` integer,
	FOREIGN KEY (`link_id`) REFERENCES `campaign_links`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`recipient_id`) REFERENCES `campaign_recipients`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `campaign_link_tokens_link_idx` ON `campaign_link_tokens` (`link_id`);--> statement-breakpoint
CREATE INDEX `campaign_link_tokens_recipient_idx` ON `campaign_link_tokens` (`recipient_id`);--> statement-breakpoint
CREATE TABLE `campaign_links` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`campaign_id` integer NOT NULL,
	`url` text NOT NULL,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `campaign_links_url_idx` ON `campaign_links` (`campaign_id`,`url`);--> statement-breakpoint
CREATE TABLE `campaign_recipients` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`campaign_id` integer NOT NULL,
	`phone` text NOT NULL,
	`contact_id` integer,
	`vars` text,
	`zones` text NOT NULL,
	`state` text DEFAULT 'pending' NOT NULL,
	`skip_reason` text,
	`not_before` integer,
	`conversation_id` integer,
	`message_id` integer,
	`queued_at` integer,
	`replied_at` integer,
	`opted_out_at` integer,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`message_id`) REFERENCES `messages`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `campaign_recipients_phone_idx` ON `campaign_recipients` (`campaign_id`,`phone`);--> statement-breakpoint
CREATE INDEX `campaign_recipients_due_idx` ON `campaign_recipients` (`campaign_id`,`state`,`not_before`,`id`);--> statement-breakpoint
CREATE INDEX `campaign_recipients_queued_idx` ON `campaign_recipients` (`phone`,`queued_at`);--> statement-breakpoint
CREATE INDEX `campaign_recipients_conversation_idx` ON `campaign_recipients` (`conversation_id`);--> statement-breakpoint
CREATE INDEX `campaign_recipients_message_idx` ON `campaign_recipients` (`message_id`);--> statement-breakpoint
CREATE TABLE `campaign_rejects` (
	`campaign_id` integer NOT NULL,
	`source` text NOT NULL,
	`line` integer NOT NULL,
	`raw` text NOT NULL,
	`reason` text NOT NULL,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `campaign_rejects_campaign_idx` ON `campaign_rejects` (`campaign_id`,`line`);--> statement-breakpoint
CREATE TABLE `campaigns` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`number_id` integer NOT NULL,
	`created_by` integer,
	`state` text DEFAULT 'draft' NOT NULL,
	`body` text DEFAULT '' NOT NULL,
	`footer` text NOT NULL,
	`track_links` integer DEFAULT false NOT NULL,
	`rate_per_minute` integer DEFAULT 60 NOT NULL,
	`send_at` integer,
	`started_at` integer,
	`finished_at` integer,
	`paused_reason` text,
	`resume_at` integer,
	`tag_id` integer,
	`variables` text DEFAULT '[]' NOT NULL,
	`version` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`number_id`) REFERENCES `numbers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`tag_id`) REFERENCES `tags`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `campaigns_state_idx` ON `campaigns` (`state`,`send_at`);--> statement-breakpoint
CREATE INDEX `campaigns_number_idx` ON `campaigns` (`number_id`);--> statement-breakpoint
ALTER TABLE `contacts` ADD `time_zone` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `campaign_id` integer;