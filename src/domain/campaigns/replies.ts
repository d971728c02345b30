import { sql } from 'drizzle-orm';
import type { Tx } from '../context.ts';
import { addEvent } from '../conversations/actions.ts';
import type { CampaignTouched } from './opt-outs.ts';

/** A reply counts for a campaign text queued this recently; later texts in the conversation are just conversation. */
export const REPLY_WINDOW_MS = 30 * 86_400_000;

/**
 * A customer wrote in a conversation a campaign texted (within REPLY_WINDOW_MS): the recipient is counted as replied
 * (once) and the conversation gets the campaign's tag, with the usual timeline entry (its id goes to `eventIds`).
 * Assignment is the inbox's, as for any customer text. One indexed update when no campaign texted the conversation.
 */
export function noteReply(tx: Tx, conversationId: number, now: number, eventIds: number[]): CampaignTouched[] {
  const replied = tx.all<CampaignTouched>(sql`
    UPDATE campaign_recipients SET replied_at = ${now}
    WHERE conversation_id = ${conversationId} AND replied_at IS NULL AND queued_at >= ${now - REPLY_WINDOW_MS}
    RETURNING campaign_id AS campaignId,
      (SELECT n.inbox_id FROM campaigns c JOIN numbers n ON n.id = c.number_id WHERE c.id = campaign_id) AS inboxId`);
  for (const { campaignId } of replied) {
    const tag = tx.get<{ id: number; name: string } | undefined>(sql`
      SELECT t.id, t.name FROM campaigns c JOIN tags t ON t.id = c.tag_id WHERE c.id = ${campaignId}`);
    if (!tag) continue;
    const added = tx.run(
      sql`INSERT INTO conversation_tags (conversation_id, tag_id) VALUES (${conversationId}, ${tag.id}) ON CONFLICT DO NOTHING`,
    );
    if (added.changes) eventIds.push(addEvent(tx, conversationId, 'tag_added', null, now, { tag: tag.name }));
  }
  return replied;
}
