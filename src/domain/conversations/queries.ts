import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { contacts, optOuts } from '../../db/schema/contacts.ts';
import { conversationEvents, conversations, messages } from '../../db/schema/conversations.ts';
import { inboxes } from '../../db/schema/inboxes.ts';
import { numbers } from '../../db/schema/numbers.ts';
import { users } from '../../db/schema/users.ts';
import type { Actor, DomainContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { assertCanSeeInbox, inboxVisibleTo } from '../inboxes/access.ts';

export interface ConversationRow {
  id: number;
  contactName: string | null;
  contactPhone: string | null;
  numberE164: string;
  status: 'open' | 'closed' | 'spam';
  lastMessageAt: number;
  preview: string | null;
}

const lastBody = sql<string | null>`(SELECT ${messages.body} FROM ${messages} WHERE ${messages.conversationId} = ${conversations.id} ORDER BY ${messages.id} DESC LIMIT 1)`;

const rowColumns = {
  id: conversations.id,
  contactName: contacts.name,
  contactPhone: contacts.phone,
  numberE164: numbers.e164,
  status: conversations.status,
  lastMessageAt: conversations.lastMessageAt,
  preview: lastBody,
};

function rowsQuery(ctx: DomainContext) {
  return ctx.db
    .select(rowColumns)
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(numbers, eq(numbers.id, conversations.numberId));
}

/** One list row, for a live update (access already checked by who receives the push). */
export function conversationRow(ctx: DomainContext, conversationId: number): ConversationRow | undefined {
  return rowsQuery(ctx).where(eq(conversations.id, conversationId)).get();
}

/** The inbox's numbers that carriers will block (10DLC registration not done), for the banner that says what to do. */
export function blockedNumbers(ctx: DomainContext, actor: Actor, inboxId: number): { e164: string; registration: string }[] {
  assertCanSeeInbox(ctx, actor, inboxId);
  return ctx.db
    .select({ e164: numbers.e164, registration: numbers.registration })
    .from(numbers)
    .where(and(eq(numbers.inboxId, inboxId), inArray(numbers.registration, ['pending', 'unregistered'])))
    .orderBy(asc(numbers.e164))
    .all();
}

/** An inbox's open conversations, newest activity first (issue 4 brings filters and keyset paging). */
export function listOpenConversations(ctx: DomainContext, actor: Actor, inboxId: number, limit = 50): ConversationRow[] {
  assertCanSeeInbox(ctx, actor, inboxId);
  return rowsQuery(ctx)
    .where(and(eq(conversations.inboxId, inboxId), eq(conversations.status, 'open')))
    .orderBy(desc(conversations.lastMessageAt), desc(conversations.id))
    .limit(limit)
    .all();
}

export type TimelineItem =
  | { kind: 'message'; id: number; at: number; direction: 'in' | 'out'; body: string; status: string; author: string | null; errorReason: string | null }
  | { kind: 'event'; id: number; at: number; event: string; actor: string | null };

export interface ConversationView {
  id: number;
  inboxId: number;
  inboxName: string;
  personal: boolean;
  status: 'open' | 'closed' | 'spam';
  contactName: string | null;
  contactPhone: string | null;
  numberE164: string;
  registration: string;
  optedOut: boolean;
  timeline: TimelineItem[];
}

/** A conversation with its timeline, for someone allowed to see its inbox (404 for anyone else). */
export function getConversation(ctx: DomainContext, actor: Actor, conversationId: number): ConversationView {
  const head = ctx.db
    .select({
      id: conversations.id,
      inboxId: conversations.inboxId,
      inboxName: inboxes.name,
      owner: inboxes.ownerUserId,
      status: conversations.status,
      contactName: contacts.name,
      contactPhone: contacts.phone,
      numberId: numbers.id,
      numberE164: numbers.e164,
      registration: numbers.registration,
    })
    .from(conversations)
    .innerJoin(inboxes, eq(inboxes.id, conversations.inboxId))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(numbers, eq(numbers.id, conversations.numberId))
    .where(and(eq(conversations.id, conversationId), inboxVisibleTo(actor)))
    .get();
  if (!head) throw notFound();
  const optedOut =
    head.contactPhone !== null &&
    ctx.db.select({ at: optOuts.at }).from(optOuts).where(and(eq(optOuts.phone, head.contactPhone), eq(optOuts.numberId, head.numberId))).get() !== undefined;
  const { owner, numberId: _, ...rest } = head;
  return { ...rest, personal: owner !== null, optedOut, timeline: timelineOf(ctx, conversationId) };
}

const messageColumns = {
  id: messages.id,
  at: messages.createdAt,
  direction: messages.direction,
  body: messages.body,
  status: messages.status,
  author: users.name,
  errorReason: messages.errorReason,
};
const eventColumns = { id: conversationEvents.id, at: conversationEvents.at, event: conversationEvents.kind, actor: users.name };

export function timelineOf(ctx: DomainContext, conversationId: number): TimelineItem[] {
  const msgs: TimelineItem[] = ctx.db
    .select(messageColumns)
    .from(messages)
    .leftJoin(users, eq(users.id, messages.authorUserId))
    .where(eq(messages.conversationId, conversationId))
    .orderBy(asc(messages.id))
    .all()
    .map((m) => ({ kind: 'message' as const, ...m }));
  const events: TimelineItem[] = ctx.db
    .select(eventColumns)
    .from(conversationEvents)
    .leftJoin(users, eq(users.id, conversationEvents.actorUserId))
    .where(eq(conversationEvents.conversationId, conversationId))
    .all()
    .map((e) => ({ kind: 'event' as const, ...e }));
  return [...msgs, ...events].sort((a, b) => a.at - b.at || (a.kind === b.kind ? a.id - b.id : a.kind === 'message' ? -1 : 1));
}

/** One message of the timeline, for a live update (access already checked by who receives the push). */
export function messageItem(ctx: DomainContext, messageId: number): TimelineItem | undefined {
  const m = ctx.db.select(messageColumns).from(messages).leftJoin(users, eq(users.id, messages.authorUserId)).where(eq(messages.id, messageId)).get();
  return m && { kind: 'message', ...m };
}

/** One event of the timeline, for a live update. */
export function eventItem(ctx: DomainContext, eventId: number): TimelineItem | undefined {
  const e = ctx.db
    .select(eventColumns)
    .from(conversationEvents)
    .leftJoin(users, eq(users.id, conversationEvents.actorUserId))
    .where(eq(conversationEvents.id, eventId))
    .get();
  return e && { kind: 'event', ...e };
}
