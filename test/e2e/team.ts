/**
 * A team for one browser test: one browser, one server (US numbers), the people the test names from its cast, and
 * shared inboxes with a number each and their members. The workflow and canned-reply tests start from it.
 */
import type { TestContext } from 'node:test';
import { updateContact } from '../../src/domain/contacts/service.ts';
import { buildInbox, buildNumber, buildUser, SETUP, type User } from '../factories.ts';
import { browserFor, serverFor, type Server } from './browser.ts';

/** Who may take part in a file's tests, by key; only those a test names are created (each account costs a password hash). */
export type Cast<P extends string> = Record<P, { role: User['role']; name: string }>;

export async function team<P extends string, const W extends P>(
  t: TestContext,
  cast: Cast<P>,
  who: W[],
  inboxes: { name: string; number: string; members: NoInfer<P>[] }[],
) {
  const browser = await browserFor(t);
  const s = await serverFor(t, { contacts: { default_country: 'US' } });
  const created = await Promise.all(who.map(async (key) => [key as P, await buildUser(s, cast[key])] as const));
  const users = Object.fromEntries(created) as Record<W, User>;
  const inboxIds = inboxes.map(({ name, number, members }) => {
    const inbox = buildInbox(s, { name, members: created.filter(([key]) => members.includes(key)).map(([, u]) => u) });
    buildNumber(s, { e164: number, inbox });
    return inbox.id;
  });
  // Unread counts start when a user joined: texts must come strictly later than the accounts.
  await new Promise((resolve) => setTimeout(resolve, 5));
  return { browser, s, users, inboxIds };
}

/** Gives the contact behind a conversation a name (keeping its number). */
export function nameContact(s: Server, conversationId: number, name: string): void {
  const { contact_id, phone } = s.sqlite
    .prepare('SELECT contact_id, phone FROM conversations WHERE id = ?')
    .get(conversationId) as { contact_id: number; phone: string };
  updateContact(s.app.domain, SETUP, contact_id, { name, phones: phone }, 'US');
}
