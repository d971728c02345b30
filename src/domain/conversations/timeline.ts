import { and, desc, eq, isNull, lt, lte, or, type SQL } from 'drizzle-orm';
import { alias, type SQLiteColumn, type SQLiteSelect } from 'drizzle-orm/sqlite-core';
import { conversationEvents, conversations, messages, type MessageContent } from '../../db/schema/conversations.ts';
import { inboxes } from '../../db/schema/inboxes.ts';
import { numbers } from '../../db/schema/numbers.ts';
import { conversationNotes } from '../../db/schema/notes.ts';
import { users } from '../../db/schema/users.ts';
import type { Actor, DomainContext } from '../context.ts';
import { reactionsOf, type Reaction } from '../emoji/reactions.ts';
import { notFound } from '../errors.ts';
import { conversationReadableBy } from '../inboxes/access.ts';
import { attachmentsOf, type AttachmentView } from '../media/attachments.ts';
import type { MessageKind } from '../messaging/capabilities.ts';
import { customerReactionsOf } from '../messaging/customer-reactions.ts';
import { excerptOf } from '../notifications/notify.ts';

export type TimelineItem =
  | {
      kind: 'message';
      id: number;
      at: number;
      direction: 'in' | 'out';
      body: string;
      status: string;
      /** When the status last moved (sent, delivered, read …). */
      updatedAt: number;
      author: string | null;
      errorCode: string | null;
      errorReason: string | null;
      /** What the conversation's number carries: how codes read, whether quotes and reactions reach the customer. */
      messageKind: MessageKind;
      /** The channel's own id (a customer message with one can be quoted). */
      channelMessageId: string | null;
      reactions: Reaction[];
      files: AttachmentView[];
      /** The message this one quotes (WhatsApp). */
      replyToId: number | null;
      /** An excerpt of the message quoted, and whose it was. */
      quoted: { excerpt: string; direction: 'in' | 'out' } | null;
      /** A shared place, contact cards, the template sent (WhatsApp). */
      content: MessageContent | null;
      /** The customer's reaction to it (WhatsApp). */
      customerReaction: string | null;
    }
  | { kind: 'event'; id: number; at: number; event: string; actor: string | null; data: Record<string, string> | null }
  | {
      kind: 'note';
      id: number;
      at: number;
      authorId: number | null;
      author: string | null;
      body: string;
      editedAt: number | null;
      deleted: boolean;
    };

export type TimelineKind = TimelineItem['kind'];

/** How many items a conversation opens with, and how many each "Show earlier" adds. */
export const TIMELINE_PAGE = 50;

/**
 * The timeline's order: by time; at the same millisecond a message before the events it caused (an opt-out
 * after the STOP), then notes; within a kind by id. A total order, so pages neither repeat nor skip.
 */
const RANK: Record<TimelineKind, number> = { message: 0, event: 1, note: 2 };

/** Where a page ends: its oldest item. The next page is everything before it in timeline order. */
export interface TimelineCursor {
  at: number;
  kind: TimelineKind;
  id: number;
}

export interface TimelinePage {
  /** Oldest first. */
  items: TimelineItem[];
  /** The cursor for the page before this one; null at the conversation's start. */
  earlier: TimelineCursor | null;
}

const newestFirst = (a: TimelineItem, b: TimelineItem): number =>
  b.at - a.at || RANK[b.kind] - RANK[a.kind] || b.id - a.id;

/** A kind's rows that come before the cursor: at its time, the kinds ranked before the cursor's, or its own kind with a smaller id. */
function before(
  at: SQLiteColumn,
  id: SQLiteColumn,
  kind: TimelineKind,
  cursor: TimelineCursor | undefined,
): SQL | undefined {
  if (!cursor) return undefined;
  const rank = RANK[kind];
  const mine = RANK[cursor.kind];
  if (rank < mine) return lte(at, cursor.at);
  if (rank > mine) return lt(at, cursor.at);
  return and(lte(at, cursor.at), or(lt(at, cursor.at), lt(id, cursor.id)));
}

const quotedMessages = alias(messages, 'quoted');
const messageColumns = {
  id: messages.id,
  at: messages.createdAt,
  direction: messages.direction,
  body: messages.body,
  status: messages.status,
  updatedAt: messages.updatedAt,
  author: users.name,
  errorCode: messages.errorCode,
  errorReason: messages.errorReason,
  messageKind: numbers.kind,
  channelMessageId: messages.channelMessageId,
  replyToId: messages.replyToId,
  quotedBody: quotedMessages.body,
  quotedDirection: quotedMessages.direction,
  content: messages.content,
};
/** Messages with their author, their number's kind and the message they quote. */
const selectMessages = (db: DomainContext['db']) =>
  db
    .select(messageColumns)
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .innerJoin(numbers, eq(numbers.id, conversations.numberId))
    .leftJoin(users, eq(users.id, messages.authorUserId))
    .leftJoin(quotedMessages, eq(quotedMessages.id, messages.replyToId))
    .$dynamic();

type MessageRow = Awaited<ReturnType<ReturnType<typeof selectMessages>['all']>>[number];

