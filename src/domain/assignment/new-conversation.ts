import type { DomainContext, Tx } from '../context.ts';
import { addNotifications, announce } from '../notifications/notify.ts';
import { autoAssign, type AutoAssigned } from './round-robin.ts';

export interface Welcomed {
  assigned: AutoAssigned | null;
  notified: { notificationId: number; userId: number }[];
  /** The customer's first text. */
  messageId: number;
}

/**
 * A conversation the customer just started (not a reopened or spam one), inside the transaction that
 * created it: the rotation may assign it, and the assignee hears that it is theirs ('assigned'). Everyone who
 * may see the inbox hears of it too ('new_conversation'), as it happens (`announceWelcome`): a toast in their
 * open tabs, not a row per person — with 300 people in an inbox, 300 rows per new conversation were a third of
 * what receiving it cost, and nothing reads them after the toast.
 */
export function welcomeConversation(
  ctx: DomainContext,
  tx: Tx,
  inboxId: number,
  conversationId: number,
  messageId: number,
  excerpt: string,
  now: number,
): Welcomed {
  const assigned = autoAssign(tx, inboxId, conversationId, now);
  const notified = assigned
    ? addNotifications(ctx, now, [
        { userId: assigned.assigneeId, kind: 'assigned', actorId: null, conversationId, excerpt },
      ])
    : [];
  return { assigned, notified, messageId };
}

/** After the commit: what the assignment announces (the timeline entry goes with the caller's other events), the welcome and the notifications. */
export function announceWelcome(
  ctx: DomainContext,
  conversationId: number,
  inboxId: number,
  welcomed: Welcomed | null,
): void {
  if (!welcomed) return;
  if (welcomed.assigned) ctx.events.emit('conversation.changed', { conversationId, inboxId });
  ctx.events.emit('conversation.welcomed', { conversationId, inboxId, messageId: welcomed.messageId });
  announce(ctx, welcomed.notified);
}
