import { and, desc, eq, gt, isNotNull, isNull, max, ne } from 'drizzle-orm';
import { conversations, messages } from '../../db/schema/conversations.ts';
import { users } from '../../db/schema/users.ts';
import type { Actor, DomainContext } from '../context.ts';
import { assertCanSeeInbox, inboxAudience } from '../inboxes/access.ts';

/**
 * Who may be told who is viewing a conversation or typing a reply in it, and be counted so: everyone who sees its
 * inbox now. A number's history read from a shared inbox is not in it: nobody replies there.
 */
export function conversationAudience(ctx: DomainContext, conversationId: number): number[] {
  const row = ctx.db
    .select({ inboxId: conversations.inboxId })
    .from(conversations)
    .where(eq(conversations.id, conversationId))
    .get();
  return row ? inboxAudience(ctx, row.inboxId) : [];
}

/** The newest reply to the customer (0 if none): the composer is drawn after it, and says so when it sends. */
export function newestReplyId(ctx: DomainContext, conversationId: number): number {
  const row = ctx.db
    .select({ id: max(messages.id) })
    .from(messages)
    .where(
      and(eq(messages.conversationId, conversationId), eq(messages.direction, 'out'), isNull(messages.reactionToId)),
    )
    .get();
  return row?.id ?? 0;
}

/** Who wrote this reply (null for an automatic one, or a message from the customer). */
export function replyAuthor(ctx: DomainContext, messageId: number): number | null {
  const row = ctx.db
    .select({ author: messages.authorUserId })
    .from(messages)
    .where(and(eq(messages.id, messageId), eq(messages.direction, 'out')))
    .get();
  return row?.author ?? null;
}

export interface TeammateReply {
  id: number;
  authorName: string;
  body: string;
  createdAt: number;
}

/**
 * A teammate's reply to the customer newer than `seenId` (the newest reply the actor's composer was drawn after):
 * sending now may answer the customer twice. The newest such reply; the actor's own and automatic ones (no author)
 * do not count. 404 for a conversation the actor may not reply in.
 */
export function teammateReplySince(
  ctx: DomainContext,
  actor: Actor,
  conversationId: number,
  seenId: number,
): TeammateReply | null {
  const conversation = ctx.db
    .select({ inboxId: conversations.inboxId })
    .from(conversations)
    .where(eq(conversations.id, conversationId))
    .get();
  if (!conversation) return null;
  assertCanSeeInbox(ctx, actor, conversation.inboxId);
  const reply = ctx.db
    .select({ id: messages.id, authorName: users.name, body: messages.body, createdAt: messages.createdAt })
    .from(messages)
    .innerJoin(users, eq(users.id, messages.authorUserId))
    .where(
      and(
        eq(messages.conversationId, conversationId),
        eq(messages.direction, 'out'),
        isNull(messages.reactionToId),
        gt(messages.id, seenId),
        isNotNull(messages.authorUserId),
        ne(messages.authorUserId, actor.id),
      ),
    )
    .orderBy(desc(messages.id))
    .limit(1)
    .get();
  return reply ?? null;
}
