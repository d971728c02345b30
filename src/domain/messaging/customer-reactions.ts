import { and, eq, inArray, isNull } from 'drizzle-orm';
import { conversations, customerReactions, messages } from '../../db/schema/conversations.ts';
import { numbers } from '../../db/schema/numbers.ts';
import type { DomainContext } from '../context.ts';
import { messageByChannelId } from './channel-ids.ts';

/** A customer's reaction as the channel names it: to the message with this channel id, on our number `to`. */
export interface CustomerReaction {
  to: string;
  channelMessageId: string;
  /** '' takes it back. */
  emoji: string;
}

/**
 * Stores a customer's reaction (one per message: a new one replaces theirs) and announces the message so the
 * timeline redraws it. Returns false when the message is none of ours on that number (nothing stored).
 */
export function receiveReaction(ctx: DomainContext, reaction: CustomerReaction): boolean {
  const touched = ctx.db.transaction((tx) => {
    const number = tx
      .select({ id: numbers.id, channel: numbers.channel })
      .from(numbers)
      .where(and(eq(numbers.e164, reaction.to), isNull(numbers.retiredAt)))
      .get();
    if (!number) return null;
    const messageId = messageByChannelId(tx, number, reaction.channelMessageId);
    if (messageId === null) return null;
    if (reaction.emoji === '') tx.delete(customerReactions).where(eq(customerReactions.messageId, messageId)).run();
    else
      tx.insert(customerReactions)
        .values({ messageId, emoji: reaction.emoji, at: ctx.now() })
        .onConflictDoUpdate({ target: customerReactions.messageId, set: { emoji: reaction.emoji, at: ctx.now() } })
        .run();
    return tx
      .select({ messageId: messages.id, conversationId: messages.conversationId, inboxId: conversations.inboxId })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(eq(messages.id, messageId))
      .get()!;
  });
  if (!touched) return false;
  ctx.events.emit('message.updated', touched);
  return true;
}

/** The customer's reaction on each of these messages that has one. */
export function customerReactionsOf({ db }: DomainContext, messageIds: number[]): Map<number, string> {
  if (messageIds.length === 0) return new Map();
  const rows = db
    .select({ messageId: customerReactions.messageId, emoji: customerReactions.emoji })
    .from(customerReactions)
    .where(inArray(customerReactions.messageId, messageIds))
    .all();
  return new Map(rows.map((r) => [r.messageId, r.emoji]));
}
