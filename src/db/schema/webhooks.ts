import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { users } from './users.ts';

/** What an endpoint may subscribe to; the triggers (drizzle/*_webhook_triggers.sql) write exactly these types. */
export const webhookEventTypes = [
  'conversation.created',
  'conversation.updated',
  'message.created',
  'message.updated',
  'contact.created',
  'contact.updated',
  'contact.opted_out',
  'contact.opted_in',
] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];
/** Sent only to the one endpoint whose *Send test event* was pressed; nobody subscribes to it. */
export const WEBHOOK_TEST_EVENT = 'webhook.test';

/** Why an endpoint stopped receiving: switched off by an admin, or the receiver answered 410 Gone. */
export const webhookDisabledReasons = ['admin', 'gone'] as const;
export type WebhookDisabledReason = (typeof webhookDisabledReasons)[number];

/** Where events are posted. `secret` signs (`whsec_…`); while `previousSecret` is set both sign (a rotation). */
export const webhookEndpoints = sqliteTable('webhook_endpoints', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  url: text('url').notNull(),
  description: text('description').notNull().default(''),
  /** The subscribed types, a JSON array of `webhookEventTypes`: the fan-out trigger reads it with json_each. */
  events: text('events', { mode: 'json' }).$type<WebhookEventType[]>().notNull(),
  secret: text('secret').notNull(),
  previousSecret: text('previous_secret'),
  rotatedAt: integer('rotated_at'),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  disabledReason: text('disabled_reason', { enum: webhookDisabledReasons }),
  createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: integer('created_at').notNull(),
});

/**
 * The durable queue: one row per change, written by triggers in the transaction that made the change (a rolled-back
 * change leaves none). `data` is the event's `data` as sent; `orderKey` (`conversation:<id>` or `contact:<id>`) keeps
 * one conversation's (or contact's) events in order per endpoint. `uid` is the `webhook-id`, the same on every retry.
 */
export const webhookEvents = sqliteTable(
  'webhook_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    uid: text('uid').notNull(),
    type: text('type').notNull(),
    data: text('data', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    conversationId: integer('conversation_id'),
    orderKey: text('order_key').notNull(),
    createdAt: integer('created_at')
      .notNull()
      .default(sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`),
  },
  (t) => [index('webhook_events_order_idx').on(t.orderKey, t.id)],
);

/** `sending`: claimed by the dispatcher (a restart hands it back as `pending`); `failed`: every retry used up. */
export const webhookDeliveryStatuses = ['pending', 'sending', 'succeeded', 'failed'] as const;
export type WebhookDeliveryStatus = (typeof webhookDeliveryStatuses)[number];

/** One event for one endpoint: its attempts, the next one, and what the receiver answered last. */
export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    endpointId: integer('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    eventId: integer('event_id')
      .notNull()
      .references(() => webhookEvents.id, { onDelete: 'cascade' }),
    /** The event's, repeated so that "the one before in the same conversation" is one index lookup. */
    orderKey: text('order_key').notNull(),
    status: text('status', { enum: webhookDeliveryStatuses }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    lastAttemptAt: integer('last_attempt_at'),
    /** The last answer's status code; null when none came (refused address, timeout, connection error). */
    responseCode: integer('response_code'),
    /** The start of the last answer's body, or why there was none. */
    responseExcerpt: text('response_excerpt'),
    /** The body last sent, byte for byte (the same on every retry). */
    requestBody: text('request_body'),
    durationMs: integer('duration_ms'),
  },
  (t) => [
    index('webhook_deliveries_due_idx').on(t.status, t.nextAttemptAt),
    index('webhook_deliveries_order_idx').on(t.endpointId, t.orderKey, t.id),
    index('webhook_deliveries_endpoint_idx').on(t.endpointId, t.id),
    index('webhook_deliveries_event_idx').on(t.eventId),
  ],
);
