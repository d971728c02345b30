import { sql } from 'drizzle-orm';
import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { Locale } from '../../i18n/languages.ts';

export const roles = ['admin', 'manager', 'agent'] as const;
export type Role = (typeof roles)[number];

export const availabilities = ['available', 'away', 'offline'] as const;
export type Availability = (typeof availabilities)[number];

/** Missing events take the defaults (see domain/users/preferences). */
export type NotificationPrefs = Partial<
  Record<'new_conversation' | 'assigned' | 'mention' | 'direct', { browser: boolean; sound: boolean }>
>;

export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  role: text('role', { enum: roles }).notNull(),
  passwordHash: text('password_hash').notNull(),
  locale: text('locale').$type<Locale>(),
  /** IANA name (`Europe/Berlin`) times and days are shown in; null: the server's (`[server] time_zone`). */
  timeZone: text('time_zone'),
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
  /** Display preference: leave tags out of conversation lists. */
  hideTags: integer('hide_tags', { mode: 'boolean' }).notNull().default(false),
  /** Composer: Enter sends (Shift+Enter starts a new line); otherwise Ctrl/Cmd+Enter sends and Enter starts one. */
  enterSends: integer('enter_sends', { mode: 'boolean' }).notNull().default(false),
  /** A line teammates see beside the name ("Back at 2 pm"). */
  statusMessage: text('status_message').notNull().default(''),
  /** Chosen by the person; set to offline when their last tab closes and back to available when one opens. */
  availability: text('availability', { enum: availabilities }).notNull().default('offline'),
  /** For click-to-call: the desk phone's extension or a number. */
  extension: text('extension').notNull().default(''),
  /** Per event: whether a browser notification and a sound go with the in-page toast. */
  notificationPrefs: text('notification_prefs', { mode: 'json' })
    .$type<NotificationPrefs>()
    .notNull()
    .default(sql`'{}'`),
  /** An admin put the getting-started checklist away (once everything on it was done). */
  gettingStartedDismissed: integer('getting_started_dismissed', { mode: 'boolean' }).notNull().default(false),
  createdAt: integer('created_at')
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`),
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
