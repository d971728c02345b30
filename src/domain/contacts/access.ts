import { sql, type SQL } from 'drizzle-orm';
import { contacts } from '../../db/schema/contacts.ts';
import { conversations } from '../../db/schema/conversations.ts';
import { inboxes } from '../../db/schema/inboxes.ts';
import type { Actor } from '../context.ts';
import { inboxVisibleTo } from '../inboxes/access.ts';

/**
 * Who may see a contact (a condition on `contacts`): anyone who sees one of their conversations, and
 * everyone for a contact without conversations (an address-book entry added by hand). Someone who only
 * ever texted another team's inbox, or a personal number, stays out of sight — also by guessing an id.
 */
export function contactVisibleTo(actor: Actor): SQL {
  return sql`(NOT EXISTS (SELECT 1 FROM ${conversations} WHERE ${conversations.contactId} = ${contacts.id})
    OR EXISTS (SELECT 1 FROM ${conversations} JOIN ${inboxes} ON ${inboxes.id} = ${conversations.inboxId}
      WHERE ${conversations.contactId} = ${contacts.id} AND ${inboxVisibleTo(actor)}))`;
}
