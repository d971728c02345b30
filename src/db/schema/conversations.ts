import { sql, type SQL } from 'drizzle-orm';
import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
  type AnySQLiteColumn,
} from 'drizzle-orm/sqlite-core';
import { contacts } from './contacts.ts';
import { inboxes } from './inboxes.ts';
import { numbers } from './numbers.ts';
import { users } from './users.ts';

/** `snoozed`: out of every list until `snoozedUntil` or the customer's next text, whichever comes first. */
export const conversationStatuses = ['open', 'closed', 'spam', 'snoozed'] as const;
export type ConversationStatus = (typeof conversationStatuses)[number];

/**
 * The waiting sort's keys before the id: customers waiting first, longest wait first; then the rest, least
 * recently active first. Shared by the lists and their index, which SQLite uses only for the same expressions.
 */
export const waitingOrder = (t: { waitingSince: AnySQLiteColumn; lastMessageAt: AnySQLiteColumn }): [SQL, SQL] => [
  sql`(${t.waitingSince} IS NULL)`,
  sql`(CASE WHEN ${t.waitingSince} IS NULL THEN ${t.lastMessageAt} ELSE ${t.waitingSince} END)`,
];

export const conversations = sqliteTable(
  'conversations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    inboxId: integer('inbox_id')
      .notNull()
      .references(() => inboxes.id),
    numberId: integer('number_id')
      .notNull()
      .references(() => numbers.id),
    contactId: integer('contact_id')
      .notNull()
      .references(() => contacts.id),
    /**
     * The customer's address: replies go here, whichever contact the conversation is linked to. '' for a WhatsApp
     * user known only by `whatsappId` until a number appears for them.
     */
    phone: text('phone').notNull().default(''),
    /** WhatsApp's business-scoped user id of the customer, when the channel gave one. */
    whatsappId: text('whatsapp_id'),
    status: text('status', { enum: conversationStatuses }).notNull().default('open'),
    assigneeId: integer('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    /** Bumped by every change an agent makes, so a form sent from a stale page is refused instead of undoing someone's work. */
    version: integer('version').notNull().default(0),
    lastMessageAt: integer('last_message_at').notNull(),
    /**
     * For per-user unread: newer than the user's read mark means unread. A customer's text sets it, and so does a
     * snooze that ends, which brings the conversation back unread for everyone.
     */
    lastInboundAt: integer('last_inbound_at'),
    /** The first customer message no agent has answered yet; null when nobody waits. */
    waitingSince: integer('waiting_since'),
    /** When a snoozed conversation comes back; null unless the status is `snoozed`. */
    snoozedUntil: integer('snoozed_until'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    // A list's first step reads only these two: `id` right after the time keeps them in the lists' order (time,
    // then id) with the other columns behind it; `inbox_id` and `last_inbound_at` ride along for the inbox and
    // unread filters and the unread count.
    index('conversations_inbox_status_last_idx').on(t.inboxId, t.status, t.lastMessageAt, t.id, t.lastInboundAt),
    index('conversations_status_last_idx').on(t.status, t.lastMessageAt, t.id, t.inboxId, t.lastInboundAt),
    index('conversations_assignee_status_last_idx').on(t.assigneeId, t.status, t.lastMessageAt),
    // The waiting order exactly as the lists write it (`waitingOrder`), and any status by time. No commas in an
    // expression: drizzle-kit cuts index expressions at them.
    index('conversations_status_waiting_idx').on(t.status, ...waitingOrder(t), t.id, t.inboxId, t.assigneeId),
    index('conversations_last_idx').on(t.lastMessageAt, t.id, t.inboxId, t.status),
    index('conversations_number_phone_idx').on(t.numberId, t.phone),
    index('conversations_number_whatsapp_idx').on(t.numberId, t.whatsappId),
    index('conversations_contact_idx').on(t.contactId),
  ],
);

/** Per user: when they last read a conversation (0 = marked unread by hand). */
export const conversationReads = sqliteTable(
  'conversation_reads',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    conversationId: integer('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    readAt: integer('read_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.conversationId] })],
);

/** Per user: conversations pinned to the top of their lists, in their chosen order. */
export const conversationPins = sqliteTable(
  'conversation_pins',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    conversationId: integer('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.conversationId] })],
);

export const tags = sqliteTable(
  'tags',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Unique regardless of case (a unique index on lower(name)). */
    name: text('name').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('tags_name_idx').on(sql`lower(${t.name})`)],
);

