/**
 * Campaign drafts: created from a number a manager may send from, edited section by section (each change bumps
 * `version`, so a form from a stale page is refused), read by everyone who sees the number's inbox.
 */
import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import {
  campaignFiles,
  campaignRecipients,
  campaigns,
  type CampaignState,
  type CampaignTemplate,
} from '../../db/schema/campaigns.ts';
import { inboxes } from '../../db/schema/inboxes.ts';
import { numbers } from '../../db/schema/numbers.ts';
import { isManager, type Actor, type DomainContext, type Tx } from '../context.ts';
import { conflict, invalid } from '../errors.ts';
import { inboxVisibleTo } from '../inboxes/access.ts';
import { adoptFile, checkUploads, type Upload } from '../media/attachments.ts';
import { dropUnreferenced, type MediaStore } from '../media/store.ts';
import { capabilitiesOf, type MessageKind } from '../messaging/capabilities.ts';
import { assertMayCreate, assertMayManage, assertMayRead, mayCreateCampaigns, type VisibleCampaign } from './access.ts';
import { footerWarns, unknownPlaceholders } from './message.ts';
import type { CampaignSettings } from './settings.ts';
import { checkTemplateChoice } from './whatsapp.ts';

export { assertMayManage, assertMayRead } from './access.ts';

const NAME_MAX = 80;
const FOOTER_MAX = 160;
/** The rate a campaign starts with, and the most a number with no throughput limit of its own allows. */
export const DEFAULT_RATE = 60;
export const UNLIMITED_RATE = 600;
/** No connection goes faster than 1 000 messages a second; the number's own ceiling is checked at start. */
const RATE_CEILING = 60_000;

export interface CampaignNumber {
  id: number;
  e164: string;
  inboxId: number;
  inboxName: string;
  /** sms, mms or whatsapp: a WhatsApp campaign sends an approved template instead of a free body. */
  kind: MessageKind;
}

/**
 * Numbers a campaign may go from: SMS and WhatsApp numbers of shared inboxes the actor manages (admins: all),
 * registered or not needing registration, not retired. A WhatsApp campaign sends an approved template (whatsapp.ts).
 */
export function campaignNumbers(ctx: Pick<DomainContext, 'db'>, actor: Actor): CampaignNumber[] {
  if (!mayCreateCampaigns(actor)) return [];
  return ctx.db
    .select({ id: numbers.id, e164: numbers.e164, inboxId: inboxes.id, inboxName: inboxes.name, kind: numbers.kind })
    .from(numbers)
    .innerJoin(inboxes, eq(inboxes.id, numbers.inboxId))
    .where(
      and(
        isNull(inboxes.ownerUserId),
        inboxVisibleTo(actor),
        inArray(numbers.kind, ['sms', 'whatsapp']),
        inArray(numbers.registration, ['registered', 'not-required']),
        isNull(numbers.retiredAt),
      ),
    )
    .orderBy(asc(inboxes.name), asc(numbers.e164))
    .all();
}

/**
 * The fastest a campaign may go: its share (max_share) of the slower of the number's and its connection's
 * messages per second, per minute. A limit of 0 is none; with none at all, UNLIMITED_RATE.
 */
export function maxRatePerMinute(
  settings: CampaignSettings,
  throughputs: { number: number; connection: number },
): number {
  const limits = [throughputs.number, throughputs.connection].filter((t) => t > 0);
  if (limits.length === 0) return UNLIMITED_RATE;
  return Math.max(1, Math.floor(Math.min(...limits) * 60 * settings.maxShare));
}

const cleanName = (raw: unknown): string => {
  const text = typeof raw === 'string' ? raw.trim().replace(/\s+/g, ' ') : '';
  if (text.length < 1 || text.length > NAME_MAX) throw invalid('campaign.name_invalid', 'name', { max: NAME_MAX });
  return text;
};

function emitChanged(ctx: DomainContext, campaignId: number, inboxId: number): void {
  ctx.events.emit('campaign.changed', { campaignId, inboxId });
}

