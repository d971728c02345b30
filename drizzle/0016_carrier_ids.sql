-- Carrier ids are unique only per connection: parts and early receipts are keyed by (connection, smsc_id).
DROP INDEX `message_parts_smsc_idx`;--> statement-breakpoint
ALTER TABLE `message_parts` ADD `connection` text DEFAULT '' NOT NULL;--> statement-breakpoint
UPDATE `message_parts` SET `connection` = coalesce((
  SELECT CASE WHEN `n`.`media_route` = 'mm7' AND EXISTS (SELECT 1 FROM `attachments` `a` WHERE `a`.`message_id` = `m`.`id`)
    THEN coalesce(`n`.`mm7_connection`, `n`.`connection`) ELSE `n`.`connection` END
  FROM `messages` `m` JOIN `conversations` `c` ON `c`.`id` = `m`.`conversation_id` JOIN `numbers` `n` ON `n`.`id` = `c`.`number_id`
  WHERE `m`.`id` = `message_parts`.`message_id`), '');--> statement-breakpoint
CREATE INDEX `message_parts_carrier_idx` ON `message_parts` (`connection`,`smsc_id`);--> statement-breakpoint
-- Early receipts were stored once per reading of their id, without the connection: they cannot be keyed now. They
-- exist only for the moment between a receipt and its own submit_sm_resp, which a clean stop lets finish.
DROP TABLE `pending_receipts`;--> statement-breakpoint
CREATE TABLE `pending_receipts` (
	`connection` text NOT NULL,
	`smsc_id` text NOT NULL,
	`state` text NOT NULL,
	`error_code` text,
	`at` integer NOT NULL
);--> statement-breakpoint
CREATE INDEX `pending_receipts_carrier_idx` ON `pending_receipts` (`connection`,`smsc_id`);--> statement-breakpoint
CREATE INDEX `pending_receipts_at_idx` ON `pending_receipts` (`at`);
