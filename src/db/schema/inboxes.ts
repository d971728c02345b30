import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { users } from './users.ts';

/** A shared inbox (owner null) or one user's private inbox for their personal numbers. */
export const inboxes = sqliteTable('inboxes', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  ownerUserId: integer('owner_user_id').references(() => users.id, { onDelete: 'cascade' }),
  /** Assignment mode: a manager switches it off where conversations are simply shared. */
  assignmentEnabled: integer('assignment_enabled', { mode: 'boolean' }).notNull().default(true),
  /** Whether conversations may be moved out of this inbox (an admin decides). */
  movingEnabled: integer('moving_enabled', { mode: 'boolean' }).notNull().default(false),
  createdAt: integer('created_at').notNull().default(sql`(unixepoch('subsec') * 1000)`),
});

export const inboxMembers = sqliteTable(
  'inbox_members',
  {
    inboxId: integer('inbox_id')
      .notNull()
      .references(() => inboxes.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.inboxId, t.userId] }), index('inbox_members_user_idx').on(t.userId)],
);
