-- Custom migration: outgoing webhooks' queue is written by triggers, in the transaction of the change, so every write
-- path is covered. An event is written only while an enabled endpoint takes its type: with none, each trigger costs
-- one look at the (empty) webhook_endpoints table. Only
-- shared inboxes and the team's address book are sent: personal inboxes and personal contacts stay their owner's.
-- The views build each event's `data` (times as ISO 8601 in UTC).
CREATE VIEW `webhook_conversation_json` AS
SELECT c.`id` AS `id`, json_object(
  'id', c.`id`,
  'inbox_id', c.`inbox_id`,
  'inbox_name', i.`name`,
  'number', n.`e164`,
  'phone', c.`phone`,
  'whatsapp_id', c.`whatsapp_id`,
  'contact_id', c.`contact_id`,
  'contact_name', ct.`name`,
  'status', c.`status`,
  'assignee_id', c.`assignee_id`,
  'assignee_name', u.`name`,
  'tags', json((SELECT json_group_array(`name`) FROM (SELECT t.`name` AS `name` FROM `conversation_tags` ctg
    JOIN `tags` t ON t.`id` = ctg.`tag_id` WHERE ctg.`conversation_id` = c.`id` ORDER BY lower(t.`name`)))),
  'snoozed_until', strftime('%Y-%m-%dT%H:%M:%fZ', c.`snoozed_until` / 1000.0, 'unixepoch'),
  'created_at', strftime('%Y-%m-%dT%H:%M:%fZ', c.`created_at` / 1000.0, 'unixepoch'),
  'last_message_at', strftime('%Y-%m-%dT%H:%M:%fZ', c.`last_message_at` / 1000.0, 'unixepoch')
) AS `data`
FROM `conversations` c
JOIN `inboxes` i ON i.`id` = c.`inbox_id` AND i.`owner_user_id` IS NULL
JOIN `numbers` n ON n.`id` = c.`number_id`
JOIN `contacts` ct ON ct.`id` = c.`contact_id`
LEFT JOIN `users` u ON u.`id` = c.`assignee_id`;
--> statement-breakpoint
CREATE VIEW `webhook_message_json` AS
SELECT m.`id` AS `id`, json_object(
  'id', m.`id`,
  'conversation_id', m.`conversation_id`,
  'direction', m.`direction`,
  'status', m.`status`,
  'body', m.`body`,
  'content', json(m.`content`),
  'author_id', m.`author_user_id`,
  'author_name', u.`name`,
  'reply_to_id', m.`reply_to_id`,
  'error_code', m.`error_code`,
  'error_reason', m.`error_reason`,
  'created_at', strftime('%Y-%m-%dT%H:%M:%fZ', m.`created_at` / 1000.0, 'unixepoch'),
  'updated_at', strftime('%Y-%m-%dT%H:%M:%fZ', m.`updated_at` / 1000.0, 'unixepoch'),
  'conversation', json(cv.`data`)
) AS `data`
FROM `messages` m
JOIN `webhook_conversation_json` cv ON cv.`id` = m.`conversation_id`
LEFT JOIN `users` u ON u.`id` = m.`author_user_id`
WHERE m.`reaction_to_id` IS NULL;
--> statement-breakpoint
CREATE VIEW `webhook_contact_json` AS
SELECT c.`id` AS `id`, json_object(
  'id', c.`id`,
  'name', c.`name`,
  'email', c.`email`,
  'company', c.`company`,
  'phones', json((SELECT json_group_array(`phone`) FROM (SELECT `phone` FROM `contact_phones`
    WHERE `contact_id` = c.`id` ORDER BY `phone`))),
  'whatsapp_id', c.`whatsapp_id`,
  'created_at', strftime('%Y-%m-%dT%H:%M:%fZ', c.`created_at` / 1000.0, 'unixepoch')
) AS `data`
FROM `contacts` c
WHERE c.`book` = 0;
--> statement-breakpoint
-- Fan-out: each event gets one delivery per enabled endpoint subscribed to its type (a test event is added by hand).
CREATE TRIGGER `webhook_events_fan_out` AFTER INSERT ON `webhook_events`
BEGIN
  INSERT INTO `webhook_deliveries` (`endpoint_id`, `event_id`, `order_key`, `next_attempt_at`)
  SELECT e.`id`, NEW.`id`, NEW.`order_key`, NEW.`created_at` FROM `webhook_endpoints` e
  WHERE e.`enabled` AND EXISTS (SELECT 1 FROM json_each(e.`events`) WHERE `value` = NEW.`type`);
