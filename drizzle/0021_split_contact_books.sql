-- Custom migration: contacts are split by book. Until now one contact per number was shared by every inbox it
-- texted, so details written in a personal inbox showed in shared ones (and the other way round). The rule:
--  * a contact used only in one person's personal inbox (its conversations and the inbox it first appeared in;
--    not added by hand) moves, with its numbers and details, into that person's book;
--  * a contact used in a personal inbox and elsewhere (a shared inbox, added by hand, or another person's
--    personal inbox) is split: each such person gets a copy in their book with the same details and numbers,
--    their personal conversations move to it (and their favourite, if they had one); the team's contact keeps
--    its details for the shared inboxes, or is removed when nothing but personal inboxes used it;
--  * a team contact no longer remembers a personal inbox as where it first appeared, and favourites of a
--    personal contact other than its owner's are dropped.
-- Where each detail was typed is not recorded, so a split contact keeps all of them on both sides.
CREATE TEMP TABLE `contact_uses` AS
  SELECT `contact_id`, `inbox_id` FROM `conversations`
  UNION
  SELECT `id`, `origin_inbox_id` FROM `contacts` WHERE `origin_inbox_id` IS NOT NULL;--> statement-breakpoint
CREATE TEMP TABLE `personal_uses` AS
  SELECT DISTINCT u.`contact_id`, i.`owner_user_id` AS `owner`, i.`id` AS `inbox_id`
  FROM `contact_uses` u JOIN `inboxes` i ON i.`id` = u.`inbox_id`
  WHERE i.`owner_user_id` IS NOT NULL;--> statement-breakpoint
CREATE TEMP TABLE `team_used` AS
  SELECT `id` AS `contact_id` FROM `contacts` WHERE `hand_made` = 1
  UNION
  SELECT u.`contact_id` FROM `contact_uses` u JOIN `inboxes` i ON i.`id` = u.`inbox_id` WHERE i.`owner_user_id` IS NULL;--> statement-breakpoint
UPDATE `contacts` SET `book` = (SELECT p.`owner` FROM `personal_uses` p WHERE p.`contact_id` = `contacts`.`id`)
  WHERE `id` NOT IN (SELECT `contact_id` FROM `team_used`)
    AND (SELECT count(*) FROM `personal_uses` p WHERE p.`contact_id` = `contacts`.`id`) = 1;--> statement-breakpoint
CREATE TEMP TABLE `contact_copies` AS
  SELECT p.`contact_id` AS `old_id`, p.`owner`, p.`inbox_id`,
    max(coalesce((SELECT `seq` FROM `sqlite_sequence` WHERE `name` = 'contacts'), 0), (SELECT coalesce(max(`id`), 0) FROM `contacts`))
      + row_number() OVER (ORDER BY p.`contact_id`, p.`owner`) AS `new_id`
  FROM `personal_uses` p JOIN `contacts` c ON c.`id` = p.`contact_id`
  WHERE c.`book` = 0;--> statement-breakpoint
INSERT INTO `contacts` (`id`, `book`, `name`, `email`, `company`, `notes`, `hand_made`, `origin_inbox_id`, `created_at`)
  SELECT k.`new_id`, k.`owner`, c.`name`, c.`email`, c.`company`, c.`notes`, 0, k.`inbox_id`, c.`created_at`
  FROM `contact_copies` k JOIN `contacts` c ON c.`id` = k.`old_id`;--> statement-breakpoint
INSERT INTO `contact_phones` (`book`, `phone`, `contact_id`)
  SELECT k.`owner`, p.`phone`, k.`new_id` FROM `contact_copies` k JOIN `contact_phones` p ON p.`contact_id` = k.`old_id`;--> statement-breakpoint
UPDATE `conversations` SET `contact_id` = (SELECT k.`new_id` FROM `contact_copies` k WHERE k.`old_id` = `conversations`.`contact_id` AND k.`inbox_id` = `conversations`.`inbox_id`)
  WHERE EXISTS (SELECT 1 FROM `contact_copies` k WHERE k.`old_id` = `conversations`.`contact_id` AND k.`inbox_id` = `conversations`.`inbox_id`);--> statement-breakpoint
INSERT INTO `contact_favourites` (`user_id`, `contact_id`)
  SELECT f.`user_id`, k.`new_id` FROM `contact_favourites` f JOIN `contact_copies` k ON k.`old_id` = f.`contact_id` AND k.`owner` = f.`user_id`;--> statement-breakpoint
DELETE FROM `contacts`
  WHERE `book` = 0 AND `id` IN (SELECT `old_id` FROM `contact_copies`) AND `id` NOT IN (SELECT `contact_id` FROM `team_used`);--> statement-breakpoint
UPDATE `contacts` SET `origin_inbox_id` = NULL
  WHERE `book` = 0 AND `origin_inbox_id` IN (SELECT `id` FROM `inboxes` WHERE `owner_user_id` IS NOT NULL);--> statement-breakpoint
DELETE FROM `contact_favourites`
  WHERE `contact_id` IN (SELECT `id` FROM `contacts` WHERE `book` <> 0 AND `book` <> `contact_favourites`.`user_id`);--> statement-breakpoint
DROP TABLE `contact_uses`;--> statement-breakpoint
DROP TABLE `personal_uses`;--> statement-breakpoint
DROP TABLE `team_used`;--> statement-breakpoint
DROP TABLE `contact_copies`;
