import { and, eq } from 'drizzle-orm';
import { contactPhones, contacts } from '../../db/schema/contacts.ts';
import type { Tx } from '../context.ts';

/**
 * Contacts are split by address book: the team's, for the shared inboxes, and one personal book per person, for
 * their personal inbox (keyed by their user id). A number has at most one contact in each book, so what is
 * written about a customer in a personal inbox never reaches a shared one, nor the other way round.
 */
export const TEAM_BOOK = 0;

/** The book of an inbox's contacts: its owner's for a personal inbox (`owner` set), the team's for a shared one. */
export const bookOf = (owner: number | null): number => owner ?? TEAM_BOOK;

/** Whether someone may read a book's contacts at all: a personal book is its owner's alone, admins included. */
export const bookReadableBy = (book: number, userId: number): boolean => book === TEAM_BOOK || book === userId;

/** The contact of this number in the inbox's book, if it has one (at most one). */
export function existingContact(tx: Pick<Tx, 'select'>, inbox: { owner: number | null }, phone: string): number | null {
  const found = tx
    .select({ id: contactPhones.contactId })
    .from(contactPhones)
    .where(and(eq(contactPhones.book, bookOf(inbox.owner)), eq(contactPhones.phone, phone)))
    .get();
  return found?.id ?? null;
}

/** The contact of this number in the inbox's book (at most one); none: a new one that first appeared there, named `name` (null: "unknown number"). */
export function contactFor(
  tx: Pick<Tx, 'select' | 'insert'>,
  inbox: { id: number; owner: number | null },
  phone: string,
  name: string | null = null,
): number {
  const found = existingContact(tx, inbox, phone);
  if (found !== null) return found;
  const book = bookOf(inbox.owner);
  const id = tx
    .insert(contacts)
    .values({ book, name, originInboxId: inbox.id })
    .returning({ id: contacts.id })
    .get().id;
  tx.insert(contactPhones).values({ book, phone, contactId: id }).run();
  return id;
}
