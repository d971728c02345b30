import { and, eq, ne } from 'drizzle-orm';
import { availabilities, users, type Availability } from '../../db/schema/users.ts';
import type { Actor, DomainContext } from '../context.ts';
import { invalid, notFound } from '../errors.ts';
import { publicColumns, type PublicUser } from './service.ts';

/**
 * Who is around: a status message, an availability, an extension for click-to-call.
 *
 * Availability is the person's choice, with two automatic moves driven by their open tabs (see src/realtime/hub.ts):
 * - the first tab opening (no other tab open) turns `offline` into `available`; `away` and `available` stay;
 * - the last tab closing (and no new one within the hub's grace period, so page loads do not count) makes them
 *   `offline`, whatever they had chosen.
 * While tabs are open, a hand-picked `away` (or `offline`) survives any further tab opening or closing.
 * At start-up nobody has a tab: `available` becomes `offline`; `away` is kept (both keep the rotation away).
 */

export const STATUS_MESSAGE_MAX = 80;
export const EXTENSION_MAX = 30;

export function checkAvailability(raw: unknown): Availability {
  if (!availabilities.includes(raw as Availability)) throw invalid('personal.availability_invalid', 'availability');
  return raw as Availability;
}

/** One line of up to 80 characters; empty clears it. */
export function checkStatusMessage(raw: unknown): string {
  const text = oneLine(raw);
  if (text === null || [...text].length > STATUS_MESSAGE_MAX)
    throw invalid('personal.status_message_invalid', 'status_message', { max: STATUS_MESSAGE_MAX });
  return text;
}

/** Digits, +, *, # and spaces: what a desk phone or a PBX dials. Empty clears it. */
export function checkExtension(raw: unknown): string {
  const text = oneLine(raw);
  if (text === null || text.length > EXTENSION_MAX || !/^[0-9+*# ]*$/.test(text))
    throw invalid('personal.extension_invalid', 'extension', { max: EXTENSION_MAX });
  return text;
}

/** Trimmed, inner white space folded; missing is empty; anything but a string is `null` (refused). */
function oneLine(raw: unknown): string | null {
  if (raw === undefined || raw === null) return '';
  return typeof raw === 'string' ? raw.trim().replace(/\s+/g, ' ') : null;
}

type PresenceFields = Partial<Pick<PublicUser, 'availability' | 'statusMessage' | 'extension'>>;

/** One transaction; `presence.changed` only when something did change. */
function update(ctx: DomainContext, userId: number, fields: PresenceFields): PublicUser {
  const { user, changed } = ctx.db.transaction((tx) => {
    const before = tx.select(publicColumns).from(users).where(eq(users.id, userId)).get();
    if (!before) throw notFound();
    const changed = (Object.keys(fields) as (keyof PresenceFields)[]).some((k) => fields[k] !== before[k]);
    if (!changed) return { user: before, changed };
    return { user: tx.update(users).set(fields).where(eq(users.id, userId)).returning(publicColumns).get(), changed };
  });
  if (changed) ctx.events.emit('presence.changed', { userId });
  return user;
}

export function setAvailability(ctx: DomainContext, actor: Actor, raw: unknown): PublicUser {
  return update(ctx, actor.id, { availability: checkAvailability(raw) });
}

export function setStatusMessage(ctx: DomainContext, actor: Actor, raw: unknown): PublicUser {
  return update(ctx, actor.id, { statusMessage: checkStatusMessage(raw) });
}

/** The settings page's status form: availability and message together, both checked before either is kept. */
export function setStatus(
  ctx: DomainContext,
  actor: Actor,
  input: { availability: unknown; statusMessage: unknown },
): PublicUser {
  const statusMessage = checkStatusMessage(input.statusMessage);
  const availability = checkAvailability(input.availability);
  return update(ctx, actor.id, { availability, statusMessage });
}

export function setExtension(ctx: DomainContext, actor: Actor, raw: unknown): PublicUser {
  return update(ctx, actor.id, { extension: checkExtension(raw) });
}

/** The user's first tab opened: an offline person is available again; away stays away. */
export function tabsOpened(ctx: DomainContext, userId: number): void {
  moveAutomatically(ctx, userId, 'offline', 'available');
}

/** The user's last tab closed (and stayed closed through the grace period): offline, whatever they chose. */
export function tabsClosed(ctx: DomainContext, userId: number): void {
  moveAutomatically(ctx, userId, null, 'offline');
}

function moveAutomatically(ctx: DomainContext, userId: number, from: Availability | null, to: Availability): void {
  const moved = ctx.db
    .update(users)
    .set({ availability: to })
    .where(and(eq(users.id, userId), from === null ? ne(users.availability, to) : eq(users.availability, from)))
    .returning({ id: users.id })
    .get();
  if (moved) ctx.events.emit('presence.changed', { userId });
}

/** At start-up nobody has a tab open: whoever was available is offline until a tab of theirs connects. */
export function offlineAtStart({ db }: DomainContext): void {
  db.update(users).set({ availability: 'offline' }).where(eq(users.availability, 'available')).run();
}
