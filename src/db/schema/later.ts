import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { conversations } from './conversations.ts';
import { users } from './users.ts';

/**
 * A reply written now and sent at `dueAt` through the outbox like any other. While it waits it may be edited or
 * cancelled; when it is sent the row goes (the message is on the timeline). A gate that refuses it at due time
 * (an opt-out meanwhile) leaves it here with `failedKey`, the refusal's translation key, and nothing is sent.
 */
export const scheduledMessages = sqliteTable(
  'scheduled_messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    conversationId: integer('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    authorUserId: integer('author_user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    body: text('body').notNull(),
    dueAt: integer('due_at').notNull(),
    failedKey: text('failed_key'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('scheduled_messages_due_idx').on(t.failedKey, t.dueAt),
    index('scheduled_messages_conversation_idx').on(t.conversationId, t.dueAt),
  ],
);
