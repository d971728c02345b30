import { conversationNotes } from '../../db/schema/notes.ts';
import { attachmentsOf, type AttachmentView } from '../media/attachments.ts';
import { and, asc, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { contacts, optOuts } from '../../db/schema/contacts.ts';
import { conversationEvents, conversationPins, conversations, messages } from '../../db/schema/conversations.ts';
import { inboxes, inboxMembers } from '../../db/schema/inboxes.ts';
import { numbers } from '../../db/schema/numbers.ts';
import { users } from '../../db/schema/users.ts';
import { isManager, type Actor, type DomainContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { assertCanSeeInbox, canSeeInbox, conversationReadableBy, inboxVisibleTo } from '../inboxes/access.ts';
import { tagsOf } from '../tags/service.ts';
import { reactionsOf, type Reaction } from '../emoji/reactions.ts';

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

export type TimelineItem =
  | { kind: 'message'; id: number; at: number; direction: 'in' | 'out'; body: string; status: string; author: string | null; errorReason: string | null; reactions: Reaction[]; files: AttachmentView[] }
  | { kind: 'event'; id: number; at: number; event: string; actor: string | null; data: Record<string, string> | null }
  | { kind: 'note'; id: number; at: number; authorId: number | null; author: string | null; body: string; editedAt: number | null; deleted: boolean };

export interface Person {
  id: number;
  name: string;
}

/** A conversation as its page shows it: the header's state and choices, and the timeline. */
export interface ConversationView {
  id: number;
  version: number;
  inboxId: number;
  inboxName: string;
  personal: boolean;
  status: 'open' | 'closed' | 'spam';
  contactId: number;
  contactName: string | null;
  phone: string;
  numberE164: string;
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
  timeline: TimelineItem[];
}

/** A conversation with its timeline, for someone allowed to see its inbox (404 for anyone else). */
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
      contactId: contacts.id,
      contactName: contacts.name,
      phone: conversations.phone,
      numberId: numbers.id,
      numberE164: numbers.e164,
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
  const optedOut = ctx.db.select({ at: optOuts.at }).from(optOuts).where(and(eq(optOuts.phone, head.phone), eq(optOuts.numberId, head.numberId))).get() !== undefined;
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
        .where(and(inboxVisibleTo(actor), isNull(inboxes.ownerUserId), ne(inboxes.id, head.inboxId), actor.role === 'admin' ? undefined : sql`${inboxes.id} IN (SELECT ${inboxMembers.inboxId} FROM ${inboxMembers} WHERE ${inboxMembers.userId} = ${actor.id})`))
        .orderBy(asc(inboxes.name))
        .all()
    : [];
  const pinned = ctx.db.select({ p: conversationPins.position }).from(conversationPins).where(and(eq(conversationPins.userId, actor.id), eq(conversationPins.conversationId, conversationId))).get() !== undefined;
  const { owner, numberId: _, ...rest } = head;
  return {
    ...rest,
    personal: owner !== null,
    history,
    optedOut,
    members,
    actorIsMember: members.some((m) => m.id === actor.id),
    moveTargets,
    tags: tagsOf(ctx, conversationId),
    pinned,
    mayUnspam: isManager(actor),
    timeline: timelineOf(ctx, conversationId),
  };
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
const eventColumns = { id: conversationEvents.id, at: conversationEvents.at, event: conversationEvents.kind, actor: users.name, data: conversationEvents.data };

export function timelineOf(ctx: DomainContext, conversationId: number): TimelineItem[] {
  const rows = ctx.db
    .select(messageColumns)
    .from(messages)
    .leftJoin(users, eq(users.id, messages.authorUserId))
    .where(eq(messages.conversationId, conversationId))
    .orderBy(asc(messages.id))
    .all();
  const ids = rows.map((m) => m.id);
  const reactions = reactionsOf(ctx, ids);
  const files = attachmentsOf(ctx.db, ids);
  const msgs: TimelineItem[] = rows.map((m) => ({ kind: 'message' as const, ...m, reactions: reactions.get(m.id) ?? [], files: files.get(m.id) ?? [] }));
  const events: TimelineItem[] = ctx.db
    .select(eventColumns)
    .from(conversationEvents)
    .leftJoin(users, eq(users.id, conversationEvents.actorUserId))
    .where(eq(conversationEvents.conversationId, conversationId))
    .all()
    .map((e) => ({ kind: 'event' as const, ...e }));
  const notes: TimelineItem[] = ctx.db
    .select(noteColumns)
    .from(conversationNotes)
    .leftJoin(users, eq(users.id, conversationNotes.authorId))
    .where(eq(conversationNotes.conversationId, conversationId))
    .all()
    .map(noteOf);
  return [...msgs, ...events, ...notes].sort((a, b) => a.at - b.at || (a.kind === b.kind ? a.id - b.id : a.kind === 'message' ? -1 : 1));
}

/** One message of the timeline, for a live update (access already checked by who receives the push). */
export function messageItem(ctx: DomainContext, messageId: number): TimelineItem | undefined {
  const m = ctx.db.select(messageColumns).from(messages).leftJoin(users, eq(users.id, messages.authorUserId)).where(eq(messages.id, messageId)).get();
  return m && { kind: 'message', ...m, reactions: reactionsOf(ctx, [m.id]).get(m.id) ?? [], files: attachmentsOf(ctx.db, [m.id]).get(m.id) ?? [] };
}

const noteColumns = {
  id: conversationNotes.id,
  at: conversationNotes.createdAt,
  authorId: conversationNotes.authorId,
  author: users.name,
  body: conversationNotes.body,
  editedAt: conversationNotes.editedAt,
  deletedAt: conversationNotes.deletedAt,
};
const noteOf = ({ deletedAt, ...n }: { deletedAt: number | null } & Omit<Extract<TimelineItem, { kind: 'note' }>, 'kind' | 'deleted'>): TimelineItem => ({ kind: 'note', ...n, deleted: deletedAt !== null });

/** One private note of the timeline, for a live update. */
export function noteItem(ctx: DomainContext, noteId: number): TimelineItem | undefined {
  const n = ctx.db.select(noteColumns).from(conversationNotes).leftJoin(users, eq(users.id, conversationNotes.authorId)).where(eq(conversationNotes.id, noteId)).get();
  return n && noteOf(n);
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
