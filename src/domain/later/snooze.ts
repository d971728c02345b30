import { and, eq, isNotNull, lte, min, sql } from 'drizzle-orm';
import { conversations } from '../../db/schema/conversations.ts';
import type { Actor, DomainContext, Tx } from '../context.ts';
import { conflict } from '../errors.ts';
import { addEvent, change } from '../conversations/actions.ts';

/**
 * Snooze: out of every list (its status is `snoozed`, which no list but Snoozed shows) until `until`, when it
 * comes back open and unread for everyone; a customer's text brings it back sooner (./inbound.ts). An open
 * conversation only: a closed one has nothing to come back to, spam stays spam.
 */
export function snoozeConversation(
  ctx: DomainContext,
  actor: Actor,
  conversationId: number,
  version: number,
  until: number,
): void {
  change(ctx, actor, conversationId, version, (_tx, state) => {
    if (state.status !== 'open' && state.status !== 'snoozed') throw conflict('later.snooze_not_open');
    return { set: { status: 'snoozed', snoozedUntil: until }, event: { kind: 'snoozed' } };
  });
  ctx.events.emit('later.changed', { conversationId });
}

/** Back by hand before its time: open again, as it was before the snooze (not marked unread: someone is on it). */
export function unsnoozeConversation(ctx: DomainContext, actor: Actor, conversationId: number, version: number): void {
  change(ctx, actor, conversationId, version, (_tx, state) => {
    if (state.status !== 'snoozed') throw conflict('conversation.stale');
    return { set: { status: 'open', snoozedUntil: null }, event: { kind: 'unsnoozed' } };
  });
  ctx.events.emit('later.changed', { conversationId });
}

/**
 * Ends a snooze inside a transaction that is already writing to the conversation (a customer's text): open again,
 * unread for everyone. Returns the timeline entry's id; nothing happens (null) unless it is snoozed.
 */
export function wakeInside(tx: Tx, conversationId: number, now: number, why: 'time' | 'text'): number | null {
  const woken = tx
    .update(conversations)
    .set({
      status: 'open',
      snoozedUntil: null,
      lastInboundAt: now,
      version: sql`${conversations.version} + 1`,
    })
    .where(and(eq(conversations.id, conversationId), eq(conversations.status, 'snoozed')))
    .run();
  if (woken.changes !== 1) return null;
  return addEvent(tx, conversationId, why === 'time' ? 'snooze_ended' : 'snooze_ended_by_text', null, now);
}

/** Brings back every conversation whose snooze is over, each in its own transaction; returns how many. */
export function wakeDue(ctx: DomainContext): number {
  const now = ctx.now();
  const due = ctx.db
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(eq(conversations.status, 'snoozed'), lte(conversations.snoozedUntil, now)))
    .all();
  let woken = 0;
  for (const { id } of due) {
    const done = ctx.db.transaction((tx) => {
      const eventId = wakeInside(tx, id, now, 'time');
      if (eventId === null) return null;
      const { inboxId } = tx
        .select({ inboxId: conversations.inboxId })
        .from(conversations)
        .where(eq(conversations.id, id))
        .get()!;
      return { eventId, inboxId };
    });
    if (!done) continue;
    woken++;
    ctx.events.emit('conversation.changed', { conversationId: id, inboxId: done.inboxId });
    ctx.events.emit('conversation.event', { conversationId: id, eventId: done.eventId, inboxId: done.inboxId });
  }
  return woken;
}

/** When the next snooze ends, or null when nothing is snoozed. */
export function nextWake(ctx: DomainContext): number | null {
  return (
    ctx.db
      .select({ at: min(conversations.snoozedUntil) })
      .from(conversations)
      .where(and(eq(conversations.status, 'snoozed'), isNotNull(conversations.snoozedUntil)))
      .get()?.at ?? null
  );
}
