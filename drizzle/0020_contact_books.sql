-- Edited by hand: drizzle-kit copied a `book` the old table did not have, and added contacts.book after the key
-- that needs it. Everyone starts in the team's book (0); 0021 moves what belongs to a personal book.
ALTER TABLE `contacts` ADD `book` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `contacts_book_idx` ON `contacts` (`book`,`id`);--> statement-breakpoint
CREATE TABLE `__new_contact_phones` (
	`book` integer NOT NULL,
	`phone` text NOT NULL,
	`contact_id` integer NOT NULL,
	PRIMARY KEY(`book`, `phone`),
	FOREIGN KEY (`contact_id`,`book`) REFERENCES `contacts`(`id`,`book`) ON UPDATE cascade ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_contact_phones`("book", "phone", "contact_id") SELECT 0, "phone", "contact_id" FROM `contact_phones`;--> statement-breakpoint
DROP TABLE `contact_phones`;--> statement-breakpoint
ALTER TABLE `__new_contact_phones` RENAME TO `contact_phones`;--> statement-breakpoint
CREATE INDEX `contact_phones_contact_idx` ON `contact_phones` (`contact_id`);
