import { and, asc, eq, isNull, lte, min } from 'drizzle-orm';
import { conversations } from '../../db/schema/conversations.ts';
import { scheduledMessages } from '../../db/schema/later.ts';
import { users } from '../../db/schema/users.ts';
import type { Actor, DomainContext } from '../context.ts';
import { DomainError, forbidden, notFound } from '../errors.ts';
import { assertCanSeeInbox } from '../inboxes/access.ts';
import { assertFits, assertMayText, cleanBody, queueReply } from '../messaging/outbox.ts';
import { capabilitiesOf } from '../messaging/capabilities.ts';
import { messageKindOf } from '../conversations/queries.ts';
import { assertCanReadConversation } from '../conversations/timeline.ts';

/** A scheduled reply as the timeline shows it. */
export interface ScheduledItem {
  id: number;
  conversationId: number;
  body: string;
  dueAt: number;
  /** Why it was not sent when due (a translation key); null while it waits. */
  failedKey: string | null;
  authorId: number;
  author: string;
}

const itemColumns = {
  id: scheduledMessages.id,
  conversationId: scheduledMessages.conversationId,
  body: scheduledMessages.body,
  dueAt: scheduledMessages.dueAt,
  failedKey: scheduledMessages.failedKey,
  authorId: scheduledMessages.authorUserId,
  author: users.name,
};

/** The conversation's inbox, checked as a reply checks it: the actor sees the inbox, and the number may text. */
function replyable(ctx: DomainContext, actor: Actor, conversationId: number): number {
  const row = ctx.db
    .select({ inboxId: conversations.inboxId, numberId: conversations.numberId, phone: conversations.phone })
    .from(conversations)
    .where(eq(conversations.id, conversationId))
    .get();
  if (!row) throw notFound();
  assertCanSeeInbox(ctx, actor, row.inboxId);
  assertMayText(ctx.db, row.numberId, row.phone, { conversationId, now: ctx.now() });
  return row.inboxId;
}

function announce(ctx: DomainContext, conversationId: number, scheduledId: number, inboxId: number): void {
  ctx.events.emit('scheduled.changed', { conversationId, scheduledId, inboxId });
  ctx.events.emit('later.changed', { conversationId });
}

/**
 * A reply to send at `dueAt`: the same checks as sending it now (rights, text, opt-out, registration), and again
 * when it is due (`sendDue`). Text only: files are sent with a reply at once.
 */
export function scheduleReply(
  ctx: DomainContext,
  actor: Actor,
  conversationId: number,
  rawBody: unknown,
  dueAt: number,
): number {
  const body = cleanBody(rawBody);
  const now = ctx.now();
  const done = ctx.db.transaction((tx) => {
    // Same connection, same transaction: the checks read what this transaction sees.
    const inboxId = replyable(ctx, actor, conversationId);
    assertFits(body, capabilitiesOf(messageKindOf(ctx, actor, conversationId)).textLimit);
    const id = tx
      .insert(scheduledMessages)
      .values({ conversationId, authorUserId: actor.id, body, dueAt, createdAt: now, updatedAt: now })
      .returning({ id: scheduledMessages.id })
      .get().id;
    return { id, inboxId };
  });
  announce(ctx, conversationId, done.id, done.inboxId);
  return done.id;
}

/** The scheduled reply, for its author only (404 for anyone else who sees the conversation, as for anyone who does not). */
function ownItem(ctx: DomainContext, actor: Actor, scheduledId: number) {
  const row = ctx.db
    .select({
      conversationId: scheduledMessages.conversationId,
      authorId: scheduledMessages.authorUserId,
      inboxId: conversations.inboxId,
    })
    .from(scheduledMessages)
    .innerJoin(conversations, eq(conversations.id, scheduledMessages.conversationId))
    .where(eq(scheduledMessages.id, scheduledId))
    .get();
  if (!row) throw notFound();
  assertCanSeeInbox(ctx, actor, row.inboxId);
  if (row.authorId !== actor.id) throw forbidden();
  return row;
}

