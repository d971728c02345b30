import { and, asc, eq, isNull } from 'drizzle-orm';
import { inboxes, inboxMembers } from '../../db/schema/inboxes.ts';
import type { Actor, DomainContext, Tx } from '../context.ts';
import { notFound } from '../errors.ts';

/** One shared inbox the actor works in, and whether they take its new conversations (the rotation's queue). */
export interface QueueSeat {
  inboxId: number;
  name: string;
  inQueue: boolean;
  /** Whether the inbox hands out new conversations in turn at all (round-robin on). */
  autoAssign: boolean;
}

/** The shared inboxes the actor is a member of (admins too: only membership puts anyone in a queue), by name. */
export function queuesOf({ db }: DomainContext, actor: Actor): QueueSeat[] {
  return db
    .select({ inboxId: inboxes.id, name: inboxes.name, inQueue: inboxMembers.inQueue, autoAssign: inboxes.autoAssign })
    .from(inboxMembers)
    .innerJoin(inboxes, eq(inboxes.id, inboxMembers.inboxId))
    .where(and(eq(inboxMembers.userId, actor.id), isNull(inboxes.ownerUserId)))
    .orderBy(asc(inboxes.name))
    .all();
}

/** Only one's own membership; an inbox one is not a member of (or a private one) is 404. Returns whether it changed. */
function seat(tx: Tx, actor: Actor, inboxId: number, inQueue: boolean): boolean {
  const row = tx
    .select({ inQueue: inboxMembers.inQueue })
    .from(inboxMembers)
    .innerJoin(inboxes, eq(inboxes.id, inboxMembers.inboxId))
    .where(and(eq(inboxMembers.inboxId, inboxId), eq(inboxMembers.userId, actor.id), isNull(inboxes.ownerUserId)))
    .get();
  if (!row) throw notFound();
  if (row.inQueue === inQueue) return false;
  tx.update(inboxMembers)
    .set({ inQueue })
    .where(and(eq(inboxMembers.inboxId, inboxId), eq(inboxMembers.userId, actor.id)))
    .run();
  return true;
}

/** Logs the actor into (or out of) one inbox's queue. */
export function setInQueue(ctx: DomainContext, actor: Actor, inboxId: number, inQueue: boolean): void {
  setQueues(ctx, actor, new Map([[inboxId, inQueue]]));
}

/** The settings form: several inboxes at once, all or nothing (one unknown inbox refuses the lot with 404). */
export function setQueues(ctx: DomainContext, actor: Actor, wanted: ReadonlyMap<number, boolean>): void {
  const changed = ctx.db.transaction((tx) =>
    [...wanted].map(([inboxId, inQueue]) => seat(tx, actor, inboxId, inQueue)).some(Boolean),
  );
  if (changed) ctx.events.emit('presence.changed', { userId: actor.id });
}
