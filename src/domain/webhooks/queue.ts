import { and, desc, eq, sql } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import {
  WEBHOOK_TEST_EVENT,
  webhookDeliveries,
  webhookEndpoints,
  webhookEvents,
  type WebhookDeliveryStatus,
} from '../../db/schema/webhooks.ts';
import { recordAudit } from '../audit/record.ts';
import type { Actor, DomainContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { getEndpoint } from './endpoints.ts';

/** The waits after the 1st, 2nd … failed attempt; after the last one fails too, the delivery gives up. */
export const RETRY_DELAYS_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 86_400_000] as const;
/** How long events and their deliveries are kept once nothing is left to send of them (the log's reach). */
export const KEEP_MS = 30 * 86_400_000;
/** How much of an answer's body the log keeps. */
export const EXCERPT_CHARS = 1000;

/** One delivery claimed for sending: where, signed with what, and the body (the same bytes on every retry). */
export interface ClaimedDelivery {
  id: number;
  endpointId: number;
  url: string;
  secrets: string[];
  webhookId: string;
  body: string;
  attempt: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Claims up to `limit` deliveries that are due, each the oldest unfinished one of its conversation (or contact) for
 * its endpoint — the next waits until that one succeeded or gave up — on an enabled endpoint. Claiming counts the
 * attempt and marks it `sending`, so a change to the event (a contact's fold) can no longer alter what is sent.
 */
export function claimDue(ctx: DomainContext, limit: number): ClaimedDelivery[] {
  if (limit <= 0) return [];
  const now = ctx.now();
  return ctx.db.transaction((tx) => {
    const due = tx
      .select({
        id: webhookDeliveries.id,
        endpointId: webhookDeliveries.endpointId,
        url: webhookEndpoints.url,
        secret: webhookEndpoints.secret,
        previousSecret: webhookEndpoints.previousSecret,
        attempts: webhookDeliveries.attempts,
        requestBody: webhookDeliveries.requestBody,
        uid: webhookEvents.uid,
        type: webhookEvents.type,
        data: webhookEvents.data,
        createdAt: webhookEvents.createdAt,
      })
      .from(webhookDeliveries)
      .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
      .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
      .where(
        sql`${webhookDeliveries.status} = 'pending' AND ${webhookDeliveries.nextAttemptAt} <= ${now}
          AND ${webhookEndpoints.enabled}
          AND NOT EXISTS (SELECT 1 FROM ${webhookDeliveries} p WHERE p.endpoint_id = ${webhookDeliveries.endpointId}
            AND p.order_key = ${webhookDeliveries.orderKey} AND p.id < ${webhookDeliveries.id}
            AND p.status IN ('pending', 'sending'))`,
      )
      .orderBy(webhookDeliveries.nextAttemptAt, webhookDeliveries.id)
      .limit(limit)
      .all();
    return due.map((d) => {
      const body = d.requestBody ?? JSON.stringify({ type: d.type, timestamp: iso(d.createdAt), data: d.data });
      tx.update(webhookDeliveries)
        .set({ status: 'sending', attempts: d.attempts + 1, lastAttemptAt: now, requestBody: body })
        .where(eq(webhookDeliveries.id, d.id))
        .run();
      return {
        id: d.id,
        endpointId: d.endpointId,
        url: d.url,
        secrets: d.previousSecret === null ? [d.secret] : [d.secret, d.previousSecret],
        webhookId: d.uid,
        body,
        attempt: d.attempts + 1,
      };
    });
  });
}

/** What came of one attempt: the receiver's status code, or none (refused address, timeout, connection error). */
export interface AttemptOutcome {
  status: number | null;
  excerpt: string;
  durationMs: number;
}

/**
 * Records an attempt: a 2xx succeeds; 410 Gone gives up and disables the endpoint (its receiver says it is gone for
 * good); anything else is retried after the next wait of RETRY_DELAYS_MS, or gives up once they are used up.
 */
export function recordAttempt(ctx: DomainContext, delivery: ClaimedDelivery, outcome: AttemptOutcome): void {
  const now = ctx.now();
  const ok = outcome.status !== null && outcome.status >= 200 && outcome.status < 300;
  const gone = outcome.status === 410;
  const wait = RETRY_DELAYS_MS[delivery.attempt - 1];
  const status: WebhookDeliveryStatus = ok ? 'succeeded' : gone || wait === undefined ? 'failed' : 'pending';
  ctx.db.transaction((tx) => {
    tx.update(webhookDeliveries)
      .set({
        status,
        nextAttemptAt: status === 'pending' ? now + wait! : now,
        responseCode: outcome.status,
        responseExcerpt: outcome.excerpt.slice(0, EXCERPT_CHARS),
        durationMs: Math.round(outcome.durationMs),
      })
      .where(eq(webhookDeliveries.id, delivery.id))
      .run();
    if (!gone) return;
    const disabled = tx
      .update(webhookEndpoints)
      .set({ enabled: false, disabledReason: 'gone' })
      .where(and(eq(webhookEndpoints.id, delivery.endpointId), eq(webhookEndpoints.enabled, true)))
      .returning({ url: webhookEndpoints.url })
      .get();
    if (disabled) {
      recordAudit(ctx, tx, 'server', {
        action: 'webhook.disabled',
        subject: { id: delivery.endpointId, name: disabled.url },
        changes: { reason: 'gone' },
      });
    }
  });
}

/** After a restart: what was being sent when the process stopped is sent again (the receiver may see it twice). */
export function releaseInterrupted(ctx: DomainContext): void {
  ctx.db.update(webhookDeliveries).set({ status: 'pending' }).where(eq(webhookDeliveries.status, 'sending')).run();
}

/**
 * Forgets events older than KEEP_MS with nothing left to send (their deliveries go with them), so the queue and
 * its request bodies do not grow without end. Returns how many events went.
 */
export function pruneWebhookLog(ctx: DomainContext): number {
  const before = ctx.now() - KEEP_MS;
  return ctx.db
    .delete(webhookEvents)
    .where(
      sql`${webhookEvents.createdAt} < ${before} AND NOT EXISTS (SELECT 1 FROM ${webhookDeliveries} d
        WHERE d.event_id = ${webhookEvents.id} AND d.status IN ('pending', 'sending'))`,
    )
    .run().changes;
}

/** When the dispatcher should look next: the earliest pending delivery's time, or null when none waits. */
export function nextDueAt(ctx: DomainContext): number | null {
  const row = ctx.db
    .select({ at: sql<number | null>`min(${webhookDeliveries.nextAttemptAt})` })
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.status, 'pending'))
    .get();
  return row?.at ?? null;
}

