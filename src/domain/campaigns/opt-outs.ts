import { sql } from 'drizzle-orm';
import type { DomainContext, Tx } from '../context.ts';

/** A campaign moved on because of a change written in the caller's transaction: announce it after the commit. */
export interface CampaignTouched {
  campaignId: number;
  inboxId: number;
}

/** A campaign message failed before it went (its conversation's view redraws it). */
export interface MessageStopped {
  messageId: number;
  conversationId: number;
  inboxId: number;
}

/**
 * A phone opted out of `numberId` (STOP, by hand, the API): in that number's campaigns it is marked opted out, its
 * pending turn is skipped, and a text of it still waiting in the outbox (not leased: not being sent this moment)
 * fails as `opted_out` — nothing more goes to it. Runs in the caller's transaction, which records the opt-out.
 */
export function noteOptOut(
  tx: Tx,
  numberId: number,
  phone: string,
  now: number,
): { campaigns: CampaignTouched[]; messages: MessageStopped[] } {
  const touched = tx.all<{ campaignId: number; inboxId: number; messageId: number | null }>(sql`
    UPDATE campaign_recipients
    SET opted_out_at = ${now},
        state = CASE WHEN state = 'pending' THEN 'skipped' ELSE state END,
        skip_reason = CASE WHEN state = 'pending' THEN 'opted_out' ELSE skip_reason END
    WHERE phone = ${phone} AND opted_out_at IS NULL
      AND campaign_id IN (SELECT id FROM campaigns WHERE number_id = ${numberId})
    RETURNING campaign_id AS campaignId,
      (SELECT n.inbox_id FROM campaigns c JOIN numbers n ON n.id = c.number_id WHERE c.id = campaign_id) AS inboxId,
      message_id AS messageId`);
  const campaigns = new Map(touched.map((t) => [t.campaignId, { campaignId: t.campaignId, inboxId: t.inboxId }]));
  const messages: MessageStopped[] = [];
  for (const { messageId } of touched) {
    if (messageId === null) continue;
    const stopped = tx.get<{ conversationId: number; inboxId: number } | undefined>(sql`
      UPDATE messages SET status = 'failed', next_attempt_at = NULL, error_code = 'opted_out',
        error_reason = 'the recipient opted out before it was sent', updated_at = ${now}
      WHERE id = ${messageId} AND status = 'queued' AND leased = 0
      RETURNING conversation_id AS conversationId,
        (SELECT inbox_id FROM conversations WHERE id = conversation_id) AS inboxId`);
    if (stopped) messages.push({ messageId, ...stopped });
  }
  return { campaigns: [...campaigns.values()], messages };
}

/** Announces, after the commit, what noteOptOut changed. */
export function announceOptOut(
  ctx: Pick<DomainContext, 'events'>,
  done: { campaigns: CampaignTouched[]; messages: MessageStopped[] },
): void {
  for (const m of done.messages) ctx.events.emit('message.updated', m);
  for (const c of done.campaigns) ctx.events.emit('campaign.changed', c);
}
