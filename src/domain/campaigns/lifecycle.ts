/**
 * Send (now or at a time), pause, resume, cancel: each one transaction, audited, announced. Pausing, resuming and
 * cancelling are idempotent (a second click, two managers at once: nothing more happens), and everything they
 * change is in the database, so a restart carries on where the campaign was.
 */
import { sql } from 'drizzle-orm';
import type { CampaignState, CampaignTemplate } from '../../db/schema/campaigns.ts';
import { recordAudit } from '../audit/record.ts';
import type { Actor, DomainContext, Tx } from '../context.ts';
import { assertMayManage, type VisibleCampaign } from './access.ts';
import { hasTrackedLinks } from './links.ts';
import { placeholdersIn, unknownPlaceholders } from './message.ts';
import type { MessageStopped } from './opt-outs.ts';
import { sendConflict, sendInvalid } from './send-errors.ts';
import { APPROVED, templateOf, variableCount } from '../messaging/templates.ts';
import type { CampaignSettings } from './settings.ts';

/** A send time this far in the past is a form left open too long, not "now". */
const PAST_SLACK_MS = 60_000;
/** Where a paused campaign's queued texts wait: never due until resumed. */
export const HELD = Number.MAX_SAFE_INTEGER;
const TAG_MAX = 40;
const DAY_MS = 86_400_000;

export interface StartInput {
  version: number;
  /** null: now. */
  sendAt: number | null;
  ratePerMinute: number;
  /** The fastest the number may go for campaigns (service.ts maxRatePerMinute with the configured throughputs). */
  maxRatePerMinute: number;
  /** Whether links texted to customers have an address to start with (server.public_url). */
  linkAddress: boolean;
}

/** "Campaign: <name>", cut to what a tag may hold. */
export const campaignTagName = (name: string): string => {
  const tag = `Campaign: ${name}`;
  return tag.length <= TAG_MAX ? tag : `${tag.slice(0, TAG_MAX - 1)}…`;
};

/**
 * The Send / Schedule button. Refused in place when there is nobody to text, no text, a placeholder nothing fills,
 * a number not registered, a rate out of range, or a time already past. Skips at once whoever would be skipped
 * anyway (opted out of the number, texted by a campaign in the last 24 hours) and gives the campaign its tag.
 */
export function startCampaign(
  ctx: DomainContext,
  actor: Actor,
  // The contract's place for them: what is skipped at start does not depend on them yet.
  _settings: CampaignSettings,
  id: number,
  input: StartInput,
): void {
  const now = ctx.now();
  const inboxId = ctx.db.transaction((tx) => {
    const { campaign, inboxId } = assertMayManage({ db: tx }, actor, id);
    if (campaign.state !== 'draft') throw sendConflict('campaign.not_draft');
    if (campaign.version !== input.version) throw sendConflict('campaign.stale');
    const number = tx.get<{
      registration: string;
      retiredAt: number | null;
      kind: string;
      channel: string;
      mediaRoute: string;
    }>(
      sql`SELECT registration, retired_at AS retiredAt, kind, channel, media_route AS mediaRoute
          FROM numbers WHERE id = ${campaign.numberId}`,
    );
    if (number.kind === 'whatsapp') checkTemplateAtStart(tx, number.channel, campaign);
    else {
      checkBodyAtStart(campaign);
      if (!input.linkAddress && needsLinkAddress(tx, campaign, number.mediaRoute))
        throw sendInvalid('campaign.public_url_missing', 'trackLinks');
    }
    if (number.retiredAt !== null || (number.registration !== 'registered' && number.registration !== 'not-required'))
      throw sendInvalid('campaign.number_unregistered', 'numberId');
    const rate = input.ratePerMinute;
    if (!Number.isInteger(rate) || rate < 1 || rate > input.maxRatePerMinute)
      throw sendInvalid('campaign.rate_invalid', 'ratePerMinute', { max: input.maxRatePerMinute });
    if (input.sendAt !== null && input.sendAt < now - PAST_SLACK_MS)
      throw sendInvalid('campaign.send_at_past', 'sendAt');
    skipAtStart(tx, id, campaign.numberId, now);
    const { pending } = tx.get<{ pending: number }>(
      sql`SELECT count(*) AS pending FROM campaign_recipients WHERE campaign_id = ${id} AND state = 'pending'`,
    );
    if (pending === 0) throw sendInvalid('campaign.no_recipients', 'audience');
    const tagId = tagFor(tx, campaign.name, now);
    const later = input.sendAt !== null && input.sendAt > now;
    const sendAt = later ? input.sendAt! : now;
    const state: CampaignState = later ? 'scheduled' : 'sending';
    tx.run(sql`
      UPDATE campaigns SET state = ${state}, send_at = ${sendAt}, started_at = ${later ? null : now},
        rate_per_minute = ${rate}, tag_id = ${tagId}, version = version + 1, updated_at = ${now}
      WHERE id = ${id}`);
    recordAudit(ctx, tx, actor, {
      action: later ? 'campaign.scheduled' : 'campaign.started',
      subject: { id, name: campaign.name },
      changes: {
        recipients: pending,
        ratePerMinute: rate,
        ...(later ? { sendAt: new Date(sendAt).toISOString() } : {}),
      },
    });
    return inboxId;
  });
  ctx.events.emit('campaign.changed', { campaignId: id, inboxId });
}