/** *Send again*: one more attempt at once (a waiting retry is brought forward), with the same webhook-id and body (in its turn in the conversation). */
export function sendAgain(ctx: DomainContext, actor: Actor, endpointId: number, deliveryId: number): void {
  const endpoint = getEndpoint(ctx, actor, endpointId);
  ctx.db.transaction((tx) => {
    const row = tx
      .update(webhookDeliveries)
      .set({ status: 'pending', nextAttemptAt: ctx.now() })
      .where(
        and(
          eq(webhookDeliveries.id, deliveryId),
          eq(webhookDeliveries.endpointId, endpointId),
          sql`${webhookDeliveries.status} <> 'sending'`,
        ),
      )
      .returning({ id: webhookDeliveries.id })
      .get();
    if (!row) throw notFound();
    recordAudit(ctx, tx, actor, {
      action: 'webhook.sent_again',
      subject: { id: endpointId, name: endpoint.url },
      changes: { delivery: deliveryId },
    });
  });
}

/** *Send test event*: a `webhook.test` event for this endpoint alone, queued like any other. */
export function sendTestEvent(ctx: DomainContext, actor: Actor, endpointId: number): void {
  const endpoint = getEndpoint(ctx, actor, endpointId);
  const now = ctx.now();
  ctx.db.transaction((tx) => {
    const event = tx
      .insert(webhookEvents)
      .values({
        uid: `msg_${randomBytes(12).toString('hex')}`,
        type: WEBHOOK_TEST_EVENT,
        data: { endpoint_id: endpointId, message: 'A test event sent from Switchboard.' },
        orderKey: `test:${endpointId}`,
        createdAt: now,
      })
      .returning({ id: webhookEvents.id })
      .get();
    tx.insert(webhookDeliveries)
      .values({ endpointId, eventId: event.id, orderKey: `test:${endpointId}`, nextAttemptAt: now })
      .run();
    recordAudit(ctx, tx, actor, { action: 'webhook.test_sent', subject: { id: endpointId, name: endpoint.url } });
  });
}

export interface DeliveryLogEntry {
  id: number;
  type: string;
  webhookId: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: number | null;
  lastAttemptAt: number | null;
  responseCode: number | null;
  responseExcerpt: string | null;
  requestBody: string | null;
  durationMs: number | null;
}

/** The endpoint's newest deliveries first: what was sent, what came back, and when it is tried next. */
export function deliveryLog(ctx: DomainContext, actor: Actor, endpointId: number, limit = 50): DeliveryLogEntry[] {
  getEndpoint(ctx, actor, endpointId);
  return ctx.db
    .select({
      id: webhookDeliveries.id,
      type: webhookEvents.type,
      webhookId: webhookEvents.uid,
      status: webhookDeliveries.status,
      attempts: webhookDeliveries.attempts,
      nextAttemptAt: webhookDeliveries.nextAttemptAt,
      lastAttemptAt: webhookDeliveries.lastAttemptAt,
      responseCode: webhookDeliveries.responseCode,
      responseExcerpt: webhookDeliveries.responseExcerpt,
      requestBody: webhookDeliveries.requestBody,
      durationMs: webhookDeliveries.durationMs,
    })
    .from(webhookDeliveries)
    .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
    .where(eq(webhookDeliveries.endpointId, endpointId))
    .orderBy(desc(webhookDeliveries.id))
    .limit(limit)
    .all()
    .map((d) => ({ ...d, nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt : null }));
}
