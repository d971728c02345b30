import type { Config } from '../config/schema.ts';
import { mayCreateCampaigns } from '../domain/campaigns/access.ts';
import { audienceCounts, rejectsOf } from '../domain/campaigns/audience.ts';
import { linkStats } from '../domain/campaigns/links.ts';
import { contactPlaceholders, previewOf } from '../domain/campaigns/message.ts';
import { campaignProgress, recipientsPage } from '../domain/campaigns/report.ts';
import {
  getCampaign,
  listCampaigns,
  maxRatePerMinute,
  type CampaignListRow,
  type CampaignView,
} from '../domain/campaigns/service.ts';
import type { CampaignSettings, SendWindow } from '../domain/campaigns/settings.ts';
import { approvedTemplatesOf, FIRST_VARIABLE } from '../domain/campaigns/whatsapp.ts';
import { isManager, type Actor, type DomainContext } from '../domain/context.ts';
import { listInboxesFor, teammatesOf } from '../domain/inboxes/service.ts';
import { listTags } from '../domain/tags/service.ts';
import { forbidden } from '../domain/errors.ts';
import type { MessageKey, Translate } from '../i18n/index.ts';

/** What the campaign pages read: the domain, the current configuration and its [campaigns] settings. */
export interface CampaignSource {
  domain: DomainContext;
  config: Config;
  settings: CampaignSettings;
}

/** A campaign as a row of the list shows it; `order` places a row pushed live among the others, newest first. */
function listRowOf(actor: Actor, c: CampaignListRow) {
  return {
    id: c.id,
    name: c.name,
    number: c.e164,
    inbox: c.inboxName,
    state: c.state,
    done: c.handled,
    total: c.recipients,
    at: c.finishedAt ?? c.sendAt ?? c.createdAt,
    href: c.state === 'draft' && isManager(actor) ? `/campaigns/${c.id}/edit` : `/campaigns/${c.id}`,
    order: `${c.createdAt}-${c.id}`,
  };
}

/** The rows of the campaign list: every campaign of an inbox the viewer sees, newest first. */
export function campaignListPage(src: CampaignSource, actor: Actor) {
  const rows = listCampaigns(src.domain, actor).map((c) => listRowOf(actor, c));
  return { rows, mayCreate: mayCreateCampaigns(actor) };
}

/**
 * One campaign's row of the list as it is now, what the live list redraws: read on its own (the whole list's counts
 * would be read for every push).
 */
export function campaignListRow(domain: DomainContext, actor: Actor, id: number) {
  const c = getCampaign(domain, actor, id);
  const { total, pending } = campaignProgress(domain, actor, id);
  return { c: listRowOf(actor, { ...c, recipients: total, handled: total - pending }) };
}

/** The campaign's own fields as every campaign page shows them. */
const campaignOf = (c: CampaignView) => ({ ...c, number: c.e164, inbox: c.inboxName });

/** The fastest a campaign from this number may go: its share of what the number and its connection are configured to take. */
export function maxRateOf(config: Config, settings: CampaignSettings, e164: string): number {
  const number = config.number.find((n) => n.e164 === e164);
  const connection = number?.whatsapp
    ? config.whatsapp.find((c) => c.name === number.whatsapp)
    : config.smpp.find((c) => c.name === number?.smpp);
  return maxRatePerMinute(settings, { number: number?.throughput ?? 0, connection: connection?.throughput ?? 0 });
}

const clock = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
const windowText = (w: SendWindow) => ({ from: clock(w.from), until: clock(w.until) });

export interface EditorState {
  errors?: Record<string, string>;
  draft?: Record<string, string>;
  audienceNotice?: string;
  messageNotice?: string;
  previewIndex?: number;
}

/** The preview of one recipient's text, none while the audience is empty. */
export function campaignPreview(src: CampaignSource, actor: Actor, id: number, index: number) {
  return {
    campaign: campaignOf(getCampaign(src.domain, actor, id)),
    preview: previewOf(src.domain, actor, id, index, src.config.server.public_url),
  };
}

/** The draft editor: its three sections (audience, message, schedule) with what each form needs. */
export function campaignEditor(src: CampaignSource, actor: Actor, id: number, t: Translate, state: EditorState = {}) {
  const campaign = campaignOf(getCampaign(src.domain, actor, id));
  // Readers see the campaign page; only its managers open the editor.
  if (!campaign.mayManage) throw forbidden();
  const counts = audienceCounts(src.domain, actor, id);
  const rejects = rejectsOf(src.domain, actor, id, { limit: 50, offset: 0 });
  const preview = previewOf(src.domain, actor, id, state.previewIndex ?? 0, src.config.server.public_url);
  return {
    campaign,
    counts,
    rejects: {
      total: rejects.total,
      rows: rejects.rows.map((r) => ({ ...r, reasonText: t(r.reason as MessageKey) })),
    },
    choices: {
      tags: listTags(src.domain),
      inboxes: listInboxesFor(src.domain, actor).filter((i) => i.ownerUserId === null),
      teammates: teammatesOf(src.domain, actor),
    },
    placeholders: [...contactPlaceholders, ...campaign.variables],
    whatsapp: campaign.kind === 'whatsapp' ? templateChoices(src.domain, campaign, state.draft) : null,
    footerWarning: campaign.footerWarning,
    files: { allowed: campaign.maxAttachments > 0, max: campaign.maxAttachments, current: campaign.files },
    preview,
    maxRate: maxRateOf(src.config, src.settings, campaign.e164),
    window: windowText(src.settings.window),
    maxPerDay: src.settings.maxPerContactPerDay,
    maxCsvRows: src.settings.maxCsvRows,
    errors: state.errors ?? {},
    draft: state.draft ?? {},
    audienceNotice: state.audienceNotice ?? null,
    messageNotice: state.messageNotice ?? null,
  };
}

