import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { conversations } from './conversations.ts';
import { users } from './users.ts';

/** A private note on a customer conversation: on the timeline for the team, never sent to the customer. */
export const conversationNotes = sqliteTable(
  'conversation_notes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    conversationId: integer('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    authorId: integer('author_id').references(() => users.id, { onDelete: 'set null' }),
    body: text('body').notNull(),
    createdAt: integer('created_at').notNull(),
    editedAt: integer('edited_at'),
    deletedAt: integer('deleted_at'),
  },
  (t) => [index('conversation_notes_conversation_idx').on(t.conversationId, t.createdAt)],
);
