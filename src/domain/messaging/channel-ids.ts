import { sql } from 'drizzle-orm';
import type { DomainContext, Tx } from '../context.ts';

/**
 * The message a channel names by its own id on this number: one of the customer's (its `channel_message_id`) or one
 * of ours (the id the channel gave when it took it, kept on its part). Null when it is none of ours.
 */
export function messageByChannelId(
  tx: Pick<Tx, 'get'>,
  number: { id: number; channel: string },
  channelMessageId: string,
): number | null {
  const theirs = tx.get<{ id: number } | undefined>(
    sql`SELECT m.id FROM messages m JOIN conversations c ON c.id = m.conversation_id
        WHERE m.channel_message_id = ${channelMessageId} AND c.number_id = ${number.id}`,
  );
  if (theirs) return theirs.id;
  const ours = tx.get<{ id: number } | undefined>(
    sql`SELECT message_id AS id FROM message_parts WHERE connection = ${number.channel} AND smsc_id = ${channelMessageId}
        ORDER BY message_id DESC LIMIT 1`,
  );
  return ours?.id ?? null;
}

/** The customer's latest message in a conversation as its channel names it, for a read receipt; null if none has an id. */
export function latestInboundChannelId(
  { db }: DomainContext,
  conversationId: number,
): { channel: string; channelMessageId: string } | null {
  return (
    db.get<{ channel: string; channelMessageId: string } | undefined>(
      sql`SELECT n.channel, m.channel_message_id AS channelMessageId
          FROM messages m JOIN conversations c ON c.id = m.conversation_id JOIN numbers n ON n.id = c.number_id
          WHERE m.conversation_id = ${conversationId} AND m.direction = 'in' AND m.channel_message_id IS NOT NULL
          ORDER BY m.id DESC LIMIT 1`,
    ) ?? null
  );
}
