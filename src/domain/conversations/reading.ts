import { conversationReads } from '../../db/schema/conversations.ts';
import type { Actor, DomainContext } from '../context.ts';
import { stateFor } from './actions.ts';

function setReadMark(ctx: DomainContext, actor: Actor, conversationId: number, readAt: number): void {
  ctx.db.transaction((tx) => {
    stateFor(tx, actor, conversationId);
    tx.insert(conversationReads)
      .values({ userId: actor.id, conversationId, readAt })
      .onConflictDoUpdate({ target: [conversationReads.userId, conversationReads.conversationId], set: { readAt } })
      .run();
  });
  ctx.events.emit('conversation.read', { conversationId, userId: actor.id, read: readAt > 0 });
}

/** Read for this user only: everyone else's unread dot stays. */
export function markRead(ctx: DomainContext, actor: Actor, conversationId: number): void {
  setReadMark(ctx, actor, conversationId, ctx.now());
}

/** Unread for this user until they open it again, whenever the last customer message came. */
export function markUnread(ctx: DomainContext, actor: Actor, conversationId: number): void {
  setReadMark(ctx, actor, conversationId, 0);
}
