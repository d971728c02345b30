import { and, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { inboxes, inboxMembers } from '../../db/schema/inboxes.ts';
import { users } from '../../db/schema/users.ts';
import type { Actor, DomainContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { prepared } from '../prepared.ts';

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

/**
 * Conversations the actor may read (with `inboxes` joined on the conversation's inbox): those of inboxes
 * they see, and a number's history — its conversations left in a personal inbox from before the number
 * joined a shared inbox the actor sees.
 */
export function conversationReadableBy(actor: Actor): SQL {
  const sharedNow =
    actor.role === 'admin'
      ? sql`1`
      : sql`now_inbox.id IN (SELECT ${inboxMembers.inboxId} FROM ${inboxMembers} WHERE ${inboxMembers.userId} = ${actor.id})`;
  return or(
    inboxVisibleTo(actor),
    sql`(${inboxes.ownerUserId} IS NOT NULL AND EXISTS (SELECT 1 FROM numbers n JOIN inboxes now_inbox ON now_inbox.id = n.inbox_id WHERE n.id = conversations.number_id AND now_inbox.owner_user_id IS NULL AND now_inbox.id <> ${inboxes.id} AND ${sharedNow}))`,
  )!;
}

export function canSeeInbox({ db }: DomainContext, actor: Actor, inboxId: number): boolean {
  return (
    db
      .select({ id: inboxes.id })
      .from(inboxes)
      .where(and(eq(inboxes.id, inboxId), inboxVisibleTo(actor)))
      .get() !== undefined
  );
}

/** Throws 404, not 403: an id you may not see is an id that does not exist for you. */
export function assertCanSeeInbox(ctx: DomainContext, actor: Actor, inboxId: number): void {
  if (!canSeeInbox(ctx, actor, inboxId)) throw notFound();
}

/**
 * Everyone who may see an inbox right now (active users only): the same rule as `inboxVisibleTo`, turned around.
 * Asked for every customer text that someone watches: its owner first, then the owner alone or the admins and
 * members, each a prepared query.
 */
export function inboxAudience(ctx: DomainContext, inboxId: number): number[] {
  const inbox = prepared(ctx, 'inbox owner', () =>
    ctx.db
      .select({ owner: inboxes.ownerUserId })
      .from(inboxes)
      .where(eq(inboxes.id, sql.placeholder('inbox')))
      .prepare(),
  ).get({ inbox: inboxId });
  if (!inbox) return [];
  const query =
    inbox.owner !== null
      ? prepared(ctx, 'inbox audience: owner', () =>
          ctx.db
            .select({ id: users.id })
            .from(users)
            .where(and(eq(users.active, true), eq(users.id, sql.placeholder('owner'))))
            .prepare(),
        )
      : prepared(ctx, 'inbox audience: shared', () =>
          ctx.db
            .select({ id: users.id })
            .from(users)
            .where(
              and(
                eq(users.active, true),
                or(
                  eq(users.role, 'admin'),
                  inArray(
                    users.id,
                    ctx.db
                      .select({ id: inboxMembers.userId })
                      .from(inboxMembers)
                      .where(eq(inboxMembers.inboxId, sql.placeholder('inbox'))),
                  ),
                ),
              ),
            )
            .prepare(),
        );
  // Rows as arrays: mapping hundreds of them into objects cost more than reading them.
  const values = inbox.owner !== null ? { owner: inbox.owner } : { inbox: inboxId };
  return (query.values(values) as [number][]).map((r) => r[0]);
}
