import { desc, eq } from 'drizzle-orm';
import { webhookEndpoints, webhookEventTypes, type WebhookEventType } from '../../db/schema/webhooks.ts';
import { changed, recordAudit } from '../audit/record.ts';
import { requireAdmin, type Actor, type DomainContext } from '../context.ts';
import { invalid, notFound } from '../errors.ts';
import { checkWebhookTarget } from './address-guard.ts';
import { newWebhookSecret } from './signing.ts';

export { webhookEventTypes, type WebhookEventType };

export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;

export interface EndpointInput {
  url: string;
  description: string;
  events: string[];
}

const MAX_URL = 2000;
const MAX_DESCRIPTION = 200;

const isEventType = (raw: string): raw is WebhookEventType => (webhookEventTypes as readonly string[]).includes(raw);

/** The input's rules but the address (which needs a lookup): a URL, a short description, at least one known event. */
function validated(input: EndpointInput): { url: string; description: string; events: WebhookEventType[] } {
  const url = input.url.trim();
  const description = input.description.trim();
  if (!url) throw invalid('webhooks.url_required', 'url');
  if (url.length > MAX_URL) throw invalid('webhooks.url_invalid', 'url');
  if (description.length > MAX_DESCRIPTION)
    throw invalid('webhooks.description_long', 'description', { max: MAX_DESCRIPTION });
  const events = webhookEventTypes.filter((type) => input.events.includes(type));
  if (events.length === 0 || !input.events.every(isEventType)) throw invalid('webhooks.events_required', 'events');
  return { url, description, events };
}

export function listEndpoints(ctx: DomainContext, actor: Actor): WebhookEndpoint[] {
  requireAdmin(actor);
  return ctx.db.select().from(webhookEndpoints).orderBy(desc(webhookEndpoints.id)).all();
}

export function getEndpoint(ctx: DomainContext, actor: Actor, id: number): WebhookEndpoint {
  requireAdmin(actor);
  const row = ctx.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)).get();
  if (!row) throw notFound();
  return row;
}

/** Saves a new endpoint once its URL resolves to an address it may reach (see address-guard.ts); it starts enabled. */
export async function createEndpoint(
  ctx: DomainContext,
  actor: Actor,
  input: EndpointInput,
  allowPrivate: boolean,
): Promise<WebhookEndpoint> {
  requireAdmin(actor);
  const values = validated(input);
  await checkWebhookTarget(values.url, allowPrivate);
  return ctx.db.transaction((tx) => {
    const row = tx
      .insert(webhookEndpoints)
      .values({ ...values, secret: newWebhookSecret(), createdBy: actor.id, createdAt: ctx.now() })
      .returning()
      .get();
    recordAudit(ctx, tx, actor, {
      action: 'webhook.created',
      subject: { id: row.id, name: row.url },
      changes: { url: row.url, events: row.events },
    });
    return row;
  });
}

export async function updateEndpoint(
  ctx: DomainContext,
  actor: Actor,
  id: number,
  input: EndpointInput,
  allowPrivate: boolean,
): Promise<WebhookEndpoint> {
  const before = getEndpoint(ctx, actor, id);
  const values = validated(input);
  await checkWebhookTarget(values.url, allowPrivate);
  return ctx.db.transaction((tx) => {
    const row = tx.update(webhookEndpoints).set(values).where(eq(webhookEndpoints.id, id)).returning().get();
    if (!row) throw notFound();
    const changes = changed(
      { url: before.url, description: before.description, events: before.events.join(', ') },
      { url: row.url, description: row.description, events: row.events.join(', ') },
    );
    if (Object.keys(changes).length > 0) {
      recordAudit(ctx, tx, actor, { action: 'webhook.updated', subject: { id, name: row.url }, changes });
    }
    return row;
  });
}

/** A new secret signs from now on; the previous one keeps signing beside it until `endRotation`. */
export function rotateSecret(ctx: DomainContext, actor: Actor, id: number): void {
  const before = getEndpoint(ctx, actor, id);
  ctx.db.transaction((tx) => {
    tx.update(webhookEndpoints)
      .set({ secret: newWebhookSecret(), previousSecret: before.secret, rotatedAt: ctx.now() })
      .where(eq(webhookEndpoints.id, id))
      .run();
    recordAudit(ctx, tx, actor, { action: 'webhook.secret_rotated', subject: { id, name: before.url } });
  });
}

/** The receiver has the new secret: the previous one stops signing. */
export function endRotation(ctx: DomainContext, actor: Actor, id: number): void {
  const before = getEndpoint(ctx, actor, id);
  if (before.previousSecret === null) return;
  ctx.db.transaction((tx) => {
    tx.update(webhookEndpoints).set({ previousSecret: null }).where(eq(webhookEndpoints.id, id)).run();
    recordAudit(ctx, tx, actor, { action: 'webhook.rotation_ended', subject: { id, name: before.url } });
  });
}

/** Switched on or off by an admin. Events of the time it was off are not sent; what was queued waits for it. */
export function setEndpointEnabled(ctx: DomainContext, actor: Actor, id: number, enabled: boolean): void {
  const before = getEndpoint(ctx, actor, id);
  if (before.enabled === enabled) return;
  ctx.db.transaction((tx) => {
    tx.update(webhookEndpoints)
      .set({ enabled, disabledReason: enabled ? null : 'admin' })
      .where(eq(webhookEndpoints.id, id))
      .run();
    recordAudit(ctx, tx, actor, {
      action: enabled ? 'webhook.enabled' : 'webhook.disabled',
      subject: { id, name: before.url },
    });
  });
}
