import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { inboxes } from './inboxes.ts';
import { users } from './users.ts';

/**
 * Canned replies: shared ones belong to an inbox (managers keep them, members use them); personal quick
 * replies belong to one user. Exactly one of the two owners is set.
 */
export const cannedReplies = sqliteTable(
  'canned_replies',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    inboxId: integer('inbox_id').references(() => inboxes.id, { onDelete: 'cascade' }),
    ownerUserId: integer('owner_user_id').references(() => users.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    /** Typed as `/keyword` in the composer; unique within its inbox or owner, regardless of case. */
    keyword: text('keyword').notNull(),
    body: text('body').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    check('canned_replies_one_owner', sql`(${t.inboxId} IS NULL) <> (${t.ownerUserId} IS NULL)`),
    uniqueIndex('canned_replies_inbox_keyword_idx')
      .on(t.inboxId, sql`lower(${t.keyword})`)
      .where(sql`${t.inboxId} IS NOT NULL`),
    uniqueIndex('canned_replies_owner_keyword_idx')
      .on(t.ownerUserId, sql`lower(${t.keyword})`)
      .where(sql`${t.ownerUserId} IS NOT NULL`),
    index('canned_replies_owner_idx').on(t.ownerUserId),
  ],
);
