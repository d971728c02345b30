import { and, eq } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { inList } from '../../db/in-list.ts';
import { chats } from '../../db/schema/chats.ts';
import { contacts } from '../../db/schema/contacts.ts';
import { conversations, messages } from '../../db/schema/conversations.ts';
import { inboxes } from '../../db/schema/inboxes.ts';
import { notificationKinds, notifications, type NotificationKind } from '../../db/schema/notifications.ts';
import { users, type NotificationPrefs } from '../../db/schema/users.ts';
import { chatVisibleTo } from '../chats/access.ts';
import type { Actor, DomainContext } from '../context.ts';
import { invalid, notFound } from '../errors.ts';
import { conversationReadableBy, inboxAudience } from '../inboxes/access.ts';
import { excerptOf } from '../notifications/notify.ts';

/** What a person can be notified of, for the settings form: above the domain nothing reads the schema. */
export { notificationKinds };

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
    prefs[kind] = {
      browser: flag(input[kind]?.browser, `${kind}.browser`),
      sound: flag(input[kind]?.sound, `${kind}.sound`),
    };
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
  /** The notification's id, or `new-<conversation>` for a new conversation's (which has no row): one per toast, the same in every tab. */
  id: number | string;
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
  return toastsFor(ctx, [{ notificationId, userId: actor.id }]).get(notificationId);
}

/**
 * Several users' notifications as toasts (toastFor for each), in a few reads however many there are: a new
 * conversation notifies everyone who sees its inbox at once. Those that are not the named user's, or point at
 * what they may no longer see, are left out.
 */
export function toastsFor(
  ctx: DomainContext,
  wanted: { notificationId: number; userId: number }[],
): Map<number, Toast> {
  const toasts = new Map<number, Toast>();
  if (wanted.length === 0) return toasts;
  const owner = new Map(wanted.map((w) => [w.notificationId, w.userId]));
  const by = alias(users, 'by');
  const rows = ctx.db
    .select({
      id: notifications.id,
      userId: notifications.userId,
      role: users.role,
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
    .where(inList(notifications.id, [...owner.keys()]))
    .all()
    .filter((n) => owner.get(n.id) === n.userId);
  const conversationIds = [...new Set(rows.flatMap((n) => (n.conversationId === null ? [] : [n.conversationId])))];
  const targets = new Map(
    conversationIds.length === 0
      ? []
      : ctx.db
          .select({
            id: conversations.id,
            name: contacts.name,
            phone: conversations.phone,
            inbox: inboxes.name,
            inboxId: conversations.inboxId,
          })
          .from(conversations)
          .innerJoin(inboxes, eq(inboxes.id, conversations.inboxId))
          .innerJoin(contacts, eq(contacts.id, conversations.contactId))
          .where(inList(conversations.id, conversationIds))
          .all()
          .map((c) => [c.id, c]),
  );
  const audiences = new Map<number, Set<number>>();
  /** Whoever sees the inbox reads the conversation; anyone else only through the full rule (a number's history). */
  const readable = (n: (typeof rows)[number], inboxId: number): boolean => {
    let audience = audiences.get(inboxId);
    if (!audience) audiences.set(inboxId, (audience = new Set(inboxAudience(ctx, inboxId))));
    if (audience.has(n.userId)) return true;
    const actor = { id: n.userId, role: n.role };
    return (
      ctx.db
        .select({ id: conversations.id })
        .from(conversations)
        .innerJoin(inboxes, eq(inboxes.id, conversations.inboxId))
        .where(and(eq(conversations.id, n.conversationId!), conversationReadableBy(actor)))
        .get() !== undefined
    );
  };
  for (const n of rows) {
    let target: Pick<Toast, 'href' | 'conversationLabel' | 'inboxName' | 'chatName'>;
    const c = n.conversationId === null ? undefined : targets.get(n.conversationId);
    if (c) {
      if (!readable(n, c.inboxId)) continue;
      target = {
        href: `/conversations/${c.id}`,
        conversationLabel: c.name ?? c.phone,
        inboxName: c.inbox,
        chatName: null,
      };
    } else if (n.chatId !== null) {
      const chat = ctx.db
        .select({ name: chats.name })
        .from(chats)
        .where(and(eq(chats.id, n.chatId), chatVisibleTo({ id: n.userId, role: n.role })))
        .get();
      if (!chat) continue;
      target = { href: `/chats/${n.chatId}`, conversationLabel: null, inboxName: null, chatName: chat.name };
    } else {
      continue;
    }
    const channels = effectivePreferences(n.prefs)[n.kind];
    toasts.set(n.id, {
      id: n.id,
      kind: n.kind,
      actorName: n.actorName,
      excerpt: n.excerpt,
      ...target,
      browser: channels.browser,
      sound: channels.sound,
    });
  }
  return toasts;
}

/**
 * A new conversation's toast for each of `userIds` who may see its inbox now: the customer, the inbox and their
 * first text (`messageId`), with each person's choice of browser notification and sound.
 */
export function welcomeToasts(
  ctx: DomainContext,
  conversationId: number,
  messageId: number,
  userIds: number[],
): Map<number, Toast> {
  const toasts = new Map<number, Toast>();
  const c = ctx.db
    .select({
      name: contacts.name,
      phone: conversations.phone,
      inbox: inboxes.name,
      inboxId: conversations.inboxId,
      text: messages.body,
    })
    .from(conversations)
    .innerJoin(inboxes, eq(inboxes.id, conversations.inboxId))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(messages, and(eq(messages.id, messageId), eq(messages.conversationId, conversations.id)))
    .where(eq(conversations.id, conversationId))
    .get();
  if (!c || userIds.length === 0) return toasts;
  const audience = new Set(inboxAudience(ctx, c.inboxId));
  const seeing = userIds.filter((id) => audience.has(id));
  if (seeing.length === 0) return toasts;
  const excerpt = excerptOf(c.text);
  for (const u of ctx.db
    .select({ id: users.id, prefs: users.notificationPrefs })
    .from(users)
    .where(inList(users.id, seeing))
    .all()) {
    const { browser, sound } = effectivePreferences(u.prefs).new_conversation;
    toasts.set(u.id, {
      id: `new-${conversationId}`,
      kind: 'new_conversation',
      actorName: null,
      excerpt,
      href: `/conversations/${conversationId}`,
      conversationLabel: c.name ?? c.phone,
      inboxName: c.inbox,
      chatName: null,
      browser,
      sound,
    });
  }
  return toasts;
}
