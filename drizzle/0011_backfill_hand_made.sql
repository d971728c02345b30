-- Custom migration: contacts without conversations could only have been added by hand; they stay everyone's.
UPDATE `contacts` SET `hand_made` = 1 WHERE NOT EXISTS (SELECT 1 FROM `conversations` WHERE `conversations`.`contact_id` = `contacts`.`id`);
