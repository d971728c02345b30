import { sql } from 'drizzle-orm';
import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { numbers } from './numbers.ts';
import { users } from './users.ts';

export const contacts = sqliteTable('contacts', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** Null until someone names them: the UI shows the number ("unknown number"). */
  name: text('name'),
  phone: text('phone').unique(),
  createdAt: integer('created_at').notNull().default(sql`(unixepoch('subsec') * 1000)`),
});

/** Opt-out is per phone and business number (the carriers' rule), whichever contact the phone belongs to. */
export const optOuts = sqliteTable(
  'opt_outs',
  {
    phone: text('phone').notNull(),
    numberId: integer('number_id')
      .notNull()
      .references(() => numbers.id, { onDelete: 'cascade' }),
    source: text('source', { enum: ['keyword', 'manual'] }).notNull(),
    byUserId: integer('by_user_id').references(() => users.id, { onDelete: 'set null' }),
    at: integer('at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.phone, t.numberId] })],
);
