/**
 * Hands campaign texts to the outbox at each campaign's pace. Every pick is checked again as it is queued — opt-out
 * and registration (the one send gate), the per-phone cap, quiet hours where the recipient may be — and a recipient
 * becomes `queued` with its message id in the same transaction as the message: nobody is texted twice, whatever
 * stops the process when.
 */
import { sql } from 'drizzle-orm';
import type { CampaignPauseReason, CampaignState, CampaignTemplate, SkipReason } from '../../db/schema/campaigns.ts';
import type { DomainContext, Tx } from '../context.ts';
import { DomainError } from '../errors.ts';
import { contactFor, existingContact } from '../contacts/book.ts';
import { customerLinkBase, type CustomerLinks } from '../messaging/links.ts';
import { addMediaLink, assertMayText, insertOutbound } from '../messaging/outbox.ts';
import { releaseHeld } from './lifecycle.ts';
import { shortenLinks } from './links.ts';
import { templateMessage } from '../messaging/templates.ts';
import { composeText, isFirstFromNumber, templateParamsFor, type RecipientFields } from './message.ts';
import { nextSendTime, windowFor } from './quiet-hours.ts';
import type { CampaignSettings } from './settings.ts';
import { recipientZones, splitZones } from './zones.ts';

const DAY_MS = 86_400_000;

/** A sending campaign as dispatch and its pacing see it. */
export interface SendingCampaign {
  id: number;
  numberId: number;
  inboxId: number;
  e164: string;
  /** The number's [[smpp]] (or other) connection. */
  channel: string;
  ratePerMinute: number;
}

interface CampaignRow extends SendingCampaign {
  name: string;
  body: string;
  footer: string;
  owner: number | null;
  mediaRoute: 'link' | 'mm7';
  kind: string;
  state: CampaignState;
  pausedReason: CampaignPauseReason | null;
  trackLinks: number;
  /** JSON of the WhatsApp template (null for SMS). */
  template: string | null;
}

interface Pick {
  id: number;
  phone: string;
  contactId: number | null;
  vars: Record<string, string> | null;
  /** The zones found when the recipient was added (recipientZones). */
  zones: string;
  /** The contact's own zone as it is now: someone may have set or changed it since. */
  contactZone: string | null;
}

export interface DispatchOptions {
  /** For files on a number whose route is `link`: where the link points and how long it opens them. */
  fileLinks?: { links: CustomerLinks; linkDays: number };
}

/**
 * Starts scheduled campaigns whose time came and carrier-paused ones whose pause ran out; then, per sending campaign,
 * queues up to `budgetOf(campaign)` due recipients in one transaction. A campaign with nobody pending left is done.
 * Returns how many texts were queued and the earliest later moment something falls due (null: nothing waits).
 */
