import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { contacts } from './contacts.ts';
import { inboxes } from './inboxes.ts';
import { numbers } from './numbers.ts';
import { users } from './users.ts';

export const conversationStatuses = ['open', 'closed', 'spam'] as const;

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
    status: text('status', { enum: conversationStatuses }).notNull().default('open'),
    assigneeId: integer('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    lastMessageAt: integer('last_message_at').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    index('conversations_inbox_status_last_idx').on(t.inboxId, t.status, t.lastMessageAt),
    index('conversations_number_contact_idx').on(t.numberId, t.contactId),
  ],
);

export const messageStatuses = ['received', 'queued', 'sent', 'delivered', 'failed', 'expired'] as const;
export type MessageStatus = (typeof messageStatuses)[number];

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
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('messages_conversation_idx').on(t.conversationId, t.id),
    index('messages_outbox_idx').on(t.status, t.nextAttemptAt),
  ],
);

/** One row per SMS segment sent: the SMSC answers each with its own id, and receipts come per segment. */
export const messageParts = sqliteTable(
  'message_parts',
  {
    messageId: integer('message_id')
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    smscId: text('smsc_id'),
    status: text('status', { enum: ['sent', 'delivered', 'failed', 'expired'] }).notNull(),
  },
  (t) => [index('message_parts_smsc_idx').on(t.smscId), index('message_parts_message_idx').on(t.messageId, t.seq)],
);

/**
 * Receipts whose segment id we do not know yet: an SMSC may send the receipt in the same packet as the
 * submit_sm_resp, so it can be read before the acknowledgement is stored. Applied when the id is recorded.
 */
export const pendingReceipts = sqliteTable(
  'pending_receipts',
  {
    /** One row per way of writing the id (decimal, hex); rows of one receipt share this. */
    receipt: text('receipt').notNull(),
    smscId: text('smsc_id').notNull(),
    state: text('state', { enum: ['delivered', 'failed', 'expired'] }).notNull(),
    errorCode: text('error_code'),
    at: integer('at').notNull(),
  },
  (t) => [index('pending_receipts_smsc_idx').on(t.smscId), index('pending_receipts_at_idx').on(t.at)],
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
    actorUserId: integer('actor_user_id').references(() => users.id, { onDelete: 'set null' }),
    at: integer('at').notNull(),
  },
  (t) => [index('conversation_events_conversation_idx').on(t.conversationId, t.at)],
);
