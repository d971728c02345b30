ALTER TABLE `attachments` ADD `voice` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `chat_attachments` ADD `voice` integer DEFAULT false NOT NULL;