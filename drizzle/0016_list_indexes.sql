DROP INDEX `conversations_inbox_status_last_idx`;--> statement-breakpoint
DROP INDEX `conversations_status_last_idx`;--> statement-breakpoint
CREATE INDEX `conversations_inbox_status_last_idx` ON `conversations` (`inbox_id`,`status`,`last_message_at`,`id`,`last_inbound_at`);--> statement-breakpoint
CREATE INDEX `conversations_status_last_idx` ON `conversations` (`status`,`last_message_at`,`id`,`inbox_id`,`last_inbound_at`);