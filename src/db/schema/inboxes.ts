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
  /** Round-robin: new conversations go in turn to members in the queue and available. */
  autoAssign: integer('auto_assign', { mode: 'boolean' }).notNull().default(false),
  /** Open conversations an agent may hold before the rotation skips them; null = no cap. */
  maxOpenPerAgent: integer('max_open_per_agent'),
  /** The rotation's clock: bumped at every automatic assignment (stored, so a restart continues fairly). */
  rotationTurn: integer('rotation_turn').notNull().default(0),
  createdAt: integer('created_at')
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`),
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
    /** Logged into this inbox's queue: only then does the rotation assign to them. */
    inQueue: integer('in_queue', { mode: 'boolean' }).notNull().default(true),
    /** The inbox's rotation turn at this member's last automatic assignment; 0 = never (first in line). */
    lastTurn: integer('last_turn').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.inboxId, t.userId] }), index('inbox_members_user_idx').on(t.userId)],
);
