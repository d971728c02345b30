import { and, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { inboxes, inboxMembers } from '../../db/schema/inboxes.ts';
import { users } from '../../db/schema/users.ts';
import type { Actor, DomainContext } from '../context.ts';
import { notFound } from '../errors.ts';

/**
 * The one rule of who sees an inbox, as a condition on `inboxes`: a private inbox only its owner (admins
 * included: personal texts are personal); a shared inbox every admin and its members.
 */
export function inboxVisibleTo(actor: Actor): SQL {
  const memberOf = sql`${inboxes.id} IN (SELECT ${inboxMembers.inboxId} FROM ${inboxMembers} WHERE ${inboxMembers.userId} = ${actor.id})`;
  return or(
    eq(inboxes.ownerUserId, actor.id),
    and(isNull(inboxes.ownerUserId), actor.role === 'admin' ? sql`1` : memberOf),
  )!;
}

export function canSeeInbox({ db }: DomainContext, actor: Actor, inboxId: number): boolean {
  return db.select({ id: inboxes.id }).from(inboxes).where(and(eq(inboxes.id, inboxId), inboxVisibleTo(actor))).get() !== undefined;
}

/** Throws 404, not 403: an id you may not see is an id that does not exist for you. */
export function assertCanSeeInbox(ctx: DomainContext, actor: Actor, inboxId: number): void {
  if (!canSeeInbox(ctx, actor, inboxId)) throw notFound();
}

/** Everyone who may see an inbox right now (active users only): the same rule as `inboxVisibleTo`, turned around. */
export function inboxAudience({ db }: DomainContext, inboxId: number): number[] {
  const inbox = db.select({ owner: inboxes.ownerUserId }).from(inboxes).where(eq(inboxes.id, inboxId)).get();
  if (!inbox) return [];
  const who = inbox.owner !== null
    ? eq(users.id, inbox.owner)
    : or(
        eq(users.role, 'admin'),
        inArray(users.id, db.select({ id: inboxMembers.userId }).from(inboxMembers).where(eq(inboxMembers.inboxId, inboxId))),
      );
  return db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.active, true), who))
    .all()
    .map((r) => r.id);
}