END;
--> statement-breakpoint
CREATE TRIGGER `webhook_conversation_created` AFTER INSERT ON `conversations`
WHEN EXISTS (SELECT 1 FROM `webhook_endpoints` e, json_each(e.`events`) j WHERE e.`enabled` AND j.`value` = 'conversation.created')
BEGIN
  INSERT INTO `webhook_events` (`uid`, `type`, `data`, `conversation_id`, `order_key`)
  SELECT 'msg_' || lower(hex(randomblob(12))), 'conversation.created', v.`data`, NEW.`id`, 'conversation:' || NEW.`id`
  FROM `webhook_conversation_json` v WHERE v.`id` = NEW.`id`;
END;
--> statement-breakpoint
CREATE TRIGGER `webhook_conversation_updated` AFTER UPDATE OF `status`, `assignee_id`, `inbox_id` ON `conversations`
WHEN (OLD.`status` IS NOT NEW.`status` OR OLD.`assignee_id` IS NOT NEW.`assignee_id` OR OLD.`inbox_id` IS NOT NEW.`inbox_id`)
  AND EXISTS (SELECT 1 FROM `webhook_endpoints` e, json_each(e.`events`) j WHERE e.`enabled` AND j.`value` = 'conversation.updated')
BEGIN
  INSERT INTO `webhook_events` (`uid`, `type`, `data`, `conversation_id`, `order_key`)
  SELECT 'msg_' || lower(hex(randomblob(12))), 'conversation.updated', json_set(v.`data`, '$.changes', json((
    SELECT json_group_object(`field`, json(`change`)) FROM (
      SELECT 'status' AS `field`, json_object('from', OLD.`status`, 'to', NEW.`status`) AS `change`
        WHERE OLD.`status` IS NOT NEW.`status`
      UNION ALL SELECT 'assignee_id', json_object('from', OLD.`assignee_id`, 'to', NEW.`assignee_id`)
        WHERE OLD.`assignee_id` IS NOT NEW.`assignee_id`
      UNION ALL SELECT 'inbox_id', json_object('from', OLD.`inbox_id`, 'to', NEW.`inbox_id`)
        WHERE OLD.`inbox_id` IS NOT NEW.`inbox_id`)))), NEW.`id`, 'conversation:' || NEW.`id`
  FROM `webhook_conversation_json` v WHERE v.`id` = NEW.`id`;
END;
--> statement-breakpoint
CREATE TRIGGER `webhook_conversation_tag_added` AFTER INSERT ON `conversation_tags`
WHEN EXISTS (SELECT 1 FROM `webhook_endpoints` e, json_each(e.`events`) j WHERE e.`enabled` AND j.`value` = 'conversation.updated')
BEGIN
  INSERT INTO `webhook_events` (`uid`, `type`, `data`, `conversation_id`, `order_key`)
  SELECT 'msg_' || lower(hex(randomblob(12))), 'conversation.updated',
    json_set(v.`data`, '$.changes', json_object('tags', json_object('added', (SELECT `name` FROM `tags` WHERE `id` = NEW.`tag_id`)))),
    NEW.`conversation_id`, 'conversation:' || NEW.`conversation_id`
  FROM `webhook_conversation_json` v WHERE v.`id` = NEW.`conversation_id`;
