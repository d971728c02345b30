-- Custom migration: a contact first appeared in the inbox of their earliest conversation.
UPDATE `contacts` SET `origin_inbox_id` = (SELECT `inbox_id` FROM `conversations` WHERE `conversations`.`contact_id` = `contacts`.`id` ORDER BY `conversations`.`id` LIMIT 1) WHERE `hand_made` = 0;
