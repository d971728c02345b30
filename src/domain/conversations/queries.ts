import { and, asc, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { contacts, optOuts } from '../../db/schema/contacts.ts';
import { conversationPins, conversations, type ConversationStatus } from '../../db/schema/conversations.ts';
import { inboxes, inboxMembers } from '../../db/schema/inboxes.ts';
import { numbers } from '../../db/schema/numbers.ts';
import { users } from '../../db/schema/users.ts';
import { isManager, type Actor, type DomainContext } from '../context.ts';
import { bookOf, bookReadableBy } from '../contacts/book.ts';
import { notFound } from '../errors.ts';
import type { MessageKind } from '../messaging/capabilities.ts';
import { optOutAddress } from '../messaging/address.ts';
import { assertCanSeeInbox, canSeeInbox, conversationReadableBy, inboxVisibleTo } from '../inboxes/access.ts';
import { tagsOf } from '../tags/service.ts';

/** The inbox's numbers that carriers will block (10DLC registration not done), for the banner that says what to do. */
export function blockedNumbers(
  ctx: DomainContext,
  actor: Actor,
  inboxId: number,
): { e164: string; registration: string }[] {
  assertCanSeeInbox(ctx, actor, inboxId);
  return ctx.db
    .select({ e164: numbers.e164, registration: numbers.registration })
    .from(numbers)
    .where(and(eq(numbers.inboxId, inboxId), inArray(numbers.registration, ['pending', 'unregistered'])))
    .orderBy(asc(numbers.e164))
    .all();
}

export interface Person {
  id: number;
  name: string;
}

/** A conversation as its header and panel show it: its state and the choices the actor has (the timeline is paged apart: ./timeline.ts). */
export interface ConversationView {
  id: number;
  version: number;
  inboxId: number;
  inboxName: string;
  personal: boolean;
  status: ConversationStatus;
  /** When it comes back, while snoozed. */
  snoozedUntil: number | null;
  contactId: number;
  /** Null when unnamed, and for a number's history to anyone but the personal book's owner. */
  contactName: string | null;
  /** The address book of its contact: the inbox's (./contacts/book.ts). */
  book: number;
  phone: string;
  numberE164: string;
  /** What its messages travel as (the number's kind): the composer counts by its capabilities. */
  numberKind: MessageKind;
  registration: string;
  /** How files reach the customer from this number, and how many and how large they may be. */
  mediaRoute: 'link' | 'mm7';
  maxAttachments: number;
  maxAttachmentBytes: number;
  optedOut: boolean;
  assigneeId: number | null;
  assigneeName: string | null;
  assignmentEnabled: boolean;
  movingEnabled: boolean;
  /** Who it can be assigned to: the inbox's active members. */
  members: Person[];
  /** Whether the actor is one of them (and so may take it). */
  actorIsMember: boolean;
  /** Where it can be moved: shared inboxes the actor works in, other than its own. */
  moveTargets: Person[];
  tags: { id: number; name: string }[];
  pinned: boolean;
  /** Shown as a number's history: readable, but nothing can be done to it from here. */
  history: boolean;
  /** Whether the actor may undo spam. */
  mayUnspam: boolean;
}

/** What a conversation's messages travel as (its number's kind), for someone allowed to read it (404 for anyone else). */
export function messageKindOf(ctx: DomainContext, actor: Actor, conversationId: number): MessageKind {
  const row = ctx.db
    .select({ kind: numbers.kind })
    .from(conversations)
    .innerJoin(inboxes, eq(inboxes.id, conversations.inboxId))
    .innerJoin(numbers, eq(numbers.id, conversations.numberId))
    .where(and(eq(conversations.id, conversationId), conversationReadableBy(actor)))
    .get();
  if (!row) throw notFound();
  return row.kind;
}

/** A conversation's header, for someone allowed to read it (404 for anyone else). */
export function getConversation(ctx: DomainContext, actor: Actor, conversationId: number): ConversationView {
  const assignee = alias(users, 'assignee');
  const head = ctx.db
    .select({
      id: conversations.id,
      version: conversations.version,
      inboxId: conversations.inboxId,
      inboxName: inboxes.name,
      owner: inboxes.ownerUserId,
      assignmentEnabled: inboxes.assignmentEnabled,
      movingEnabled: inboxes.movingEnabled,
      status: conversations.status,
      snoozedUntil: conversations.snoozedUntil,
      contactId: contacts.id,
      contactName: contacts.name,
      phone: conversations.phone,
      whatsappId: conversations.whatsappId,
      numberId: numbers.id,
      numberE164: numbers.e164,
      numberKind: numbers.kind,
      registration: numbers.registration,
      mediaRoute: numbers.mediaRoute,
      maxAttachments: numbers.maxAttachments,
      maxAttachmentBytes: numbers.maxAttachmentBytes,
      assigneeId: conversations.assigneeId,
      assigneeName: assignee.name,
    })
    .from(conversations)
    .innerJoin(inboxes, eq(inboxes.id, conversations.inboxId))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(numbers, eq(numbers.id, conversations.numberId))
    .leftJoin(assignee, eq(assignee.id, conversations.assigneeId))
    .where(and(eq(conversations.id, conversationId), conversationReadableBy(actor)))
    .get();
  if (!head) throw notFound();
  // Read-only: a number's history is shown to the shared inbox, but it stays in the personal inbox.
  const history = !canSeeInbox(ctx, actor, head.inboxId);
  const optedOut =
    ctx.db
      .select({ at: optOuts.at })
      .from(optOuts)
      .where(and(eq(optOuts.phone, optOutAddress(head)), eq(optOuts.numberId, head.numberId)))
      .get() !== undefined;
  const members = ctx.db
    .select({ id: users.id, name: users.name })
    .from(inboxMembers)
    .innerJoin(users, eq(users.id, inboxMembers.userId))
    .where(and(eq(inboxMembers.inboxId, head.inboxId), eq(users.active, true)))
    .orderBy(asc(users.name))
    .all();
  const moveTargets = head.movingEnabled
    ? ctx.db
        .select({ id: inboxes.id, name: inboxes.name })
        .from(inboxes)
        .where(
          and(
            inboxVisibleTo(actor),
            isNull(inboxes.ownerUserId),
            ne(inboxes.id, head.inboxId),
            actor.role === 'admin'
              ? undefined
              : sql`${inboxes.id} IN (SELECT ${inboxMembers.inboxId} FROM ${inboxMembers} WHERE ${inboxMembers.userId} = ${actor.id})`,
          ),
        )
        .orderBy(asc(inboxes.name))
        .all()
    : [];
  const pinned =
    ctx.db
      .select({ p: conversationPins.position })
      .from(conversationPins)
      .where(and(eq(conversationPins.userId, actor.id), eq(conversationPins.conversationId, conversationId)))
      .get() !== undefined;
  const { owner, numberId: _, ...rest } = head;
  const book = bookOf(owner);
  return {
    ...rest,
    // A number's history is read by the shared inbox; the name its owner gave the customer stays theirs.
    contactName: bookReadableBy(book, actor.id) ? head.contactName : null,
    book,
    personal: owner !== null,
    history,
    optedOut,
    members,
    actorIsMember: members.some((m) => m.id === actor.id),
    moveTargets,
    tags: tagsOf(ctx, conversationId),
    pinned,
    mayUnspam: isManager(actor),
  };
}