/** New text and time for a waiting reply, or for one refused at due time: it waits again. */
export function editScheduled(
  ctx: DomainContext,
  actor: Actor,
  scheduledId: number,
  rawBody: unknown,
  dueAt: number,
): void {
  const body = cleanBody(rawBody);
  const now = ctx.now();
  const row = ctx.db.transaction(() => {
    const row = ownItem(ctx, actor, scheduledId);
    replyable(ctx, actor, row.conversationId);
    assertFits(body, capabilitiesOf(messageKindOf(ctx, actor, row.conversationId)).textLimit);
    ctx.db
      .update(scheduledMessages)
      .set({ body, dueAt, failedKey: null, updatedAt: now })
      .where(eq(scheduledMessages.id, scheduledId))
      .run();
    return row;
  });
  announce(ctx, row.conversationId, scheduledId, row.inboxId);
}

/** Not sent after all. */
export function cancelScheduled(ctx: DomainContext, actor: Actor, scheduledId: number): void {
  const row = ctx.db.transaction(() => {
    const row = ownItem(ctx, actor, scheduledId);
    ctx.db.delete(scheduledMessages).where(eq(scheduledMessages.id, scheduledId)).run();
    return row;
  });
  announce(ctx, row.conversationId, scheduledId, row.inboxId);
}

/** The conversation's scheduled replies, the next due first, for anyone who may read it. */
export function scheduledFor(ctx: DomainContext, actor: Actor, conversationId: number): ScheduledItem[] {
  assertCanReadConversation(ctx, actor, conversationId);
  return ctx.db
    .select(itemColumns)
    .from(scheduledMessages)
    .innerJoin(users, eq(users.id, scheduledMessages.authorUserId))
    .where(eq(scheduledMessages.conversationId, conversationId))
    .orderBy(asc(scheduledMessages.dueAt), asc(scheduledMessages.id))
    .all();
}

/** One scheduled reply, for a live update (who receives the push was checked by who may see its conversation). */
export function scheduledItem(ctx: DomainContext, scheduledId: number): ScheduledItem | undefined {
  return ctx.db
    .select(itemColumns)
    .from(scheduledMessages)
    .innerJoin(users, eq(users.id, scheduledMessages.authorUserId))
    .where(eq(scheduledMessages.id, scheduledId))
    .get();
}

/**
 * Sends every scheduled reply that is due, as its author would send it now (`queueReply`: their rights, the
 * opt-out, the number's registration, the text's limits) — the message and the removal of the scheduled row in
 * one transaction, announced after it. A refusal keeps the row, marked with why; nothing is sent. Returns how
 * many were sent.
 */
export function sendDue(ctx: DomainContext): number {
  const now = ctx.now();
  const due = ctx.db
    .select({
      id: scheduledMessages.id,
      conversationId: scheduledMessages.conversationId,
      body: scheduledMessages.body,
      authorId: users.id,
      role: users.role,
      active: users.active,
      inboxId: conversations.inboxId,
    })
    .from(scheduledMessages)
    .innerJoin(users, eq(users.id, scheduledMessages.authorUserId))
    .innerJoin(conversations, eq(conversations.id, scheduledMessages.conversationId))
    .where(and(isNull(scheduledMessages.failedKey), lte(scheduledMessages.dueAt, now)))
    .orderBy(asc(scheduledMessages.dueAt), asc(scheduledMessages.id))
    .all();
  let sent = 0;
  for (const item of due) {
    const author: Actor = { id: item.authorId, role: item.role };
    try {
      ctx.events.collect(() =>
        ctx.db.transaction((tx) => {
          if (!item.active) throw forbidden();
          queueReply(ctx, author, item.conversationId, item.body);
          tx.delete(scheduledMessages).where(eq(scheduledMessages.id, item.id)).run();
        }),
      );
      sent++;
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      ctx.db
        .update(scheduledMessages)
        .set({ failedKey: err.key, updatedAt: now })
        .where(eq(scheduledMessages.id, item.id))
        .run();
    }
    ctx.events.emit('scheduled.changed', {
      conversationId: item.conversationId,
      scheduledId: item.id,
      inboxId: item.inboxId,
    });
  }
  return sent;
}

/** When the next waiting reply is due, or null when none waits. */
export function nextSend(ctx: DomainContext): number | null {
  return (
    ctx.db
      .select({ at: min(scheduledMessages.dueAt) })
      .from(scheduledMessages)
      .where(isNull(scheduledMessages.failedKey))
      .get()?.at ?? null
  );
}
