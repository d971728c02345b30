/** What a campaign did: live progress, the recipients' table, and the rows of its CSV report. */
import { sql } from 'drizzle-orm';
import { skipReasons, type RecipientState, type SkipReason } from '../../db/schema/campaigns.ts';
import type { MessageStatus } from '../../db/schema/conversations.ts';
import type { Actor, DomainContext } from '../context.ts';
import { assertMayRead } from './access.ts';

export interface CampaignProgress {
  total: number;
  /** Not yet queued (waiting for the pace, quiet hours, the cap, or the start). */
  pending: number;
  /** In the outbox, not yet taken by the carrier. */
  queued: number;
  /** Taken by the carrier, no receipt yet. */
  sent: number;
  delivered: number;
  failed: number;
  skipped: Record<SkipReason, number>;
  replied: number;
  optedOut: number;
  clicks: number;
  /** Why texts failed, most frequent first. */
  failures: { code: string; reason: string; count: number }[];
}

/** The campaign's counts, one pass over its recipients (with their messages) plus small groupings. */
export function campaignProgress(ctx: DomainContext, actor: Actor, id: number): CampaignProgress {
  assertMayRead(ctx, actor, id);
  const counts = ctx.db.get<Omit<CampaignProgress, 'skipped' | 'failures' | 'clicks'>>(sql`
    SELECT count(*) AS total,
      coalesce(sum(r.state = 'pending'), 0) AS pending,
      coalesce(sum(m.status = 'queued'), 0) AS queued,
      coalesce(sum(m.status = 'sent'), 0) AS sent,
      coalesce(sum(m.status IN ('delivered', 'read', 'played')), 0) AS delivered,
      coalesce(sum(m.status IN ('failed', 'expired')), 0) AS failed,
      coalesce(sum(r.replied_at IS NOT NULL), 0) AS replied,
      coalesce(sum(r.opted_out_at IS NOT NULL), 0) AS optedOut
    FROM campaign_recipients r LEFT JOIN messages m ON m.id = r.message_id
    WHERE r.campaign_id = ${id}`);
  const skipped = Object.fromEntries(skipReasons.map((reason) => [reason, 0])) as Record<SkipReason, number>;
  for (const row of ctx.db.all<{ reason: SkipReason; n: number }>(sql`
    SELECT skip_reason AS reason, count(*) AS n FROM campaign_recipients
    WHERE campaign_id = ${id} AND state = 'skipped' GROUP BY skip_reason`))
    skipped[row.reason] = row.n;
  const failures = ctx.db.all<{ code: string; reason: string; count: number }>(sql`
    SELECT coalesce(m.error_code, '') AS code, coalesce(m.error_reason, '') AS reason, count(*) AS count
    FROM campaign_recipients r JOIN messages m ON m.id = r.message_id
    WHERE r.campaign_id = ${id} AND m.status IN ('failed', 'expired')
    GROUP BY m.error_code, m.error_reason ORDER BY count DESC, code LIMIT 20`);
  const { clicks } = ctx.db.get<{ clicks: number }>(sql`
    SELECT coalesce(sum(t.clicks), 0) AS clicks FROM campaign_links l JOIN campaign_link_tokens t ON t.link_id = l.id
    WHERE l.campaign_id = ${id}`);
  return { ...counts, skipped, failures, clicks };
}

/** One recipient as the report shows them. */
export interface RecipientRow {
  id: number;
  phone: string;
  name: string | null;
  state: RecipientState;
  skipReason: SkipReason | null;
  /** The text's status once queued. */
  messageStatus: MessageStatus | null;
  errorCode: string | null;
  errorReason: string | null;
  conversationId: number | null;
  queuedAt: number | null;
  repliedAt: number | null;
  optedOutAt: number | null;
  clicks: number;
}

function page(ctx: DomainContext, id: number, after: number, limit: number): RecipientRow[] {
  return ctx.db.all<RecipientRow>(sql`
    SELECT r.id, r.phone, c.name, r.state, r.skip_reason AS skipReason, m.status AS messageStatus,
      m.error_code AS errorCode, m.error_reason AS errorReason, r.conversation_id AS conversationId,
      r.queued_at AS queuedAt, r.replied_at AS repliedAt, r.opted_out_at AS optedOutAt,
      coalesce((SELECT sum(t.clicks) FROM campaign_link_tokens t WHERE t.recipient_id = r.id), 0) AS clicks
    FROM campaign_recipients r
    LEFT JOIN contacts c ON c.id = r.contact_id
    LEFT JOIN messages m ON m.id = r.message_id
    WHERE r.campaign_id = ${id} AND r.id > ${after}
    ORDER BY r.id LIMIT ${limit}`);
}

/** A page of recipients in planned order, after the recipient id `after`; `next` continues (null: the last page). */
export function recipientsPage(
  ctx: DomainContext,
  actor: Actor,
  id: number,
  { after = 0, limit }: { after?: number; limit: number },
): { rows: RecipientRow[]; next: number | null } {
  assertMayRead(ctx, actor, id);
  const rows = page(ctx, id, after, limit + 1);
  const more = rows.length > limit;
  if (more) rows.pop();
  return { rows, next: more ? rows.at(-1)!.id : null };
}

const REPORT_PAGE = 1_000;

/** Every recipient for the CSV, read a thousand at a time (rights checked once, before the first row). */
export function reportRows(ctx: DomainContext, actor: Actor, id: number): Iterable<RecipientRow> {
  assertMayRead(ctx, actor, id);
  return {
    *[Symbol.iterator]() {
      let after = 0;
      for (;;) {
        const rows = page(ctx, id, after, REPORT_PAGE);
        yield* rows;
        if (rows.length < REPORT_PAGE) return;
        after = rows.at(-1)!.id;
      }
    },
  };
}
