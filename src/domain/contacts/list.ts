import { and, asc, gt } from 'drizzle-orm';
import { contacts } from '../../db/schema/contacts.ts';
import type { Actor, DomainContext } from '../context.ts';
import { contactVisibleTo } from './access.ts';
import { getContact, type Contact } from './service.ts';

/** The contacts the actor may see, by id after `afterId`: `limit + 1` of them (one more, to tell if more follow). */
export function contactsAfter(ctx: DomainContext, actor: Actor, afterId: number, limit: number): Contact[] {
  return ctx.db
    .select({ id: contacts.id })
    .from(contacts)
    .where(and(gt(contacts.id, afterId), contactVisibleTo(actor)))
    .orderBy(asc(contacts.id))
    .limit(limit + 1)
    .all()
    .map((r) => getContact(ctx, actor, r.id));
}