END;
--> statement-breakpoint
-- When the conversation itself is deleted its tags go by cascade: the view finds no conversation and nothing is sent.
CREATE TRIGGER `webhook_conversation_tag_removed` AFTER DELETE ON `conversation_tags`
WHEN EXISTS (SELECT 1 FROM `webhook_endpoints` e, json_each(e.`events`) j WHERE e.`enabled` AND j.`value` = 'conversation.updated')
BEGIN
  INSERT INTO `webhook_events` (`uid`, `type`, `data`, `conversation_id`, `order_key`)
  SELECT 'msg_' || lower(hex(randomblob(12))), 'conversation.updated',
    json_set(v.`data`, '$.changes', json_object('tags', json_object('removed', (SELECT `name` FROM `tags` WHERE `id` = OLD.`tag_id`)))),
    OLD.`conversation_id`, 'conversation:' || OLD.`conversation_id`
  FROM `webhook_conversation_json` v WHERE v.`id` = OLD.`conversation_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `webhook_message_created` AFTER INSERT ON `messages`
WHEN NEW.`reaction_to_id` IS NULL AND EXISTS (SELECT 1 FROM `webhook_endpoints` e, json_each(e.`events`) j WHERE e.`enabled` AND j.`value` = 'message.created')
BEGIN
  INSERT INTO `webhook_events` (`uid`, `type`, `data`, `conversation_id`, `order_key`)
  SELECT 'msg_' || lower(hex(randomblob(12))), 'message.created', v.`data`, NEW.`conversation_id`,
    'conversation:' || NEW.`conversation_id`
  FROM `webhook_message_json` v WHERE v.`id` = NEW.`id`;
END;
--> statement-breakpoint
CREATE TRIGGER `webhook_message_updated` AFTER UPDATE OF `status` ON `messages`
WHEN OLD.`status` IS NOT NEW.`status` AND NEW.`status` IN ('sent', 'delivered', 'read', 'played', 'failed', 'expired')
  AND NEW.`reaction_to_id` IS NULL AND EXISTS (SELECT 1 FROM `webhook_endpoints` e, json_each(e.`events`) j WHERE e.`enabled` AND j.`value` = 'message.updated')
BEGIN
  INSERT INTO `webhook_events` (`uid`, `type`, `data`, `conversation_id`, `order_key`)
  SELECT 'msg_' || lower(hex(randomblob(12))), 'message.updated',
    json_set(v.`data`, '$.previous_status', OLD.`status`), NEW.`conversation_id`, 'conversation:' || NEW.`conversation_id`
  FROM `webhook_message_json` v WHERE v.`id` = NEW.`id`;
END;
--> statement-breakpoint
CREATE TRIGGER `webhook_contact_created` AFTER INSERT ON `contacts`
WHEN NEW.`book` = 0 AND EXISTS (SELECT 1 FROM `webhook_endpoints` e, json_each(e.`events`) j WHERE e.`enabled` AND j.`value` = 'contact.created')
BEGIN
  INSERT INTO `webhook_events` (`uid`, `type`, `data`, `order_key`)
  SELECT 'msg_' || lower(hex(randomblob(12))), 'contact.created', v.`data`, 'contact:' || NEW.`id`
  FROM `webhook_contact_json` v WHERE v.`id` = NEW.`id`;
END;
--> statement-breakpoint
-- A contact's changes (its fields, each phone added or removed) are folded into its newest created/updated event while
-- no endpoint has been sent that event yet: creating a contact with its phones is one contact.created carrying them,
-- and an edit that replaces every phone is one contact.updated. Otherwise a new contact.updated is written.
CREATE VIEW `webhook_contact_pending` AS
SELECT e.`id` AS `event_id` FROM `webhook_events` e
WHERE e.`order_key` LIKE 'contact:%'
  AND e.`id` = (SELECT max(`id`) FROM `webhook_events` WHERE `order_key` = e.`order_key`)
  AND e.`type` IN ('contact.created', 'contact.updated')
  AND EXISTS (SELECT 1 FROM `webhook_deliveries` d WHERE d.`event_id` = e.`id`)
  AND NOT EXISTS (SELECT 1 FROM `webhook_deliveries` d WHERE d.`event_id` = e.`id` AND d.`attempts` > 0);
--> statement-breakpoint
CREATE TRIGGER `webhook_contact_updated` AFTER UPDATE OF `name`, `email`, `company`, `whatsapp_id` ON `contacts`
WHEN NEW.`book` = 0 AND (OLD.`name` IS NOT NEW.`name` OR OLD.`email` IS NOT NEW.`email`
  OR OLD.`company` IS NOT NEW.`company` OR OLD.`whatsapp_id` IS NOT NEW.`whatsapp_id`)
  AND EXISTS (SELECT 1 FROM `webhook_endpoints` e, json_each(e.`events`) j WHERE e.`enabled` AND j.`value` IN ('contact.created', 'contact.updated'))
BEGIN
  INSERT INTO `webhook_events` (`uid`, `type`, `data`, `order_key`)
  SELECT 'msg_' || lower(hex(randomblob(12))), 'contact.updated', v.`data`, 'contact:' || NEW.`id`
  FROM `webhook_contact_json` v WHERE v.`id` = NEW.`id`
    AND EXISTS (SELECT 1 FROM `webhook_endpoints` e, json_each(e.`events`) j WHERE e.`enabled` AND j.`value` = 'contact.updated')
    AND NOT EXISTS (SELECT 1 FROM `webhook_contact_pending` p WHERE p.`event_id` =
      (SELECT max(`id`) FROM `webhook_events` WHERE `order_key` = 'contact:' || NEW.`id`));
  UPDATE `webhook_events` SET `data` = (SELECT `data` FROM `webhook_contact_json` WHERE `id` = NEW.`id`)
  WHERE `id` = (SELECT max(`id`) FROM `webhook_events` WHERE `order_key` = 'contact:' || NEW.`id`)
    AND `id` IN (SELECT `event_id` FROM `webhook_contact_pending`);
END;
--> statement-breakpoint
CREATE TRIGGER `webhook_contact_phone_added` AFTER INSERT ON `contact_phones`
WHEN NEW.`book` = 0 AND EXISTS (SELECT 1 FROM `webhook_endpoints` e, json_each(e.`events`) j WHERE e.`enabled` AND j.`value` IN ('contact.created', 'contact.updated'))
BEGIN
  INSERT INTO `webhook_events` (`uid`, `type`, `data`, `order_key`)
  SELECT 'msg_' || lower(hex(randomblob(12))), 'contact.updated', v.`data`, 'contact:' || NEW.`contact_id`
  FROM `webhook_contact_json` v WHERE v.`id` = NEW.`contact_id`
    AND EXISTS (SELECT 1 FROM `webhook_endpoints` e, json_each(e.`events`) j WHERE e.`enabled` AND j.`value` = 'contact.updated')
    AND NOT EXISTS (SELECT 1 FROM `webhook_contact_pending` p WHERE p.`event_id` =
      (SELECT max(`id`) FROM `webhook_events` WHERE `order_key` = 'contact:' || NEW.`contact_id`));
  UPDATE `webhook_events` SET `data` = (SELECT `data` FROM `webhook_contact_json` WHERE `id` = NEW.`contact_id`)
  WHERE `id` = (SELECT max(`id`) FROM `webhook_events` WHERE `order_key` = 'contact:' || NEW.`contact_id`)
    AND `id` IN (SELECT `event_id` FROM `webhook_contact_pending`);
END;
--> statement-breakpoint
-- A phone that goes with its contact (deleted by cascade) sends nothing: the view finds no contact.
CREATE TRIGGER `webhook_contact_phone_removed` AFTER DELETE ON `contact_phones`
WHEN OLD.`book` = 0 AND EXISTS (SELECT 1 FROM `webhook_endpoints` e, json_each(e.`events`) j WHERE e.`enabled` AND j.`value` IN ('contact.created', 'contact.updated'))
BEGIN
  INSERT INTO `webhook_events` (`uid`, `type`, `data`, `order_key`)
  SELECT 'msg_' || lower(hex(randomblob(12))), 'contact.updated', v.`data`, 'contact:' || OLD.`contact_id`
  FROM `webhook_contact_json` v WHERE v.`id` = OLD.`contact_id`
    AND EXISTS (SELECT 1 FROM `webhook_endpoints` e, json_each(e.`events`) j WHERE e.`enabled` AND j.`value` = 'contact.updated')
    AND NOT EXISTS (SELECT 1 FROM `webhook_contact_pending` p WHERE p.`event_id` =
      (SELECT max(`id`) FROM `webhook_events` WHERE `order_key` = 'contact:' || OLD.`contact_id`));
  UPDATE `webhook_events` SET `data` = (SELECT `data` FROM `webhook_contact_json` WHERE `id` = OLD.`contact_id`)
  WHERE `id` = (SELECT max(`id`) FROM `webhook_events` WHERE `order_key` = 'contact:' || OLD.`contact_id`)
    AND `id` IN (SELECT `event_id` FROM `webhook_contact_pending`);
END;
--> statement-breakpoint
-- Opt-outs are per phone and business number; `contact` is the team's contact with that phone, when there is one.
CREATE TRIGGER `webhook_contact_opted_out` AFTER INSERT ON `opt_outs`
WHEN EXISTS (SELECT 1 FROM `webhook_endpoints` e, json_each(e.`events`) j WHERE e.`enabled` AND j.`value` = 'contact.opted_out')
BEGIN
  INSERT INTO `webhook_events` (`uid`, `type`, `data`, `order_key`)
  SELECT 'msg_' || lower(hex(randomblob(12))), 'contact.opted_out', json_object(
      'phone', NEW.`phone`, 'number', n.`e164`, 'number_id', n.`id`, 'inbox_id', n.`inbox_id`, 'source', NEW.`source`,
      'by_user_id', NEW.`by_user_id`, 'at', strftime('%Y-%m-%dT%H:%M:%fZ', NEW.`at` / 1000.0, 'unixepoch'),
      'contact', json(v.`data`)),
    coalesce('contact:' || v.`id`, 'phone:' || NEW.`phone`)
  FROM `numbers` n JOIN `inboxes` i ON i.`id` = n.`inbox_id` AND i.`owner_user_id` IS NULL
  LEFT JOIN `contact_phones` cp ON cp.`book` = 0 AND cp.`phone` = NEW.`phone`
  LEFT JOIN `webhook_contact_json` v ON v.`id` = cp.`contact_id`
  WHERE n.`id` = NEW.`number_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `webhook_contact_opted_in` AFTER DELETE ON `opt_outs`
WHEN EXISTS (SELECT 1 FROM `webhook_endpoints` e, json_each(e.`events`) j WHERE e.`enabled` AND j.`value` = 'contact.opted_in')
BEGIN
  INSERT INTO `webhook_events` (`uid`, `type`, `data`, `order_key`)
  SELECT 'msg_' || lower(hex(randomblob(12))), 'contact.opted_in', json_object(
      'phone', OLD.`phone`, 'number', n.`e164`, 'number_id', n.`id`, 'inbox_id', n.`inbox_id`,
      'at', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'contact', json(v.`data`)),
    coalesce('contact:' || v.`id`, 'phone:' || OLD.`phone`)
  FROM `numbers` n JOIN `inboxes` i ON i.`id` = n.`inbox_id` AND i.`owner_user_id` IS NULL
  LEFT JOIN `contact_phones` cp ON cp.`book` = 0 AND cp.`phone` = OLD.`phone`
  LEFT JOIN `webhook_contact_json` v ON v.`id` = cp.`contact_id`
  WHERE n.`id` = OLD.`number_id`;
END;
