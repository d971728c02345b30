import { notifications, type NotificationKind } from '../../db/schema/notifications.ts';
import type { DomainContext, Tx } from '../context.ts';

export interface NewNotification {
  userId: number;
  kind: NotificationKind;
  actorId: number | null;
  conversationId?: number;
  chatId?: number;
  /** Plain text; cut to a toast's length here. */
  excerpt: string;
}

const EXCERPT = 140;

/**
 * Records notifications inside the caller's transaction (nobody is told of their own action); returns what
 * `announce` must emit once the transaction has committed.
 */
export function addNotifications(tx: Pick<Tx, 'insert'>, now: number, items: NewNotification[]): { notificationId: number; userId: number }[] {
  return items
    .filter((n) => n.userId !== n.actorId)
    .map((n) => {
      const excerpt = n.excerpt.replace(/\s+/g, ' ').trim();
      const notificationId = tx
        .insert(notifications)
        .values({ ...n, excerpt: excerpt.length > EXCERPT ? `${excerpt.slice(0, EXCERPT - 1)}…` : excerpt, createdAt: now })
        .returning({ id: notifications.id })
        .get().id;
      return { notificationId, userId: n.userId };
    });
}

export function announce(ctx: DomainContext, created: { notificationId: number; userId: number }[]): void {
  for (const n of created) ctx.events.emit('notification.created', n);
}
