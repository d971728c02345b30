import { and, asc, eq, sql } from 'drizzle-orm';
import { conversationPins } from '../../db/schema/conversations.ts';
import type { Actor, DomainContext } from '../context.ts';
import { invalid } from '../errors.ts';
import { stateFor } from './actions.ts';

export const MAX_PINS = 50;

/** Pins go to the end of the user's pinned list; pinning twice changes nothing. */
export function pinConversation(ctx: DomainContext, actor: Actor, conversationId: number): void {
  ctx.db.transaction((tx) => {
    stateFor(tx, actor, conversationId);
    const { n, last } = tx
      .select({ n: sql<number>`count(*)`, last: sql<number | null>`max(${conversationPins.position})` })
      .from(conversationPins)
      .where(eq(conversationPins.userId, actor.id))
      .get()!;
    if (n >= MAX_PINS) throw invalid('pins.too_many', undefined, { max: MAX_PINS });
    tx.insert(conversationPins)
      .values({ userId: actor.id, conversationId, position: (last ?? 0) + 1 })
      .onConflictDoNothing()
      .run();
  });
  ctx.events.emit('pins.changed', { userId: actor.id, conversationId });
}

export function unpinConversation(ctx: DomainContext, actor: Actor, conversationId: number): void {
  ctx.db
    .delete(conversationPins)
    .where(and(eq(conversationPins.userId, actor.id), eq(conversationPins.conversationId, conversationId)))
    .run();
  ctx.events.emit('pins.changed', { userId: actor.id, conversationId });
}

/**
 * Moves one pin to `index` (0 = top) among the user's pins. One pin at a time is what both drag and drop
 * and the keyboard's move up/down send, and it cannot lose a pin that another tab added meanwhile.
 */
export function movePin(ctx: DomainContext, actor: Actor, conversationId: number, index: number): void {
  ctx.db.transaction((tx) => {
    const order = tx
      .select({ id: conversationPins.conversationId })
      .from(conversationPins)
      .where(eq(conversationPins.userId, actor.id))
      .orderBy(asc(conversationPins.position))
      .all()
      .map((p) => p.id);
    const from = order.indexOf(conversationId);
    if (from === -1) throw invalid('pins.not_pinned');
    order.splice(from, 1);
    order.splice(Math.max(0, Math.min(index, order.length)), 0, conversationId);
    order.forEach((id, position) =>
      tx
        .update(conversationPins)
        .set({ position })
        .where(and(eq(conversationPins.userId, actor.id), eq(conversationPins.conversationId, id)))
        .run(),
    );
  });
  ctx.events.emit('pins.changed', { userId: actor.id, conversationId });
}