export function dispatchDue(
  ctx: DomainContext,
  settings: CampaignSettings,
  now: number,
  budgetOf: (campaign: SendingCampaign) => number,
  options: DispatchOptions = {},
): { queued: number; wakeAt: number | null; byCampaign: Map<number, number> } {
  const touched = new Map<number, number>();
  const byCampaign = new Map<number, number>();
  let queued = 0;
  let wakeAt: number | null = null;
  const wake = (at: number | null) => {
    if (at !== null && at > now && (wakeAt === null || at < wakeAt)) wakeAt = at;
  };
  ctx.db.transaction((tx) => {
    for (const c of tx.all<{ id: number; inboxId: number }>(sql`
      UPDATE campaigns SET state = 'sending', started_at = coalesce(started_at, ${now}), version = version + 1,
        updated_at = ${now}
      WHERE state = 'scheduled' AND send_at <= ${now}
      RETURNING id, (SELECT inbox_id FROM numbers WHERE id = number_id) AS inboxId`))
      touched.set(c.id, c.inboxId);
    for (const c of tx.all<{ id: number; inboxId: number }>(sql`
      UPDATE campaigns SET state = 'sending', paused_reason = NULL, resume_at = NULL, version = version + 1,
        updated_at = ${now}
      WHERE state = 'paused' AND paused_reason <> 'manual' AND resume_at <= ${now}
      RETURNING id, (SELECT inbox_id FROM numbers WHERE id = number_id) AS inboxId`)) {
      releaseHeld(tx, c.id, now);
      touched.set(c.id, c.inboxId);
    }
    const next = tx.get<{ at: number | null }>(sql`
      SELECT min(CASE WHEN state = 'scheduled' THEN send_at ELSE resume_at END) AS at FROM campaigns
      WHERE state = 'scheduled' OR (state = 'paused' AND paused_reason <> 'manual')`);
    wake(next.at);
  });
  const sending = ctx.db.all<CampaignRow>(sql`
    SELECT c.id, c.name, c.body, c.footer, c.number_id AS numberId, c.rate_per_minute AS ratePerMinute, c.state,
      c.paused_reason AS pausedReason, n.inbox_id AS inboxId, n.e164, n.channel, n.media_route AS mediaRoute,
      n.kind, i.owner_user_id AS owner, c.track_links AS trackLinks, c.template
    FROM campaigns c JOIN numbers n ON n.id = c.number_id JOIN inboxes i ON i.id = n.inbox_id
    WHERE c.state = 'sending' ORDER BY c.id`);
  for (const campaign of sending) {
    const budget = Math.floor(budgetOf(campaign));
    const result = dispatchCampaign(ctx, settings, campaign, now, budget, options);
    queued += result.queued;
    byCampaign.set(campaign.id, result.queued);
    if (result.changed) touched.set(campaign.id, campaign.inboxId);
    wake(result.wakeAt);
    // An open conversation shows its campaign text as it shows a reply (a new one is closed: no list takes it).
    for (const m of result.messages) ctx.events.emit('message.created', { ...m, direction: 'out' });
  }
  for (const [campaignId, inboxId] of touched) ctx.events.emit('campaign.changed', { campaignId, inboxId });
  return { queued, wakeAt, byCampaign };
}

/** A campaign's texts in the outbox not yet taken by the carrier (the dispatcher keeps this to a few seconds' worth). */
export function campaignBacklog(ctx: DomainContext, campaignId: number): number {
  return ctx.db.get<{ n: number }>(
    sql`SELECT count(*) AS n FROM messages WHERE status = 'queued' AND campaign_id = ${campaignId}`,
  ).n;
}

/** One campaign's turn, one transaction. */
function dispatchCampaign(
  ctx: DomainContext,
  settings: CampaignSettings,
  campaign: CampaignRow,
  now: number,
  budget: number,
  options: DispatchOptions,
): { queued: number; changed: boolean; wakeAt: number | null; messages: Queued[] } {
  const messages: Queued[] = [];
  const turn = ctx.db.transaction((tx) => {
    // Re-read inside the write: a pause or cancel committed since the list was read wins.
    const state = tx.get<{ state: CampaignState }>(sql`SELECT state FROM campaigns WHERE id = ${campaign.id}`).state;
    if (state !== 'sending') return { queued: 0, changed: false, wakeAt: null };
    let queued = 0;
    let changed = false;
    if (budget > 0) {
      for (const pick of duePicks(tx, campaign.id, now, budget)) {
        const outcome = dispatchOne(tx, settings, campaign, pick, now, options);
        changed = true;
        if (typeof outcome === 'object') {
          queued += 1;
          messages.push(outcome);
        }
      }
    }
    const left = tx.get<{ pending: number; next: number | null }>(sql`
      SELECT count(*) AS pending, min(not_before) AS next FROM campaign_recipients
      WHERE campaign_id = ${campaign.id} AND state = 'pending'`);
    if (left.pending === 0) {
      // Done once the carrier has taken its last text: until then a throttling answer still pauses it, and it shows.
      const inOutbox = tx.get<{ one: number } | undefined>(sql`
        SELECT 1 AS one FROM messages WHERE status = 'queued' AND campaign_id = ${campaign.id} LIMIT 1`);
      if (inOutbox) return { queued, changed, wakeAt: now + 1 };
      tx.run(sql`
        UPDATE campaigns SET state = 'done', finished_at = ${now}, version = version + 1, updated_at = ${now}
        WHERE id = ${campaign.id}`);
      return { queued, changed: true, wakeAt: null };
    }
    const due = tx.get<{ one: number } | undefined>(sql`
      SELECT 1 AS one FROM campaign_recipients
      WHERE campaign_id = ${campaign.id} AND state = 'pending' AND (not_before IS NULL OR not_before <= ${now}) LIMIT 1`);
    return { queued, changed, wakeAt: due ? now + 1 : left.next };
  });
  return { ...turn, messages: turn.queued > 0 ? messages : [] };
}

