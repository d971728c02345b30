import type { DomainContext, Tx } from '../context.ts';
import { inboxAudience } from '../inboxes/access.ts';
import { addNotifications, announce } from '../notifications/notify.ts';
import { autoAssign, type AutoAssigned } from './round-robin.ts';

export interface Welcomed {
  assigned: AutoAssigned | null;
  notified: { notificationId: number; userId: number }[];
}

/**
 * A conversation the customer just started (not a reopened or spam one), inside the transaction that
 * created it: the rotation may assign it, everyone who may see the inbox hears of it ('new_conversation'),
 * and the assignee hears that it is theirs ('assigned'). Nobody acted, so nobody is left out as the actor.
 */
export function welcomeConversation(ctx: DomainContext, tx: Tx, inboxId: number, conversationId: number, excerpt: string, now: number): Welcomed {
  const assigned = autoAssign(tx, inboxId, conversationId, now);
  // Read on the transaction's own connection (better-sqlite3 is synchronous): the audience is not changed here.
  const audience = inboxAudience(ctx, inboxId);
  const notified = addNotifications(ctx, now, [
    ...audience.map((userId) => ({ userId, kind: 'new_conversation' as const, actorId: null, conversationId, excerpt })),
    ...(assigned ? [{ userId: assigned.assigneeId, kind: 'assigned' as const, actorId: null, conversationId, excerpt }] : []),
  ]);
  return { assigned, notified };
}

/** After the commit: what a manual assignment announces (the timeline entry goes with the caller's other events), and the notifications. */
export function announceWelcome(ctx: DomainContext, conversationId: number, inboxId: number, welcomed: Welcomed | null): void {
  if (!welcomed) return;
  if (welcomed.assigned) ctx.events.emit('conversation.changed', { conversationId, inboxId });
  announce(ctx, welcomed.notified);
}
