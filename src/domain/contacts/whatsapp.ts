import { and, eq } from 'drizzle-orm';
import { contactPhones, contacts } from '../../db/schema/contacts.ts';
import type { Tx } from '../context.ts';
import { bookOf } from './book.ts';

/**
 * The contact of a WhatsApp sender in the inbox's book, found by their business-scoped user id or their number,
 * or made (named after their profile). A number that appears for an id already known joins that contact: the
 * id's contact takes the number (from whichever contact had it), so both point to one contact.
 */
export function contactForWhatsApp(
  tx: Pick<Tx, 'select' | 'insert' | 'update'>,
  inbox: { id: number; owner: number | null },
  sender: { phone: string | null; whatsappId: string },
  profileName: string | null,
): number {
  const book = bookOf(inbox.owner);
  const byId = tx
    .select({ id: contacts.id })
    .from(contacts)
    .where(and(eq(contacts.book, book), eq(contacts.whatsappId, sender.whatsappId)))
    .get()?.id;
  const byPhone =
    sender.phone === null
      ? undefined
      : tx
          .select({ id: contactPhones.contactId })
          .from(contactPhones)
          .where(and(eq(contactPhones.book, book), eq(contactPhones.phone, sender.phone)))
          .get()?.id;
  if (byId !== undefined) {
    if (sender.phone !== null && byPhone !== byId) {
      if (byPhone === undefined) tx.insert(contactPhones).values({ book, phone: sender.phone, contactId: byId }).run();
      else
        tx.update(contactPhones)
          .set({ contactId: byId })
          .where(and(eq(contactPhones.book, book), eq(contactPhones.phone, sender.phone)))
          .run();
    }
    return byId;
  }
  if (byPhone !== undefined) {
    tx.update(contacts).set({ whatsappId: sender.whatsappId }).where(eq(contacts.id, byPhone)).run();
    return byPhone;
  }
  const id = tx
    .insert(contacts)
    // Lists and headers show the name, else the number: without either, the id is all there is to show.
    .values({
      book,
      name: profileName ?? (sender.phone === null ? sender.whatsappId : null),
      whatsappId: sender.whatsappId,
      originInboxId: inbox.id,
    })
    .returning({ id: contacts.id })
    .get().id;
  if (sender.phone !== null) tx.insert(contactPhones).values({ book, phone: sender.phone, contactId: id }).run();
  return id;
}
