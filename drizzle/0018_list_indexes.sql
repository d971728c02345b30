DROP INDEX `conversations_inbox_status_last_idx`;--> statement-breakpoint
DROP INDEX `conversations_status_last_idx`;--> statement-breakpoint
DROP INDEX `conversations_status_waiting_idx`;--> statement-breakpoint
CREATE INDEX `conversations_last_idx` ON `conversations` (`last_message_at`,`id`,`inbox_id`,`status`);--> statement-breakpoint
CREATE INDEX `conversations_inbox_status_last_idx` ON `conversations` (`inbox_id`,`status`,`last_message_at`,`id`,`last_inbound_at`);--> statement-breakpoint
CREATE INDEX `conversations_status_last_idx` ON `conversations` (`status`,`last_message_at`,`id`,`inbox_id`,`last_inbound_at`);--> statement-breakpoint
CREATE INDEX `conversations_status_waiting_idx` ON `conversations` (`status`,("waiting_since" IS NULL),(CASE WHEN "waiting_since" IS NULL THEN "last_message_at" ELSE "waiting_since" END),`id`,`inbox_id`,`assignee_id`);