export function createCampaign(
  ctx: DomainContext,
  actor: Actor,
  settings: CampaignSettings,
  input: { name: unknown; numberId: number },
): { id: number } {
  assertMayCreate(actor);
  const name = cleanName(input.name);
  const number = campaignNumbers(ctx, actor).find((n) => n.id === input.numberId);
  if (!number) throw invalid('campaign.number_invalid', 'numberId');
  const now = ctx.now();
  const { id } = ctx.db
    .insert(campaigns)
    .values({
      name,
      numberId: number.id,
      createdBy: actor.id,
      footer: settings.footer,
      ratePerMinute: DEFAULT_RATE,
      createdAt: now,
      updatedAt: now,
    })
    .returning({ id: campaigns.id })
    .get();
  emitChanged(ctx, id, number.inboxId);
  return { id };
}

/**
 * Inside a write: the campaign as its manager may change it, in state draft and at the version their page showed.
 * Bumps the version, so this write is the one that counts.
 */
export function draftForChange(tx: Tx, actor: Actor, id: number, version: number | null): VisibleCampaign {
  const row = assertMayManage({ db: tx }, actor, id);
  if (row.campaign.state !== 'draft') throw conflict('campaign.not_draft');
  if (version !== null && row.campaign.version !== version) throw conflict('campaign.stale');
  return row;
}

/** Marks the draft changed (inside the write): a new version and time. */
export function touch(tx: Tx, id: number, now: number, fields: Partial<typeof campaigns.$inferInsert> = {}): void {
  tx.update(campaigns)
    .set({ ...fields, version: sql`${campaigns.version} + 1`, updatedAt: now })
    .where(eq(campaigns.id, id))
    .run();
}

export interface DraftInput {
  version: number;
  name?: unknown;
  body?: unknown;
  footer?: unknown;
  trackLinks?: boolean;
  ratePerMinute?: unknown;
  /** WhatsApp numbers only: the approved template and the texts of its variables. */
  template?: { name: string; language: string; params: readonly unknown[] };
  /** Files every recipient gets: `add` join those kept, `remove` (their positions, as listed) go. */
  files?: { media: MediaStore; add: Upload[]; remove: number[] };
}

/**
 * One section of the editor saved, its files with it in the same transaction: each field checked in place (422
 * naming it), 409 when stale or started; nothing is kept of a save that is refused.
 */
export function updateDraft(ctx: DomainContext, actor: Actor, id: number, input: DraftInput): void {
  const now = ctx.now();
  const adopted: string[] = [];
  let removed: string[] = [];
  let inboxId: number;
  try {
    inboxId = ctx.db.transaction((tx) => {
      const row = draftForChange(tx, actor, id, input.version);
      touch(tx, id, now, draftFields(tx, row.campaign, input));
      if (input.files) removed = changeFiles(tx, row.campaign, input.files, adopted);
      return row.inboxId;
    });
  } catch (err) {
    if (input.files) dropUnreferenced(ctx, input.files.media, adopted);
    throw err;
  }
  if (input.files) dropUnreferenced(ctx, input.files.media, removed);
  emitChanged(ctx, id, inboxId);
}