/** The template variables' fields the editor offers, as *New conversation* does; Meta's templates rarely use more. */
export const templateVariables = [
  'var1',
  'var2',
  'var3',
  'var4',
  'var5',
  'var6',
  'var7',
  'var8',
  'var9',
  'var10',
] as const;

/**
 * A WhatsApp campaign's Message section: the number's approved templates, the one chosen (as typed after a refusal
 * or a switch of the choice, else as saved) with its body, and a field for each of its own variables (as typed, else
 * as saved; {{1}} starts as the recipient's first name). None chosen, or one no longer approved: no fields.
 */
function templateChoices(domain: DomainContext, campaign: CampaignView, draft: Record<string, string> | undefined) {
  const templates = approvedTemplatesOf(domain.db, campaign.channel).map((t) => ({
    ...t,
    value: `${t.name}|${t.language}`,
  }));
  const saved = campaign.template;
  const chosen = draft?.template ?? (saved ? `${saved.name}|${saved.language}` : '');
  const template = templates.find((t) => t.value === chosen);
  const count = Math.min(templateVariables.length, template?.variables ?? 0);
  const params = Array.from({ length: count }, (_, i) => draft?.[`var${i + 1}`] ?? variableStart(saved, i));
  return { templates, chosen, body: template?.body ?? null, params };
}

/** A variable's text where the form had no field for it yet: as saved, else {{1}} the first name and the rest empty. */
export const variableStart = (saved: CampaignView['template'], i: number): string =>
  saved?.params[i] ?? (i === 0 ? FIRST_VARIABLE : '');

/** The live part of the campaign page: its state, counts, reasons and (for managers) pause, resume and cancel. */
export function campaignProgressOf(domain: DomainContext, actor: Actor, id: number, progressError?: string) {
  const campaign = campaignOf(getCampaign(domain, actor, id));
  const progress = campaignProgress(domain, actor, id);
  const skipped = Object.entries(progress.skipped)
    .map(([reason, count]) => ({ reason, count }))
    .filter((s) => s.count > 0);
  return {
    campaign,
    progress,
    skipped,
    bar: barOf(progress),
    actions: campaign.mayManage ? actionsFor(campaign.state) : [],
    mayEdit: campaign.mayManage && campaign.state === 'draft',
    progressError: progressError ?? null,
  };
}

/** The progress bar's parts, left to right, in thousandths of its width. */
function barOf(p: { total: number; delivered: number; sent: number; queued: number; failed: number }) {
  let x = 0;
  return (['delivered', 'sent', 'queued', 'failed'] as const).map((part) => {
    const width = p.total ? Math.round((p[part] / p.total) * 1000) : 0;
    const segment = { part, x, width };
    x += width;
    return segment;
  });
}

interface CampaignAction {
  name: 'pause' | 'resume' | 'cancel';
  icon: string;
  danger: boolean;
  /** Asked before it is done (cancelling cannot be undone). */
  confirm: boolean;
}

/** What a manager may do to a campaign in this state. */
function actionsFor(state: CampaignView['state']): CampaignAction[] {
  const actions: CampaignAction[] = [];
  if (state === 'sending' || state === 'scheduled')
    actions.push({ name: 'pause', icon: 'pause', danger: false, confirm: false });
  if (state === 'paused') actions.push({ name: 'resume', icon: 'play', danger: false, confirm: false });
  if (state === 'sending' || state === 'scheduled' || state === 'paused')
    actions.push({ name: 'cancel', icon: 'circle-x', danger: true, confirm: true });
  return actions;
}

/** The campaign page: progress, and one page of its recipients. */
export function campaignPage(domain: DomainContext, actor: Actor, id: number, t: Translate, after?: number) {
  const page = recipientsPage(domain, actor, id, { ...(after !== undefined ? { after } : {}), limit: 50 });
  return {
    ...campaignProgressOf(domain, actor, id),
    links: linkStats(domain, actor, id),
    recipients: {
      // Read again (this same page of them) when the live progress changes: see static/behaviours/campaign-progress.js.
      url: `/campaigns/${id}${after !== undefined ? `?after=${after}` : ''}`,
      next: page.next,
      rows: page.rows.map((r) => ({ ...r, stateText: recipientStateText(r, t), error: r.errorReason ?? r.errorCode })),
    },
  };
}

/** A recipient's state in words: waiting, not texted (why), or the message's own status. */
function recipientStateText(
  r: { state: string; skipReason: string | null; messageStatus: string | null },
  t: Translate,
): string {
  if (r.state === 'skipped' && r.skipReason)
    return t('campaign.r_skipped', { reason: t(`campaign.skip_${r.skipReason}` as MessageKey) });
  if (r.state === 'pending') return t('campaign.r_pending');
  const status = r.messageStatus;
  if (status === 'delivered') return t('campaign.r_delivered');
  if (status === 'failed') return t('campaign.r_failed');
  if (status === 'sent') return t('campaign.r_sent');
  return t('campaign.r_queued');
}