export const conversationTags = sqliteTable(
  'conversation_tags',
  {
    conversationId: integer('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    tagId: integer('tag_id')
      .notNull()
      .references(() => tags.id, { onDelete: 'cascade' }),
  },
  (t) => [
    primaryKey({ columns: [t.conversationId, t.tagId] }),
    index('conversation_tags_tag_idx').on(t.tagId, t.conversationId),
  ],
);

/** `read` and `played` (a voice note listened to) come from WhatsApp only. */
export const messageStatuses = [
  'received',
  'queued',
  'sent',
  'delivered',
  'read',
  'played',
  'failed',
  'expired',
] as const;
export type MessageStatus = (typeof messageStatuses)[number];

/** What a carrier reports about one part of a message. */
export const partStatuses = ['sent', 'delivered', 'read', 'played', 'failed', 'expired'] as const;
export type PartStatus = (typeof partStatuses)[number];

/** What a message carries besides its body (WhatsApp): shown in the timeline, sent by the outbox. */
export interface MessageContent {
  location?: { latitude: number; longitude: number; name?: string; address?: string };
  contacts?: { name: string; phones: string[] }[];
  /** An approved template and its filled variables; the body is the filled text. */
  template?: { name: string; language: string; params: string[] };
}

export const messages = sqliteTable(
  'messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    conversationId: integer('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    direction: text('direction', { enum: ['in', 'out'] }).notNull(),
    authorUserId: integer('author_user_id').references(() => users.id, { onDelete: 'set null' }),
    body: text('body').notNull(),
    status: text('status', { enum: messageStatuses }).notNull(),
    errorCode: text('error_code'),
    errorReason: text('error_reason'),
    /** Outbox bookkeeping: submit attempts made and when the next may start. */
    attempts: integer('attempts').notNull().default(0),
    /** Claimed by a sender that has not recorded an outcome yet; a restart hands such messages straight back. */
    leased: integer('leased', { mode: 'boolean' }).notNull().default(false),
    nextAttemptAt: integer('next_attempt_at'),
    /** The channel's own id of an inbound message (WhatsApp's wamid): the same id twice is stored once. */
    channelMessageId: text('channel_message_id'),
    /** The message this one quotes (a WhatsApp reply). */
    replyToId: integer('reply_to_id').references((): AnySQLiteColumn => messages.id, { onDelete: 'set null' }),
    content: text('content', { mode: 'json' }).$type<MessageContent>(),
    /**
     * Set on an agent's reaction queued for the customer (WhatsApp): the message reacted to, `body` the emoji ('' takes
     * it back). Such a row is work for the outbox only, never a bubble in the timeline.
     */
    reactionToId: integer('reaction_to_id').references((): AnySQLiteColumn => messages.id, { onDelete: 'cascade' }),
    /**
     * The campaign (campaigns.id) whose recipient this message is: the outbox pauses the campaign rather than the
     * message on a carrier's throttling, and an opt-out drops its queued ones. No foreign key: the schemas would
     * import each other.
     */
    campaignId: integer('campaign_id'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    // wamids are unique across WhatsApp; the number is checked as well when looking one up.
    uniqueIndex('messages_channel_message_idx').on(t.channelMessageId),
    index('messages_conversation_idx').on(t.conversationId, t.id),
    // The timeline pages by time (the rowid breaks ties), like events and notes.
    index('messages_conversation_created_idx').on(t.conversationId, t.createdAt),
    index('messages_outbox_idx').on(t.status, t.nextAttemptAt),
  ],
);

/**
 * One row per SMS segment sent: the SMSC answers each with its own id, and receipts come per segment. Ids are
 * unique only per carrier connection (two SMSCs both count from 1), so a receipt is matched on both.
 */
export const messageParts = sqliteTable(
  'message_parts',
  {
    messageId: integer('message_id')
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    /** The [[smpp]] or [[mm7]] connection that took it. */
    connection: text('connection').notNull().default(''),
    /** The carrier's id as the channel keys it (see the channel's receipt_id setting). */
    smscId: text('smsc_id'),
    status: text('status', { enum: partStatuses }).notNull(),
  },
  (t) => [
    index('message_parts_carrier_idx').on(t.connection, t.smscId),
    index('message_parts_message_idx').on(t.messageId, t.seq),
  ],
);

/**
 * Receipts whose segment id we do not know yet: an SMSC may send the receipt in the same packet as the
 * submit_sm_resp, so it can be read before the acknowledgement is stored. Applied when the id is recorded.
 */
export const pendingReceipts = sqliteTable(
  'pending_receipts',
  {
    connection: text('connection').notNull(),
    smscId: text('smsc_id').notNull(),
    state: text('state', { enum: partStatuses }).notNull(),
    errorCode: text('error_code'),
    errorDetails: text('error_details'),
    at: integer('at').notNull(),
  },
  (t) => [index('pending_receipts_carrier_idx').on(t.connection, t.smscId), index('pending_receipts_at_idx').on(t.at)],
);

/** The timeline's non-message entries: opted out, assigned, closed… each with who and when. */
export const conversationEvents = sqliteTable(
  'conversation_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    conversationId: integer('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    /** What the entry needs to be read: names at the time (a tag, the inboxes, the assignee), as JSON. */
    data: text('data', { mode: 'json' }).$type<Record<string, string>>(),
    actorUserId: integer('actor_user_id').references(() => users.id, { onDelete: 'set null' }),
    at: integer('at').notNull(),
  },
  (t) => [index('conversation_events_conversation_idx').on(t.conversationId, t.at)],
);

/** A team member's emoji reaction to a message. On SMS it stays inside the team. */
export const messageReactions = sqliteTable(
  'message_reactions',
  {
    messageId: integer('message_id')
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    emoji: text('emoji').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.messageId, t.userId, t.emoji] }),
    index('message_reactions_message_idx').on(t.messageId),
  ],
);

/** A customer's reaction to a message (WhatsApp): one per message, since a conversation has one customer. */
export const customerReactions = sqliteTable('customer_reactions', {
  messageId: integer('message_id')
    .primaryKey()
    .references(() => messages.id, { onDelete: 'cascade' }),
  emoji: text('emoji').notNull(),
  at: integer('at').notNull(),
});