/** The draft's columns as `input` changes them, each checked (422 naming the field). */
function draftFields(tx: Tx, campaign: VisibleCampaign['campaign'], input: DraftInput) {
  const fields: Partial<typeof campaigns.$inferInsert> = {};
  if (input.name !== undefined) fields.name = cleanName(input.name);
  if (input.body !== undefined) {
    const body = typeof input.body === 'string' ? input.body.replace(/\r\n?/g, '\n').trim() : '';
    const max = capabilitiesOf('sms').textLimit;
    if (body.length > max) throw invalid('campaign.body_too_long', 'body', { max });
    const unknown = unknownPlaceholders(body, campaign.variables);
    if (unknown.length > 0) {
      throw invalid('campaign.unknown_placeholder', 'body', {
        names: unknown.map((name) => `{{${name}}}`).join(', '),
      });
    }
    fields.body = body;
  }
  if (input.footer !== undefined) {
    const footer = typeof input.footer === 'string' ? input.footer.trim().replace(/\s+/g, ' ') : '';
    if (footer.length > FOOTER_MAX) throw invalid('campaign.footer_too_long', 'footer', { max: FOOTER_MAX });
    fields.footer = footer;
  }
  if (input.trackLinks !== undefined) fields.trackLinks = input.trackLinks;
  if (input.template !== undefined) {
    const number = tx
      .select({ kind: numbers.kind, channel: numbers.channel })
      .from(numbers)
      .where(eq(numbers.id, campaign.numberId))
      .get()!;
    if (number.kind !== 'whatsapp') throw invalid('campaign.template_not_whatsapp', 'template');
    fields.template = checkTemplateChoice(tx, number.channel, campaign.variables, input.template);
  }
  if (input.ratePerMinute !== undefined) {
    const rate = Number(input.ratePerMinute);
    // The number's own ceiling is checked when the campaign starts (it depends on the running configuration).
    if (!Number.isInteger(rate) || rate < 1 || rate > RATE_CEILING) {
      throw invalid('campaign.rate_invalid', 'ratePerMinute', { max: RATE_CEILING });
    }
    fields.ratePerMinute = rate;
  }
  return fields;
}

export interface CampaignFile {
  seq: number;
  filename: string;
  contentType: string;
  kind: string;
  size: number;
  sha256: string;
}

export interface CampaignView {
  id: number;
  name: string;
  state: CampaignState;
  version: number;
  numberId: number;
  e164: string;
  inboxId: number;
  inboxName: string;
  body: string;
  footer: string;
  /** The footer no longer tells how to opt out (or is empty): the editor warns. */
  footerWarning: boolean;
  trackLinks: boolean;
  ratePerMinute: number;
  sendAt: number | null;
  startedAt: number | null;
  finishedAt: number | null;
  pausedReason: string | null;
  resumeAt: number | null;
  variables: string[];
  /** WhatsApp: the chosen template and its variables' texts (null: none yet, or an SMS campaign). */
  template: CampaignTemplate | null;
  /** The number's kind and connection (a WhatsApp one lists its templates). */
  kind: MessageKind;
  channel: string;
  files: CampaignFile[];
  /** The number's file limits (0 files: none allowed) and whether files go as a link (SMS) or an MMS. */
  maxAttachments: number;
  maxAttachmentBytes: number;
  mediaRoute: 'link' | 'mm7';
  createdBy: number | null;
  createdAt: number;
  updatedAt: number;
  /** Whether this reader may edit, send, pause or cancel it. */
  mayManage: boolean;
}

export function getCampaign(ctx: Pick<DomainContext, 'db'>, actor: Actor, id: number): CampaignView {
  const { campaign: c, inboxId, inboxName, e164 } = assertMayRead(ctx, actor, id);
  const number = ctx.db
    .select({
      maxAttachments: numbers.maxAttachments,
      maxAttachmentBytes: numbers.maxAttachmentBytes,
      mediaRoute: numbers.mediaRoute,
      kind: numbers.kind,
      channel: numbers.channel,
    })
    .from(numbers)
    .where(eq(numbers.id, c.numberId))
    .get()!;
  const files = ctx.db
    .select({
      seq: campaignFiles.seq,
      filename: campaignFiles.filename,
      contentType: campaignFiles.contentType,
      kind: campaignFiles.kind,
      size: campaignFiles.size,
      sha256: campaignFiles.sha256,
    })
    .from(campaignFiles)
    .where(eq(campaignFiles.campaignId, id))
    .orderBy(asc(campaignFiles.seq))
    .all();
  return {
    id: c.id,
    name: c.name,
    state: c.state,
    version: c.version,
    numberId: c.numberId,
    e164,
    inboxId,
    inboxName,
    body: c.body,
    footer: c.footer,
    footerWarning: footerWarns(c.footer),
    trackLinks: c.trackLinks,
    ratePerMinute: c.ratePerMinute,
    sendAt: c.sendAt,
    startedAt: c.startedAt,
    finishedAt: c.finishedAt,
    pausedReason: c.pausedReason,
    resumeAt: c.resumeAt,
    variables: c.variables,
    template: c.template,
    files,
    ...number,
    createdBy: c.createdBy,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    mayManage: isManager(actor),
  };
}