/** A message row as the timeline draws it (reactions and files filled in later). */
const messageOf = ({ quotedBody, quotedDirection, ...m }: MessageRow): TimelineItem => ({
  kind: 'message',
  ...m,
  quoted:
    quotedBody === null || quotedDirection === null
      ? null
      : { excerpt: excerptOf(quotedBody), direction: quotedDirection },
  reactions: [],
  files: [],
  customerReaction: null,
});
const eventColumns = {
  id: conversationEvents.id,
  at: conversationEvents.at,
  event: conversationEvents.kind,
  actor: users.name,
  data: conversationEvents.data,
};
const noteColumns = {
  id: conversationNotes.id,
  at: conversationNotes.createdAt,
  authorId: conversationNotes.authorId,
  author: users.name,
  body: conversationNotes.body,
  editedAt: conversationNotes.editedAt,
  deletedAt: conversationNotes.deletedAt,
};
type NoteRow = { deletedAt: number | null } & Omit<Extract<TimelineItem, { kind: 'note' }>, 'kind' | 'deleted'>;
const noteOf = ({ deletedAt, ...n }: NoteRow): TimelineItem => ({ kind: 'note', ...n, deleted: deletedAt !== null });

/** Fills in the reactions and files of the messages among `items` (only theirs are loaded). */
function withReactionsAndFiles(ctx: DomainContext, items: TimelineItem[]): TimelineItem[] {
  const ids = items.flatMap((item) => (item.kind === 'message' ? [item.id] : []));
  if (ids.length === 0) return items;
  const reactions = reactionsOf(ctx, ids);
  const files = attachmentsOf(ctx.db, ids);
  const theirs = customerReactionsOf(ctx, ids);
  return items.map((item) =>
    item.kind === 'message'
      ? {
          ...item,
          reactions: reactions.get(item.id) ?? [],
          files: files.get(item.id) ?? [],
          customerReaction: theirs.get(item.id) ?? null,
        }
      : item,
  );
}

/** Throws 404 unless the actor may read the conversation (its inbox, or a number's history they may see). */
export function assertCanReadConversation(ctx: DomainContext, actor: Actor, conversationId: number): void {
  const found = ctx.db
    .select({ id: conversations.id })
    .from(conversations)
    .innerJoin(inboxes, eq(inboxes.id, conversations.inboxId))
    .where(and(eq(conversations.id, conversationId), conversationReadableBy(actor)))
    .get();
  if (!found) throw notFound();
}

/**
 * A page of a conversation's timeline — messages, events and notes merged in timeline order: the newest
 * `size` items, or those before `cursor`. Each kind is read newest first from its (conversation, time)
 * index, one more than the page holds (to tell whether anything is left), so a page costs the same
 * however long the conversation is; only the messages shown load their reactions and files.
 */
export function timelinePage(
  ctx: DomainContext,
  actor: Actor,
  conversationId: number,
  cursor?: TimelineCursor,
  size = TIMELINE_PAGE,
): TimelinePage {
  assertCanReadConversation(ctx, actor, conversationId);
  const take = size + 1;
  /** One kind's newest `take` rows of the conversation before the cursor, newest first. */
  const newest = <Q extends SQLiteSelect>(
    query: Q,
    of: SQLiteColumn,
    at: SQLiteColumn,
    id: SQLiteColumn,
    kind: TimelineKind,
  ) =>
    query
      // An agent's reaction queued for WhatsApp is a row of `messages` for the outbox, never a bubble.
      .where(
        and(
          eq(of, conversationId),
          before(at, id, kind, cursor),
          kind === 'message' ? isNull(messages.reactionToId) : undefined,
        ),
      )
      .orderBy(desc(at), desc(id))
      .limit(take);
  const msgs = newest(
    selectMessages(ctx.db),
    messages.conversationId,
    messages.createdAt,
    messages.id,
    'message',
  ).all();
  const events = newest(
    ctx.db
      .select(eventColumns)
      .from(conversationEvents)
      .leftJoin(users, eq(users.id, conversationEvents.actorUserId))
      .$dynamic(),
    conversationEvents.conversationId,
    conversationEvents.at,
    conversationEvents.id,
    'event',
  ).all();
  const notes = newest(
    ctx.db
      .select(noteColumns)
      .from(conversationNotes)
      .leftJoin(users, eq(users.id, conversationNotes.authorId))
      .$dynamic(),
    conversationNotes.conversationId,
    conversationNotes.createdAt,
    conversationNotes.id,
    'note',
  ).all();
  const merged: TimelineItem[] = [
    ...msgs.map(messageOf),
    ...events.map((e) => ({ kind: 'event' as const, ...e })),
    ...notes.map(noteOf),
  ].sort(newestFirst);
  const items = withReactionsAndFiles(ctx, merged.slice(0, size).reverse());
  const oldest = items[0];
  return {
    items,
    earlier: merged.length > size && oldest ? { at: oldest.at, kind: oldest.kind, id: oldest.id } : null,
  };
}

/** One message of the timeline, for a live update (access already checked by who receives the push). */
export function messageItem(ctx: DomainContext, messageId: number): TimelineItem | undefined {
  const m = selectMessages(ctx.db).where(eq(messages.id, messageId)).get();
  return m && withReactionsAndFiles(ctx, [messageOf(m)])[0];
}

/** One private note of the timeline, for a live update. */
export function noteItem(ctx: DomainContext, noteId: number): TimelineItem | undefined {
  const n = ctx.db
    .select(noteColumns)
    .from(conversationNotes)
    .leftJoin(users, eq(users.id, conversationNotes.authorId))
    .where(eq(conversationNotes.id, noteId))
    .get();
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
