import { and, eq, inArray, or, sql } from 'drizzle-orm';
import { inboxMembers } from '../../db/schema/inboxes.ts';
import { users } from '../../db/schema/users.ts';
import type { Actor, DomainContext } from '../context.ts';
import { notFound } from '../errors.ts';

/** Admins see every inbox; everyone else only the inboxes they are a member of. */
export function canSeeInbox({ db }: DomainContext, actor: Actor, inboxId: number): boolean {
  if (actor.role === 'admin') return true;
  return (
    db
      .select({ one: sql`1` })
      .from(inboxMembers)
      .where(and(eq(inboxMembers.inboxId, inboxId), eq(inboxMembers.userId, actor.id)))
      .get() !== undefined
  );
}

/** Throws 404, not 403: an id you may not see is an id that does not exist for you. */
export function assertCanSeeInbox(ctx: DomainContext, actor: Actor, inboxId: number): void {
  if (!canSeeInbox(ctx, actor, inboxId)) throw notFound();
}

/** Everyone who may see an inbox right now: its active members and every active admin. */
export function inboxAudience({ db }: DomainContext, inboxId: number): number[] {
  return db
    .select({ id: users.id })
    .from(users)
    .where(
      and(
        eq(users.active, true),
        or(
          eq(users.role, 'admin'),
          inArray(users.id, db.select({ id: inboxMembers.userId }).from(inboxMembers).where(eq(inboxMembers.inboxId, inboxId))),
        ),
      ),
    )
    .all()
    .map((r) => r.id);
}