/** An SMS campaign needs a text whose placeholders all have something to fill them. */
function checkBodyAtStart(campaign: { body: string; variables: string[] }): void {
  if (campaign.body.trim() === '') throw sendInvalid('campaign.body_empty', 'body');
  const unknown = unknownPlaceholders(campaign.body, campaign.variables);
  if (unknown.length > 0)
    throw sendInvalid('campaign.unknown_placeholder', 'body', {
      names: unknown.map((name) => `{{${name}}}`).join(', '),
    });
}

/**
 * Short links for "Track links" and files sent as a link are built on server.public_url: without it they would go
 * as written and without the files, so the start is refused instead.
 */
function needsLinkAddress(
  tx: Tx,
  campaign: { id: number; body: string; footer: string; trackLinks: boolean; variables: string[] },
  mediaRoute: string,
): boolean {
  if (campaign.trackLinks) {
    if (hasTrackedLinks(campaign.body) || hasTrackedLinks(campaign.footer)) return true;
    const columns = placeholdersIn(campaign.body).filter((name) => campaign.variables.includes(name));
    if (columns.length > 0 && columnsHoldLinks(tx, campaign.id, columns)) return true;
  }
  if (mediaRoute !== 'link') return false;
  return tx.get<{ n: number }>(sql`SELECT count(*) AS n FROM campaign_files WHERE campaign_id = ${campaign.id}`).n > 0;
}

/** Whether a CSV column the text names brings a link for any recipient still to be texted (one pass, in SQL). */
function columnsHoldLinks(tx: Tx, campaignId: number, columns: string[]): boolean {
  const found = tx.get<{ found: number }>(sql`
    SELECT EXISTS (
      SELECT 1 FROM campaign_recipients r, json_each(r.vars) v
      WHERE r.campaign_id = ${campaignId} AND r.state = 'pending' AND r.vars IS NOT NULL
        AND v.key IN ${columns} AND (instr(lower(v.value), 'http://') > 0 OR instr(lower(v.value), 'https://') > 0)
    ) AS found`);
  return found.found === 1;
}

/**
 * A WhatsApp campaign needs a template that is approved now (Meta may have paused or rejected it since the draft
 * chose it) and a text for every variable, each with placeholders the campaign fills.
 */
function checkTemplateAtStart(
  tx: Tx,
  channel: string,
  campaign: { template: CampaignTemplate | null; variables: string[] },
): void {
  const chosen = campaign.template;
  if (!chosen) throw sendInvalid('campaign.template_missing', 'template');
  const template = templateOf(tx, channel, chosen);
  if (!template || template.status !== APPROVED)
    throw sendInvalid('campaign.template_unapproved', 'template', { name: chosen.name });
  const count = variableCount(template.body);
  for (let i = 0; i < count; i++) {
    const param = chosen.params[i] ?? '';
    if (param === '') throw sendInvalid('campaign.template_param_empty', 'template', { variable: i + 1 });
    const unknown = unknownPlaceholders(param, campaign.variables);
    if (unknown.length > 0)
      throw sendInvalid('campaign.unknown_placeholder', 'template', {
        names: unknown.map((name) => `{{${name}}}`).join(', '),
      });
  }
}

/** Opted out of the number, or texted by any campaign in the last 24 hours: skipped before anything is queued. */
function skipAtStart(tx: Tx, id: number, numberId: number, now: number): void {
  tx.run(sql`
    UPDATE campaign_recipients SET state = 'skipped', skip_reason = 'opted_out'
    WHERE campaign_id = ${id} AND state = 'pending'
      AND EXISTS (SELECT 1 FROM opt_outs o WHERE o.phone = campaign_recipients.phone AND o.number_id = ${numberId})`);
  tx.run(sql`
    UPDATE campaign_recipients SET state = 'skipped', skip_reason = 'recent'
    WHERE campaign_id = ${id} AND state = 'pending'
      AND EXISTS (SELECT 1 FROM campaign_recipients x
                  WHERE x.phone = campaign_recipients.phone AND x.queued_at >= ${now - DAY_MS})`);
}

/** The campaign's tag, reused when a tag of that name (any case) exists. */
function tagFor(tx: Tx, name: string, now: number): number {
  const tag = campaignTagName(name);
  const found = tx.get<{ id: number } | undefined>(sql`SELECT id FROM tags WHERE lower(name) = lower(${tag})`);
  if (found) return found.id;
  return tx.get<{ id: number }>(sql`INSERT INTO tags (name, created_at) VALUES (${tag}, ${now}) RETURNING id`).id;
}

type Change = { state: CampaignState; audit: 'campaign.paused' | 'campaign.resumed' | 'campaign.cancelled' } | null;

