import { and, asc, count, eq, notInArray } from 'drizzle-orm';
import { inList } from '../../db/in-list.ts';
import { pushSubscriptions } from '../../db/schema/push.ts';
import type { Actor, DomainContext } from '../context.ts';
import { invalid } from '../errors.ts';

/** A browser's push subscription as PushSubscription.toJSON() gives it. */
export interface SubscriptionInput {
  endpoint: unknown;
  p256dh: unknown;
  auth: unknown;
  /** Which device it is, for the person: the browser's User-Agent, cut short. */
  label?: unknown;
}

export interface PushTarget {
  id: number;
  userId: number;
  endpoint: string;
  p256dh: string;
  auth: string;
}

/** Push services' URLs are a few hundred characters; this bounds what one user may store. */
const MAX_ENDPOINT = 2048;
const MAX_LABEL = 120;
/** Devices per person: a new one beyond this replaces the oldest. */
export const MAX_DEVICES = 10;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * A push service's URL: https, as every browser's is. Plain http only to this machine (a push service on loopback
 * is one its owner runs); no credentials in it, as nothing else would read them.
 */
function endpointOf(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_ENDPOINT)
    throw invalid('push.endpoint_invalid', 'endpoint');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid('push.endpoint_invalid', 'endpoint');
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  if (!secure || url.username !== '' || url.password !== '' || url.href !== raw)
    throw invalid('push.endpoint_invalid', 'endpoint');
  return raw;
}

/** A base64url key of exactly `bytes` bytes (a P-256 point starts with 4: uncompressed). */
function keyOf(raw: unknown, bytes: number, field: string): string {
  const valid =
    typeof raw === 'string' &&
    /^[A-Za-z0-9_-]+={0,2}$/.test(raw) &&
    Buffer.from(raw, 'base64url').length === bytes &&
    (bytes !== 65 || Buffer.from(raw, 'base64url')[0] === 4);
  if (!valid) throw invalid('push.key_invalid', field);
  return raw.replace(/=+$/, '');
}

/**
 * Keeps this device's subscription for the actor. A browser has one subscription per site: if another person
 * signed in there before, it is theirs no longer.
 */
export function subscribe(ctx: DomainContext, actor: Actor, input: SubscriptionInput): void {
  const row = {
    userId: actor.id,
    endpoint: endpointOf(input.endpoint),
    p256dh: keyOf(input.p256dh, 65, 'p256dh'),
    auth: keyOf(input.auth, 16, 'auth'),
    label: typeof input.label === 'string' ? input.label.slice(0, MAX_LABEL) : '',
    createdAt: ctx.now(),
  };
  ctx.db.transaction((tx) => {
    const { id } = tx
      .insert(pushSubscriptions)
      .values(row)
      .onConflictDoUpdate({ target: pushSubscriptions.endpoint, set: row })
      .returning({ id: pushSubscriptions.id })
      .get();
    const keep = tx
      .select({ id: pushSubscriptions.id })
      .from(pushSubscriptions)
      .where(eq(pushSubscriptions.userId, actor.id))
      .orderBy(asc(pushSubscriptions.createdAt), asc(pushSubscriptions.id))
      .all()
      .map((s) => s.id)
      .filter((s) => s !== id)
      .slice(-(MAX_DEVICES - 1));
    tx.delete(pushSubscriptions)
      .where(and(eq(pushSubscriptions.userId, actor.id), notInArray(pushSubscriptions.id, [id, ...keep])))
      .run();
  });
}

/** Forgets the actor's subscription for this device (they turned it off); someone else's endpoint is left alone. */
export function unsubscribe(ctx: DomainContext, actor: Actor, endpoint: unknown): void {
  if (typeof endpoint !== 'string' || endpoint.length > MAX_ENDPOINT)
    throw invalid('push.endpoint_invalid', 'endpoint');
  ctx.db.transaction((tx) =>
    tx
      .delete(pushSubscriptions)
      .where(and(eq(pushSubscriptions.userId, actor.id), eq(pushSubscriptions.endpoint, endpoint)))
      .run(),
  );
}

/** How many devices take the actor's notifications. */
export function deviceCount(ctx: DomainContext, actor: Actor): number {
  return (
    ctx.db.select({ n: count() }).from(pushSubscriptions).where(eq(pushSubscriptions.userId, actor.id)).get()?.n ?? 0
  );
}

/** Every device of these users, for sending. */
export function pushTargetsOf(ctx: DomainContext, userIds: number[]): PushTarget[] {
  if (userIds.length === 0) return [];
  return ctx.db
    .select({
      id: pushSubscriptions.id,
      userId: pushSubscriptions.userId,
      endpoint: pushSubscriptions.endpoint,
      p256dh: pushSubscriptions.p256dh,
      auth: pushSubscriptions.auth,
    })
    .from(pushSubscriptions)
    .where(inList(pushSubscriptions.userId, userIds))
    .all();
}

/** Who has at least one device. */
export function usersWithDevices(ctx: DomainContext): number[] {
  return ctx.db
    .selectDistinct({ userId: pushSubscriptions.userId })
    .from(pushSubscriptions)
    .all()
    .map((s) => s.userId);
}

/** The push service said the subscription is gone (404, 410): the browser unsubscribed or the person left it. */
export function forgetSubscription(ctx: DomainContext, id: number): void {
  ctx.db.transaction((tx) => tx.delete(pushSubscriptions).where(eq(pushSubscriptions.id, id)).run());
}
