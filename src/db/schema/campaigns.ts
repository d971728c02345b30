import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { AttachmentKind, AttachmentMeta } from './media.ts';
import { conversations, messages, tags } from './conversations.ts';
import { contacts } from './contacts.ts';
import { numbers } from './numbers.ts';
import { users } from './users.ts';

/**
 * draft → scheduled (a start time) → sending ⇄ paused → done, or cancelled from any state before done. A
 * carrier's throttling or daily cap pauses a sending campaign with `pausedReason` 'carrier' and a `resumeAt`.
 */
export const campaignStates = ['draft', 'scheduled', 'sending', 'paused', 'done', 'cancelled'] as const;
export type CampaignState = (typeof campaignStates)[number];

export const campaignPauseReasons = ['manual', 'carrier_throttle', 'carrier_daily_cap'] as const;
export type CampaignPauseReason = (typeof campaignPauseReasons)[number];

/** A WhatsApp campaign's template: Meta's name and language, and the texts its variables are filled from. */
export interface CampaignTemplate {
  name: string;
  language: string;
  params: string[];
}

/** A bulk text from one number to many recipients, sent through the outbox at its own pace. */
export const campaigns = sqliteTable(
  'campaigns',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    /** Registered numbers only; its inbox is the campaign's inbox (rights, replies, assignment). */
    numberId: integer('number_id')
      .notNull()
      .references(() => numbers.id),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    state: text('state', { enum: campaignStates }).notNull().default('draft'),
    /** The text as written, with {{placeholders}} (contact fields and CSV columns). */
    body: text('body').notNull().default(''),
    /**
     * Appended to the first campaign message a phone ever gets from this number: the business name and how to opt
     * out. Empty when the manager removed it (the editor warns).
     */
    footer: text('footer').notNull(),
    /** Links in the body go out as the app's own short links, one token per recipient, counting clicks. */
    trackLinks: integer('track_links', { mode: 'boolean' }).notNull().default(false),
    /** Campaign messages handed to the outbox per minute (within the number's and connection's limits). */
    ratePerMinute: integer('rate_per_minute').notNull().default(60),
    /** When sending starts; null for a draft, the moment of "Send now" for one sent at once. */
    sendAt: integer('send_at'),
    startedAt: integer('started_at'),
    finishedAt: integer('finished_at'),
    pausedReason: text('paused_reason', { enum: campaignPauseReasons }),
    /** A carrier pause ends by itself here; null for a manual pause (resumed by hand). */
    resumeAt: integer('resume_at'),
    /** Given to the conversation of every recipient who replies ("Campaign: <name>"). */
    tagId: integer('tag_id').references(() => tags.id, { onDelete: 'set null' }),
    /**
     * WhatsApp numbers only: the approved template sent instead of a free body; each param is a text with
     * {{placeholders}} filled per recipient for the template's {{1}}, {{2}} … (null: none chosen yet, or SMS).
     */
    template: text('template', { mode: 'json' }).$type<CampaignTemplate>(),
    /** CSV columns usable as {{placeholders}}, in file order (normalised names). */
    variables: text('variables', { mode: 'json' }).$type<string[]>().notNull().default([]),
    /** Bumped by every change, so a form from a stale page is refused. */
    version: integer('version').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('campaigns_state_idx').on(t.state, t.sendAt), index('campaigns_number_idx').on(t.numberId)],
);

/**
 * One phone a campaign texts, at most once (unique per campaign). Planned as `pending`; `queued` once its message
 * is in the outbox (`messageId`, written in the same transaction, so nobody is texted twice); `skipped` with a
 * reason when a gate refused it at planning or at send time.
 */
export const recipientStates = ['pending', 'queued', 'skipped'] as const;
export type RecipientState = (typeof recipientStates)[number];

export const skipReasons = [
  'opted_out',
  'recent',
  'cap',
  'unregistered',
  'cancelled',
  'no_window',
  'invalid',
  // WhatsApp: a template variable filled empty for this recipient (Meta refuses an empty parameter).
  'missing_value',
  // WhatsApp: the campaign's template was no longer approved when this recipient's turn came.
  'template_unapproved',
] as const;
export type SkipReason = (typeof skipReasons)[number];

