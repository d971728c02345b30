import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { inboxes } from './inboxes.ts';
import { numbers } from './numbers.ts';
import { users } from './users.ts';

export const contacts = sqliteTable('contacts', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** Null until someone names them: the UI shows the number ("unknown number"). */
  name: text('name'),
  email: text('email'),
  company: text('company'),
  notes: text('notes'),
  /** Added by hand to the address book: the whole team's, whatever conversations it has. */
  handMade: integer('hand_made', { mode: 'boolean' }).notNull().default(false),
  /** Where the contact first appeared (a text, or a number typed in): that inbox keeps seeing them, conversations or not. */
  originInboxId: integer('origin_inbox_id').references(() => inboxes.id, { onDelete: 'set null' }),
  createdAt: integer('created_at').notNull().default(sql`(unixepoch('subsec') * 1000)`),
});

/** A contact's phone numbers; a number belongs to at most one contact, which is how an inbound text finds its sender. */
export const contactPhones = sqliteTable(
  'contact_phones',
  {
    phone: text('phone').primaryKey(),
    contactId: integer('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
  },
  (t) => [index('contact_phones_contact_idx').on(t.contactId)],
);

/** A user's favourite contacts (per user, like pins). */
export const contactFavourites = sqliteTable(
  'contact_favourites',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    contactId: integer('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.userId, t.contactId] })],
);

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
