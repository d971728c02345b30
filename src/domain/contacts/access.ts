import { sql, type SQL } from 'drizzle-orm';
import { contacts } from '../../db/schema/contacts.ts';
import { conversations } from '../../db/schema/conversations.ts';
import { inboxes } from '../../db/schema/inboxes.ts';
import type { Actor } from '../context.ts';
import { inboxVisibleTo } from '../inboxes/access.ts';

/**
 * Who may see a contact (a condition on `contacts`): anyone who sees one of their conversations or the
 * inbox where they first appeared, and everyone for an address-book entry added by hand. Someone who only ever texted another team's inbox,
 * or a personal number, stays out of sight — also by guessing an id, and also once a conversation is
 * linked away from them.
 */
export function contactVisibleTo(actor: Actor): SQL {
  return sql`(${contacts.handMade} = 1
    OR EXISTS (SELECT 1 FROM ${inboxes} WHERE ${inboxes.id} = ${contacts.originInboxId} AND ${inboxVisibleTo(actor)})
    OR EXISTS (SELECT 1 FROM ${conversations} JOIN ${inboxes} ON ${inboxes.id} = ${conversations.inboxId}
      WHERE ${conversations.contactId} = ${contacts.id} AND ${inboxVisibleTo(actor)}))`;
}
