import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { users } from './users.ts';

/**
 * The server's VAPID key pair (RFC 8292), made at the first push unless the config gives one: one row. Every
 * browser subscription is bound to the public key, so it is kept with the data (and its backups) rather than made
 * again at each start.
 */
export const pushKeys = sqliteTable(
  'push_keys',
  {
    id: integer('id').primaryKey(),
    /** The uncompressed P-256 point (65 bytes), base64url: what browsers subscribe with. */
    publicKey: text('public_key').notNull(),
    /** The private scalar (32 bytes), base64url. */
    privateKey: text('private_key').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [check('push_keys_one_row', sql`${t.id} = 1`)],
);

/** One browser on one device that takes a user's notifications while no tab is open (Web Push, RFC 8030). */
export const pushSubscriptions = sqliteTable(
  'push_subscriptions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The push service's URL for this browser: a capability, so never logged. */
    endpoint: text('endpoint').notNull().unique(),
    /** The browser's P-256 public key and auth secret (base64url) the payload is encrypted for (RFC 8291). */
    p256dh: text('p256dh').notNull(),
    auth: text('auth').notNull(),
    /** Which device it is, for the person (from the browser's User-Agent). */
    label: text('label').notNull().default(''),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('push_subscriptions_user_idx').on(t.userId)],
);
