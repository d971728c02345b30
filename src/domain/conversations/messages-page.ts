import { and, asc, eq, gt, isNull } from 'drizzle-orm';
import { messages } from '../../db/schema/conversations.ts';
import type { Actor, DomainContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { assertCanReadConversation } from './timeline.ts';

export interface MessageRow {
  id: number;
  direction: 'in' | 'out';
  body: string;
  status: string;
  authorUserId: number | null;
  errorCode: string | null;
  errorReason: string | null;
  createdAt: number;
  updatedAt: number;
}

const columns = {
  id: messages.id,
  direction: messages.direction,
  body: messages.body,
  status: messages.status,
  authorUserId: messages.authorUserId,
  errorCode: messages.errorCode,
  errorReason: messages.errorReason,
  createdAt: messages.createdAt,
  updatedAt: messages.updatedAt,
};

/**
 * A conversation's messages in the order they were stored, after `afterId`, `limit + 1` of them (one more, to
 * tell whether there is a next page): new messages only ever come at the end, so pages neither skip nor repeat.
 * Reactions queued for the customer are outbox work, not messages. 404 unless the actor may read it.
 */
export function messagesAfter(
  ctx: DomainContext,
  actor: Actor,
  conversationId: number,
  afterId: number,
  limit: number,
): MessageRow[] {
  assertCanReadConversation(ctx, actor, conversationId);
  return ctx.db
    .select(columns)
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), gt(messages.id, afterId), isNull(messages.reactionToId)))
    .orderBy(asc(messages.id))
    .limit(limit + 1)
    .all();
}

/** One message of a conversation the actor may read (404 otherwise). */
export function messageOf(ctx: DomainContext, actor: Actor, conversationId: number, messageId: number): MessageRow {
  assertCanReadConversation(ctx, actor, conversationId);
  const row = ctx.db
    .select(columns)
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), eq(messages.id, messageId)))
    .get();
  if (!row) throw notFound();
  return row;
}
