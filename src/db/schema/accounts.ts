import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { users } from './users.ts';

/**
 * One-time password-reset links an admin hands over. `id` is the SHA-256 of the link's token (the token itself is
 * never stored); one per user, so a new link voids the old.
 */
export const passwordResets = sqliteTable('password_resets', {
  id: text('id').primaryKey(),
  userId: integer('user_id')
    .notNull()
    .unique()
    .references(() => users.id, { onDelete: 'cascade' }),
  expiresAt: integer('expires_at').notNull(),
  /** Kept after use, so a used link answers "already used" (410) rather than "unknown" (404). */
  usedAt: integer('used_at'),
});

/** A user's TOTP secret (RFC 6238, base32). Until `confirmedAt` it is an enrolment in progress and not asked for at sign-in. */
export const totpSecrets = sqliteTable('totp_secrets', {
  userId: integer('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  secret: text('secret').notNull(),
  confirmedAt: integer('confirmed_at'),
  /** The newest time step a code was accepted for: a code is never accepted twice, nor an older one. */
  lastCounter: integer('last_counter').notNull().default(0),
});

/** One-time recovery codes, only their SHA-256 stored; a used one is deleted. */
export const recoveryCodes = sqliteTable(
  'recovery_codes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
  },
  (t) => [index('recovery_codes_user_idx').on(t.userId, t.codeHash)],
);

/**
 * A sign-in whose password was right and whose second factor is still to come. `id` is the SHA-256 of the token in
 * the browser's `sb_pending` cookie; no session exists until the code passes.
 */
export const pendingSignIns = sqliteTable(
  'pending_sign_ins',
  {
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    next: text('next').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('pending_sign_ins_expires_idx').on(t.expiresAt)],
);
