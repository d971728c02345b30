import { sql, type SQL } from 'drizzle-orm';
import { contacts } from '../../db/schema/contacts.ts';
import { conversations } from '../../db/schema/conversations.ts';
import { inboxes } from '../../db/schema/inboxes.ts';
import type { Actor } from '../context.ts';
import { inboxVisibleTo } from '../inboxes/access.ts';
import { TEAM_BOOK } from './book.ts';

/**
 * Who may see a contact (a condition on `contacts`). A personal book's contacts: its owner alone. The team's:
 * anyone who sees one of their conversations or the inbox where they first appeared, and everyone for an
 * address-book entry added by hand. Someone who only ever texted another team's inbox stays out of sight — also
 * by guessing an id, and also once a conversation is linked away from them.
 */
export function contactVisibleTo(actor: Actor): SQL {
  return sql`(${contacts.book} = ${actor.id} OR (${contacts.book} = ${TEAM_BOOK} AND (${contacts.handMade} = 1
    OR EXISTS (SELECT 1 FROM ${inboxes} WHERE ${inboxes.id} = ${contacts.originInboxId} AND ${inboxVisibleTo(actor)})
    OR EXISTS (SELECT 1 FROM ${conversations} JOIN ${inboxes} ON ${inboxes.id} = ${conversations.inboxId}
      WHERE ${conversations.contactId} = ${contacts.id} AND ${inboxVisibleTo(actor)}))))`;
}
