import { sql } from 'drizzle-orm';
import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const roles = ['admin', 'manager', 'agent'] as const;
export type Role = (typeof roles)[number];

export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  role: text('role', { enum: roles }).notNull(),
  passwordHash: text('password_hash').notNull(),
  locale: text('locale', { enum: ['en', 'de'] }),
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
  /** Display preference: leave tags out of conversation lists. */
  hideTags: integer('hide_tags', { mode: 'boolean' }).notNull().default(false),
  createdAt: integer('created_at').notNull().default(sql`(unixepoch('subsec') * 1000)`),
});

/** The emoji a user picked lately, offered first in the picker. */
export const recentEmoji = sqliteTable(
  'recent_emoji',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    emoji: text('emoji').notNull(),
    usedAt: integer('used_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.emoji] })],
);