/** One lifecycle move in a transaction: `decide` says what it becomes (null: already there, nothing to do). */
function move(
  ctx: DomainContext,
  actor: Actor,
  id: number,
  decide: (c: VisibleCampaign['campaign'], now: number) => Change,
  apply: (tx: Tx, c: VisibleCampaign['campaign'], now: number) => MessageStopped[],
): void {
  const now = ctx.now();
  const done = ctx.db.transaction((tx) => {
    const { campaign, inboxId } = assertMayManage({ db: tx }, actor, id);
    const change = decide(campaign, now);
    if (!change) return null;
    const stopped = apply(tx, campaign, now);
    recordAudit(ctx, tx, actor, {
      action: change.audit,
      subject: { id, name: campaign.name },
      changes: { state: { from: campaign.state, to: change.state } },
    });
    return { inboxId, stopped };
  });
  if (!done) return;
  for (const m of done.stopped) ctx.events.emit('message.updated', m);
  ctx.events.emit('campaign.changed', { campaignId: id, inboxId: done.inboxId });
}

/**
 * Stops queueing and holds the texts already in the outbox (those being sent this moment still go). A campaign the
 * carrier paused becomes paused by hand: it no longer resumes by itself. Pausing a paused one changes nothing.
 */
export function pauseCampaign(ctx: DomainContext, actor: Actor, id: number): void {
  move(
    ctx,
    actor,
    id,
    (c) => {
      if (c.state === 'draft') throw sendConflict('campaign.not_started');
      if (c.state === 'done' || c.state === 'cancelled') throw sendConflict('campaign.finished');
      if (c.state === 'paused' && c.pausedReason === 'manual') return null;
      return { state: 'paused', audit: 'campaign.paused' };
    },
    (tx, c, now) => {
      tx.run(sql`
        UPDATE campaigns SET state = 'paused', paused_reason = 'manual', resume_at = NULL, version = version + 1,
          updated_at = ${now}
        WHERE id = ${c.id}`);
      tx.run(sql`
        UPDATE messages SET next_attempt_at = ${HELD}
        WHERE status = 'queued' AND campaign_id = ${c.id} AND leased = 0`);
      return [];
    },
  );
}

/** Goes on where it stopped (or waits for its start time if that is still ahead). Resuming a running one changes nothing. */
export function resumeCampaign(ctx: DomainContext, actor: Actor, id: number): void {
  move(
    ctx,
    actor,
    id,
    (c, now) => {
      if (c.state === 'draft') throw sendConflict('campaign.not_started');
      if (c.state === 'done' || c.state === 'cancelled') throw sendConflict('campaign.finished');
      if (c.state !== 'paused') return null;
      return { state: (c.sendAt ?? 0) > now ? 'scheduled' : 'sending', audit: 'campaign.resumed' };
    },
    (tx, c, now) => {
      const state = (c.sendAt ?? 0) > now ? 'scheduled' : 'sending';
      tx.run(sql`
        UPDATE campaigns SET state = ${state}, paused_reason = NULL, resume_at = NULL, version = version + 1,
          started_at = coalesce(started_at, ${state === 'sending' ? now : null}), updated_at = ${now}
        WHERE id = ${c.id}`);
      releaseHeld(tx, c.id, now);
      return [];
    },
  );
}

/** A paused campaign's held texts are due again (a carrier pause's too, when resumed early by hand or by time). */
export function releaseHeld(tx: Tx, campaignId: number, now: number): void {
  tx.run(sql`
    UPDATE messages SET next_attempt_at = ${now}
    WHERE status = 'queued' AND campaign_id = ${campaignId} AND leased = 0 AND next_attempt_at > ${now}`);
}

/**
 * Ends it for good: nobody not yet texted will be (pending → skipped `cancelled`), and texts still waiting in the
 * outbox fail as `cancelled` (one being sent this moment still goes). Cancelling a cancelled one changes nothing.
 */
export function cancelCampaign(ctx: DomainContext, actor: Actor, id: number): void {
  move(
    ctx,
    actor,
    id,
    (c) => {
      if (c.state === 'done') throw sendConflict('campaign.finished');
      if (c.state === 'cancelled') return null;
      return { state: 'cancelled', audit: 'campaign.cancelled' };
    },
    (tx, c, now) => {
      tx.run(sql`
        UPDATE campaigns SET state = 'cancelled', paused_reason = NULL, resume_at = NULL, finished_at = ${now},
          version = version + 1, updated_at = ${now}
        WHERE id = ${c.id}`);
      tx.run(sql`
        UPDATE campaign_recipients SET state = 'skipped', skip_reason = 'cancelled'
        WHERE campaign_id = ${c.id} AND state = 'pending'`);
      return tx.all<MessageStopped>(sql`
        UPDATE messages SET status = 'failed', next_attempt_at = NULL, error_code = 'cancelled',
          error_reason = 'the campaign was cancelled before it was sent', updated_at = ${now}
        WHERE status = 'queued' AND campaign_id = ${c.id} AND leased = 0
        RETURNING id AS messageId, conversation_id AS conversationId,
          (SELECT inbox_id FROM conversations WHERE id = conversation_id) AS inboxId`);
    },
  );
}
