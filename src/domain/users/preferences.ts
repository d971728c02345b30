import { and, eq } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { chats } from '../../db/schema/chats.ts';
import { contacts } from '../../db/schema/contacts.ts';
import { conversations } from '../../db/schema/conversations.ts';
import { inboxes } from '../../db/schema/inboxes.ts';
import { notificationKinds, notifications, type NotificationKind } from '../../db/schema/notifications.ts';
import { users, type NotificationPrefs } from '../../db/schema/users.ts';
import { chatVisibleTo } from '../chats/access.ts';
import type { Actor, DomainContext } from '../context.ts';
import { invalid, notFound } from '../errors.ts';
import { conversationReadableBy } from '../inboxes/access.ts';

/** How a notification reaches the person besides the in-page toast, which always shows. */
export interface Channels {
  browser: boolean;
  sound: boolean;
}
export type Preferences = Record<NotificationKind, Channels>;

/**
 * What nobody chose yet: a browser notification for what is addressed to me (assigned, mention, direct
 * message), none for every new conversation of my inboxes (a busy inbox would never stop); no sound.
 */
export const DEFAULT_PREFERENCES: Preferences = {
  new_conversation: { browser: false, sound: false },
  assigned: { browser: true, sound: false },
  mention: { browser: true, sound: false },
  direct: { browser: true, sound: false },
};

/** The stored choices over the defaults (a missing or garbled entry takes the default). */
export function effectivePreferences(stored: NotificationPrefs | null | undefined): Preferences {
  const out = {} as Preferences;
  for (const kind of notificationKinds) {
    const mine = stored?.[kind];
    const base = DEFAULT_PREFERENCES[kind];
    out[kind] = {
      browser: typeof mine?.browser === 'boolean' ? mine.browser : base.browser,
      sound: typeof mine?.sound === 'boolean' ? mine.sound : base.sound,
    };
  }
  return out;
}

export function preferencesOf({ db }: DomainContext, actor: Actor): Preferences {
  const row = db.select({ prefs: users.notificationPrefs }).from(users).where(eq(users.id, actor.id)).get();
  if (!row) throw notFound();
  return effectivePreferences(row.prefs);
}

/** A form's checkbox: ticked ('1' or true) or not (missing, '' or false); anything else is refused by name. */
function flag(raw: unknown, field: string): boolean {
  if (raw === true || raw === '1') return true;
  if (raw === false || raw === undefined || raw === null || raw === '') return false;
  throw invalid('personal.choice_invalid', field);
}

/** Every event's two choices at once (the whole form), in one write. Field names: `<event>.browser`, `<event>.sound`. */
export function setPreferences(
  ctx: DomainContext,
  actor: Actor,
  input: Partial<Record<NotificationKind, { browser?: unknown; sound?: unknown }>>,
): Preferences {
  const prefs = {} as Preferences;
  for (const kind of notificationKinds) {
    prefs[kind] = { browser: flag(input[kind]?.browser, `${kind}.browser`), sound: flag(input[kind]?.sound, `${kind}.sound`) };
  }
  const saved = ctx.db.transaction((tx) =>
    tx.update(users).set({ notificationPrefs: prefs }).where(eq(users.id, actor.id)).returning({ id: users.id }).get(),
  );
  if (!saved) throw notFound();
  // Toasts read the choices when they are shown: nothing to push.
  return prefs;
}

/** One notification as a toast shows it: what happened, where it leads, and how else to tell (the person's choices). */
export interface Toast {
  id: number;
  kind: NotificationKind;
  /** Who did it; null when nobody did (the rotation assigned it) or the account is gone. */
  actorName: string | null;
  excerpt: string;
  href: string;
  /** The customer as the team knows them: the contact's name, or the number. */
  conversationLabel: string | null;
  inboxName: string | null;
  chatName: string | null;
  browser: boolean;
  sound: boolean;
}

/**
 * The user's own notification, if it is theirs and what it points at is still theirs to see (a conversation
 * they can read, a chat they are in); otherwise undefined, and no toast is shown.
 */
export function toastFor(ctx: DomainContext, actor: Actor, notificationId: number): Toast | undefined {
  const by = alias(users, 'by');
  const n = ctx.db
    .select({
      id: notifications.id,
      kind: notifications.kind,
      actorName: by.name,
      excerpt: notifications.excerpt,
      conversationId: notifications.conversationId,
      chatId: notifications.chatId,
      prefs: users.notificationPrefs,
    })
    .from(notifications)
    .innerJoin(users, eq(users.id, notifications.userId))
    .leftJoin(by, eq(by.id, notifications.actorId))
    .where(and(eq(notifications.id, notificationId), eq(notifications.userId, actor.id)))
    .get();
  if (!n) return undefined;
  let conversationLabel: string | null = null;
  let inboxName: string | null = null;
  let chatName: string | null = null;
  let href: string;
  if (n.conversationId !== null) {
    const c = ctx.db
      .select({ name: contacts.name, phone: conversations.phone, inbox: inboxes.name })
      .from(conversations)
      .innerJoin(inboxes, eq(inboxes.id, conversations.inboxId))
      .innerJoin(contacts, eq(contacts.id, conversations.contactId))
      .where(and(eq(conversations.id, n.conversationId), conversationReadableBy(actor)))
      .get();
    if (!c) return undefined;
    conversationLabel = c.name ?? c.phone;
    inboxName = c.inbox;
    href = `/conversations/${n.conversationId}`;
  } else if (n.chatId !== null) {
    const chat = ctx.db
      .select({ name: chats.name })
      .from(chats)
      .where(and(eq(chats.id, n.chatId), chatVisibleTo(actor)))
      .get();
    if (!chat) return undefined;
    chatName = chat.name;
    href = `/chats/${n.chatId}`;
  } else {
    return undefined;
  }
  const channels = effectivePreferences(n.prefs)[n.kind];
  return {
    id: n.id,
    kind: n.kind,
    actorName: n.actorName,
    excerpt: n.excerpt,
    href,
    conversationLabel,
    inboxName,
    chatName,
    browser: channels.browser,
    sound: channels.sound,
  };
}