export interface CampaignListRow {
  id: number;
  name: string;
  state: CampaignState;
  e164: string;
  inboxName: string;
  recipients: number;
  /** Recipients done with: queued to the outbox or skipped. */
  handled: number;
  sendAt: number | null;
  finishedAt: number | null;
  createdAt: number;
}

/** Campaigns of the shared inboxes the actor sees, newest first. */
export function listCampaigns(ctx: Pick<DomainContext, 'db'>, actor: Actor): CampaignListRow[] {
  const counts = ctx.db
    .select({
      campaignId: campaignRecipients.campaignId,
      recipients: sql<number>`count(*)`.as('recipients'),
      handled: sql<number>`sum(${campaignRecipients.state} <> 'pending')`.as('handled'),
    })
    .from(campaignRecipients)
    .groupBy(campaignRecipients.campaignId)
    .as('counts');
  return ctx.db
    .select({
      id: campaigns.id,
      name: campaigns.name,
      state: campaigns.state,
      e164: numbers.e164,
      inboxName: inboxes.name,
      recipients: sql<number>`coalesce(${counts.recipients}, 0)`,
      handled: sql<number>`coalesce(${counts.handled}, 0)`,
      sendAt: campaigns.sendAt,
      finishedAt: campaigns.finishedAt,
      createdAt: campaigns.createdAt,
    })
    .from(campaigns)
    .innerJoin(numbers, eq(numbers.id, campaigns.numberId))
    .innerJoin(inboxes, eq(inboxes.id, numbers.inboxId))
    .leftJoin(counts, eq(counts.campaignId, campaigns.id))
    .where(and(isNull(inboxes.ownerUserId), inboxVisibleTo(actor)))
    .orderBy(desc(campaigns.createdAt), desc(campaigns.id))
    .all();
}

/**
 * The draft's files changed: `remove` (their positions, as listed) go, `add` join the ones kept, checked like a
 * reply's against the number's limits (the kept ones count towards its number of files). The bytes are stored once
 * by content (the new ones' listed in `adopted`); gives back the removed ones', to go when nothing else uses them.
 */
function changeFiles(
  tx: Tx,
  campaign: { id: number; numberId: number },
  change: { media: MediaStore; add: Upload[]; remove: number[] },
  adopted: string[],
): string[] {
  if (change.add.length === 0 && change.remove.length === 0) return [];
  const limits = tx
    .select({ maxAttachments: numbers.maxAttachments, maxAttachmentBytes: numbers.maxAttachmentBytes })
    .from(numbers)
    .where(eq(numbers.id, campaign.numberId))
    .get()!;
  const current = tx
    .delete(campaignFiles)
    .where(eq(campaignFiles.campaignId, campaign.id))
    .returning()
    .all()
    .sort((a, b) => a.seq - b.seq);
  const kept = current.filter((f) => !change.remove.includes(f.seq));
  const total = kept.length + change.add.length;
  if (change.add.length > 0 && total > limits.maxAttachments && limits.maxAttachments > 0)
    throw invalid('media.too_many', 'files', { max: limits.maxAttachments, n: total });
  const added = checkUploads(limits, change.add).map((file) => adoptFile(change.media, file, adopted));
  // Numbered again from 0: a message's attachments are copied from these in this order.
  [...kept, ...added].forEach((file, seq) => {
    tx.insert(campaignFiles)
      .values({ ...file, campaignId: campaign.id, seq })
      .run();
  });
  return current.filter((f) => change.remove.includes(f.seq)).map((f) => f.sha256);
}
