import type Database from 'better-sqlite3';
import type { NotificationKind } from '../../db/schema/notifications.ts';
import type { DomainContext } from '../context.ts';

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

/** A message or note as a toast shows it: one line, cut to a toast's length. */
export function excerptOf(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > EXCERPT ? `${line.slice(0, EXCERPT - 1)}…` : line;
}

const inserts = new WeakMap<Database.Database, Database.Statement<unknown[], number>>();

/** One prepared insert: a new conversation notifies everyone who sees its inbox, hundreds of rows at once. */
function insertOf(db: Database.Database): Database.Statement<unknown[], number> {
  let insert = inserts.get(db);
  if (!insert) {
    const sql =
      'INSERT INTO notifications (user_id, kind, actor_id, conversation_id, chat_id, excerpt, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id';
    inserts.set(db, (insert = db.prepare<unknown[], number>(sql).pluck()));
  }
  return insert;
}

/**
 * Records notifications inside the caller's transaction (on the same connection; nobody is told of their own
 * action); returns what `announce` must emit once the transaction has committed.
 */
export function addNotifications(
  ctx: DomainContext,
  now: number,
  items: NewNotification[],
): { notificationId: number; userId: number }[] {
  const insert = insertOf(ctx.db.$client);
  return items
    .filter((n) => n.userId !== n.actorId)
    .map((n) => {
      const notificationId = insert.get(
        n.userId,
        n.kind,
        n.actorId,
        n.conversationId ?? null,
        n.chatId ?? null,
        excerptOf(n.excerpt),
        now,
      )!;
      return { notificationId, userId: n.userId };
    });
}

export function announce(ctx: DomainContext, created: { notificationId: number; userId: number }[]): void {
  for (const n of created) ctx.events.emit('notification.created', n);
}
