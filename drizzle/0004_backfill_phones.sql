-- Custom migration: conversations now carry the customer's address, and a contact may have several numbers.
UPDATE `conversations` SET `phone` = (SELECT `phone` FROM `contacts` WHERE `contacts`.`id` = `conversations`.`contact_id`) WHERE `phone` = '';--> statement-breakpoint
INSERT INTO `contact_phones` (`phone`, `contact_id`) SELECT `phone`, `id` FROM `contacts` WHERE `phone` IS NOT NULL;--> statement-breakpoint
UPDATE `conversations` SET `last_inbound_at` = (SELECT max(`created_at`) FROM `messages` WHERE `messages`.`conversation_id` = `conversations`.`id` AND `direction` = 'in');
