import { and, eq, isNull, or, type Placeholder, type SQL } from 'drizzle-orm';
import { conversations } from '../../db/schema/conversations.ts';
import { inboxes } from '../../db/schema/inboxes.ts';

/**
 * The conversations that texts between this number and this phone continue (with `inboxes` joined on the
 * conversation's inbox): those in the number's inbox, or moved on to another shared one. One left in a
 * personal inbox when the number joined a shared inbox is history: the customer starts afresh.
 */
export function continuedBy(
  number: { id: number | Placeholder; inboxId: number | Placeholder },
  phone: string | Placeholder,
): SQL {
  return and(
    eq(conversations.numberId, number.id),
    eq(conversations.phone, phone),
    or(eq(conversations.inboxId, number.inboxId), isNull(inboxes.ownerUserId)),
  )!;
}