export const campaignRecipients = sqliteTable(
  'campaign_recipients',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    campaignId: integer('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    /** E.164. */
    phone: text('phone').notNull(),
    /** The team's contact with this number, when there is one (its fields fill placeholders). */
    contactId: integer('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    /** This row's CSV values by variable name. */
    vars: text('vars', { mode: 'json' }).$type<Record<string, string>>(),
    /** The IANA zones the phone can be in (the contact's own when known), '|'-separated: quiet hours use all of them. */
    zones: text('zones').notNull(),
    state: text('state', { enum: recipientStates }).notNull().default('pending'),
    skipReason: text('skip_reason', { enum: skipReasons }),
    /** Not before this (quiet hours, the per-contact cap); null: as soon as the campaign's pace allows. */
    notBefore: integer('not_before'),
    conversationId: integer('conversation_id').references(() => conversations.id, { onDelete: 'set null' }),
    messageId: integer('message_id').references(() => messages.id, { onDelete: 'set null' }),
    queuedAt: integer('queued_at'),
    repliedAt: integer('replied_at'),
    optedOutAt: integer('opted_out_at'),
  },
  (t) => [
    uniqueIndex('campaign_recipients_phone_idx').on(t.campaignId, t.phone),
    index('campaign_recipients_due_idx').on(t.campaignId, t.state, t.notBefore, t.id),
    // The per-contact cap and "already messaged in the last 24 h": campaign messages to a phone by time.
    index('campaign_recipients_queued_idx').on(t.phone, t.queuedAt),
    index('campaign_recipients_conversation_idx').on(t.conversationId),
    index('campaign_recipients_message_idx').on(t.messageId),
  ],
);

/** Audience rows that could not be used (a CSV line without a valid number…), for the planner's error list. */
export const campaignRejects = sqliteTable(
  'campaign_rejects',
  {
    campaignId: integer('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    /** Where it came from: 'csv', 'pasted'. */
    source: text('source').notNull(),
    /** 1-based line of the CSV file or of the pasted text. */
    line: integer('line').notNull(),
    raw: text('raw').notNull(),
    /** A translation key (campaign.reject.*). */
    reason: text('reason').notNull(),
  },
  (t) => [index('campaign_rejects_campaign_idx').on(t.campaignId, t.line)],
);

/** Files every recipient gets (where the number allows): the bytes live once in the media store. */
export const campaignFiles = sqliteTable(
  'campaign_files',
  {
    campaignId: integer('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    sha256: text('sha256').notNull(),
    contentType: text('content_type').notNull(),
    kind: text('kind').$type<AttachmentKind>().notNull(),
    filename: text('filename').notNull(),
    size: integer('size').notNull(),
    meta: text('meta', { mode: 'json' }).$type<AttachmentMeta>().notNull(),
  },
  (t) => [uniqueIndex('campaign_files_seq_idx').on(t.campaignId, t.seq)],
);

/** A link in a campaign's text, once per campaign; each recipient's short link counts its clicks separately. */
export const campaignLinks = sqliteTable(
  'campaign_links',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    campaignId: integer('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
  },
  (t) => [uniqueIndex('campaign_links_url_idx').on(t.campaignId, t.url)],
);

/** A recipient's short link <public_url>/l/<token>: unguessable, redirects to the link's url, counts clicks. */
export const campaignLinkTokens = sqliteTable(
  'campaign_link_tokens',
  {
    token: text('token').primaryKey(),
    linkId: integer('link_id')
      .notNull()
      .references(() => campaignLinks.id, { onDelete: 'cascade' }),
    recipientId: integer('recipient_id')
      .notNull()
      .references(() => campaignRecipients.id, { onDelete: 'cascade' }),
    clicks: integer('clicks').notNull().default(0),
    firstClickAt: integer('first_click_at'),
    lastClickAt: integer('last_click_at'),
  },
  (t) => [
    index('campaign_link_tokens_link_idx').on(t.linkId),
    index('campaign_link_tokens_recipient_idx').on(t.recipientId),
  ],
);
