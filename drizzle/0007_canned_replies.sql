CREATE TABLE `canned_replies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`inbox_id` integer,
	`owner_user_id` integer,
	`title` text NOT NULL,
	`keyword` text NOT NULL,
	`body` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`inbox_id`) REFERENCES `inboxes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`owner_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "canned_replies_one_owner" CHECK(("canned_replies"."inbox_id" IS NULL) <> ("canned_replies"."owner_user_id" IS NULL))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `canned_replies_inbox_keyword_idx` ON `canned_replies` (`inbox_id`,lower("keyword")) WHERE "canned_replies"."inbox_id" IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `canned_replies_owner_keyword_idx` ON `canned_replies` (`owner_user_id`,lower("keyword")) WHERE "canned_replies"."owner_user_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `canned_replies_owner_idx` ON `canned_replies` (`owner_user_id`);