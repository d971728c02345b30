import { and, eq, isNotNull } from 'drizzle-orm';
import { messages } from '../../db/schema/conversations.ts';
import type { DomainContext, Tx } from '../context.ts';
import { excerptOf } from '../notifications/notify.ts';

/** A customer message of this conversation that a reply may quote: theirs, with the channel's id to point at. */
export function quotableMessage(
  db: Pick<Tx, 'select'>,
  conversationId: number,
  messageId: number,
): { id: number; body: string } | undefined {
  return db
    .select({ id: messages.id, body: messages.body })
    .from(messages)
    .where(
      and(
        eq(messages.id, messageId),
        eq(messages.conversationId, conversationId),
        eq(messages.direction, 'in'),
        isNotNull(messages.channelMessageId),
      ),
    )
    .get();
}

/**
 * The excerpt of a customer message of this conversation a reply may quote (null when it is none), for the
 * composer drawn again after a refused send. The send gate (queueReply) decides for itself.
 */
export function quotableExcerpt({ db }: DomainContext, conversationId: number, messageId: number): string | null {
  const row = quotableMessage(db, conversationId, messageId);
  return row ? excerptOf(row.body) : null;
}
