import { sql } from 'drizzle-orm';
import { foreignKey, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { inboxes } from './inboxes.ts';
import { numbers } from './numbers.ts';
import { users } from './users.ts';

/**
 * Every contact is in one address book: the team's (`book` 0, for the shared inboxes) or one person's personal
 * book (`book` = their user id, for their personal inbox). A personal book is its owner's alone.
 */
export const contacts = sqliteTable(
  'contacts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    book: integer('book').notNull().default(0),
    /** Null until someone names them: the UI shows the number ("unknown number"). */
    name: text('name'),
    email: text('email'),
    company: text('company'),
    notes: text('notes'),
    /** Added by hand to the address book: the whole team's, whatever conversations it has. */
    handMade: integer('hand_made', { mode: 'boolean' }).notNull().default(false),
    /** Where the contact first appeared (a text, or a number typed in): that inbox keeps seeing them, conversations or not. */
    originInboxId: integer('origin_inbox_id').references(() => inboxes.id, { onDelete: 'set null' }),
    /** WhatsApp's business-scoped user id: how a sender without a number is found again (unique per book). */
    whatsappId: text('whatsapp_id'),
    /** Where the contact lives (IANA name), when someone said: campaign quiet hours use it instead of the number's zones. */
    timeZone: text('time_zone'),
    createdAt: integer('created_at')
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [
    uniqueIndex('contacts_book_idx').on(t.book, t.id),
    uniqueIndex('contacts_book_whatsapp_idx').on(t.book, t.whatsappId),
  ],
);

/**
 * A contact's phone numbers; within a book a number belongs to at most one contact, which is how an inbound text
 * finds its sender. `book` repeats the contact's (the key on both keeps them equal) so that (book, phone) can be
 * the primary key.
 */
export const contactPhones = sqliteTable(
  'contact_phones',
  {
    book: integer('book').notNull(),
    phone: text('phone').notNull(),
    contactId: integer('contact_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.book, t.phone] }),
    foreignKey({ columns: [t.contactId, t.book], foreignColumns: [contacts.id, contacts.book] })
      .onDelete('cascade')
      .onUpdate('cascade'),
    index('contact_phones_contact_idx').on(t.contactId),
  ],
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
