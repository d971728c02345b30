import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { chats } from './chats.ts';
import { conversations } from './conversations.ts';
import { users } from './users.ts';

export const notificationKinds = ['new_conversation', 'assigned', 'mention', 'direct'] as const;
export type NotificationKind = (typeof notificationKinds)[number];

/** Something a person should hear about: shown as a toast (and a browser notification, if they want) and kept to read later. */
export const notifications = sqliteTable(
  'notifications',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: notificationKinds }).notNull(),
    actorId: integer('actor_id').references(() => users.id, { onDelete: 'set null' }),
    conversationId: integer('conversation_id').references(() => conversations.id, { onDelete: 'cascade' }),
    chatId: integer('chat_id').references(() => chats.id, { onDelete: 'cascade' }),
    /** The first words of the message or note, as plain text. */
    excerpt: text('excerpt').notNull().default(''),
    createdAt: integer('created_at').notNull(),
    readAt: integer('read_at'),
  },
  (t) => [index('notifications_user_idx').on(t.userId, t.id)],
);
