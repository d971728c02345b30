import { sql } from 'drizzle-orm';
import type { Tx } from '../context.ts';

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