/** A text queued, for the announcement after the commit. */
interface Queued {
  conversationId: number;
  messageId: number;
  inboxId: number;
}

/** Up to `limit` pending recipients due now: those never held back first (in the order planned), then the held-back. */
function duePicks(tx: Tx, campaignId: number, now: number, limit: number): Pick[] {
  const rows = tx.all<Omit<Pick, 'vars'> & { vars: string | null }>(sql`
    SELECT p.*, (SELECT time_zone FROM contacts WHERE id = p.contactId) AS contactZone FROM (
      SELECT * FROM (
        SELECT id, phone, contact_id AS contactId, vars, zones FROM campaign_recipients
        WHERE campaign_id = ${campaignId} AND state = 'pending' AND not_before IS NULL ORDER BY id LIMIT ${limit})
      UNION ALL
      SELECT * FROM (
        SELECT id, phone, contact_id AS contactId, vars, zones FROM campaign_recipients
        WHERE campaign_id = ${campaignId} AND state = 'pending' AND not_before <= ${now}
        ORDER BY not_before, id LIMIT ${limit})) AS p`);
  return rows
    .slice(0, limit)
    .map((r) => ({ ...r, vars: r.vars === null ? null : (JSON.parse(r.vars) as Record<string, string>) }));
}

function skip(tx: Tx, id: number, reason: SkipReason): 'skipped' {
  tx.run(sql`UPDATE campaign_recipients SET state = 'skipped', skip_reason = ${reason} WHERE id = ${id}`);
  return 'skipped';
}

function holdUntil(tx: Tx, id: number, at: number): 'held' {
  tx.run(sql`UPDATE campaign_recipients SET not_before = ${at} WHERE id = ${id}`);
  return 'held';
}

/** The gates, then the text: queued, skipped for good, or held back until a later moment. */
function dispatchOne(
  tx: Tx,
  settings: CampaignSettings,
  campaign: CampaignRow,
  pick: Pick,
  now: number,
  options: DispatchOptions,
): Queued | 'skipped' | 'held' {
  const whatsapp = campaign.kind === 'whatsapp';
  try {
    // A template passes WhatsApp's 24-hour window, not the rest of the gate (opt-out, a retired number).
    assertMayText(tx, campaign.numberId, pick.phone, { conversationId: null, now, template: whatsapp });
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    return skip(tx, pick.id, err.key === 'sms.opted_out' ? 'opted_out' : 'unregistered');
  }
  // The cap across all campaigns: the oldest of the last `max` texts to this phone decides when the next may go.
  const recent = tx.all<{ at: number }>(sql`
    SELECT queued_at AS at FROM campaign_recipients
    WHERE phone = ${pick.phone} AND queued_at > ${now - DAY_MS}
    ORDER BY queued_at DESC LIMIT ${settings.maxPerContactPerDay}`);
  if (recent.length >= settings.maxPerContactPerDay) return holdUntil(tx, pick.id, recent.at(-1)!.at + DAY_MS);
  const zones = pick.contactId === null ? splitZones(pick.zones) : recipientZones(pick.contactZone, pick.phone);
  const at = nextSendTime(zones, windowFor(settings, pick.phone), now);
  if (at === null) return skip(tx, pick.id, 'no_window');
  if (at > now) return holdUntil(tx, pick.id, at);

  const inbox = { id: campaign.inboxId, owner: campaign.owner };
  const known = pick.contactId ?? existingContact(tx, inbox, pick.phone);
  const contact =
    known === null
      ? null
      : (tx.get<{ name: string | null; company: string | null } | undefined>(
          sql`SELECT name, company FROM contacts WHERE id = ${known}`,
        ) ?? null);
  const recipient = { phone: pick.phone, vars: pick.vars, contact };
  // Before any contact or conversation is made: a WhatsApp recipient the template cannot be filled for is skipped.
  const template = whatsapp ? templateFor(tx, campaign, recipient, contact) : null;
  if (typeof template === 'string') return skip(tx, pick.id, template);
  const contactId = known ?? contactFor(tx, inbox, pick.phone);
  // The latest conversation with the phone on this number keeps its status; a new one starts closed, so a big
  // campaign does not fill the open list (a reply reopens it, as any customer text does).
  const conversation =
    tx.get<{ id: number; inboxId: number } | undefined>(sql`
      SELECT id, inbox_id AS inboxId FROM conversations WHERE number_id = ${campaign.numberId} AND phone = ${pick.phone}
      ORDER BY id DESC LIMIT 1`) ??
    tx.get<{ id: number; inboxId: number }>(sql`
      INSERT INTO conversations (inbox_id, number_id, contact_id, phone, status, last_message_at, created_at)
      VALUES (${campaign.inboxId}, ${campaign.numberId}, ${contactId}, ${pick.phone}, 'closed', ${now}, ${now})
      RETURNING id, inbox_id AS inboxId`);
  const conversationId = conversation.id;
  let messageId: number;
  if (template) {
    // Automatic (no author), as below; the outbox sends the template, the timeline shows its filled text.
    messageId = insertOutbound(tx, conversationId, template.body, null, now, {
      campaignId: campaign.id,
      content: template.content,
    });
  } else {
    const composed = composeText(campaign, recipient, {
      firstFromNumber: isFirstFromNumber(tx, campaign.numberId, pick.phone),
    });
    const text = trackedLinks(tx, campaign, pick.id, composed, options);
    // Automatic (no author): a campaign text does not end a customer's wait for an answer.
    messageId = insertOutbound(tx, conversationId, text, null, now, { campaignId: campaign.id });
    attachCampaignFiles(tx, campaign, messageId, now, options);
  }
  tx.run(sql`
    UPDATE campaign_recipients SET state = 'queued', message_id = ${messageId}, conversation_id = ${conversationId},
      contact_id = ${contactId}, queued_at = ${now}
    WHERE id = ${pick.id}`);
  return { conversationId, messageId, inboxId: conversation.inboxId };
}

/**
 * A WhatsApp recipient's template message: the variables filled for them, the template approved now. A variable
 * filled empty (Meta refuses an empty parameter) or a template no longer approved skips the recipient.
 */
function templateFor(
  tx: Tx,
  campaign: CampaignRow,
  recipient: RecipientFields,
  contact: { name: string | null; company: string | null } | null,
): ReturnType<typeof templateMessage> | SkipReason {
  const template = JSON.parse(campaign.template ?? 'null') as CampaignTemplate | null;
  if (!template) return 'template_unapproved';
  const params = templateParamsFor(template, recipient);
  if (params.some((p) => p === '')) return 'missing_value';
  try {
    return templateMessage(
      tx,
      campaign.channel,
      { ...template, params },
      { contactName: contact?.name ?? null, company: contact?.company ?? null, phone: recipient.phone },
    );
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    return 'template_unapproved';
  }
}

/** The campaign's files go with each text as a reply's would: as an MMS (route mm7) or behind a link (route link). */
function attachCampaignFiles(
  tx: Tx,
  campaign: CampaignRow,
  messageId: number,
  now: number,
  options: DispatchOptions,
): void {
  const copied = tx.run(sql`
    INSERT INTO attachments (message_id, seq, sha256, content_type, kind, filename, size, meta)
    SELECT ${messageId}, seq, sha256, content_type, kind, filename, size, meta FROM campaign_files
    WHERE campaign_id = ${campaign.id}`);
  if (copied.changes === 0 || campaign.kind !== 'sms' || campaign.mediaRoute !== 'link' || !options.fileLinks) return;
  const { links, linkDays } = options.fileLinks;
  // Without server.public_url there is no address for the link: the text goes without it rather than the campaign stalling.
  if (links.publicUrl === undefined && links.sandbox?.connection !== campaign.channel) return;
  addMediaLink(tx, messageId, customerLinkBase(links, campaign.channel, 'files'), linkDays, now);
}

/**
 * With "Track links", the text's links as the recipient's own short links. Without an address for them (no
 * server.public_url) the links go as written rather than the campaign stalling, as files behind a link do.
 */
function trackedLinks(tx: Tx, campaign: CampaignRow, recipientId: number, text: string, options: DispatchOptions) {
  const links = options.fileLinks?.links;
  if (!campaign.trackLinks || !links) return text;
  if (links.publicUrl === undefined && links.sandbox?.connection !== campaign.channel) return text;
  const base = customerLinkBase(links, campaign.channel, 'body');
  return shortenLinks(tx, { campaignId: campaign.id, recipientId, text, base });
}
