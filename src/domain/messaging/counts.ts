import type { DomainContext } from '../context.ts';
import { prepared } from '../prepared.ts';

/** What the outbox holds now: read from the database, so it is right from the first moment after a restart. */
export interface OutboxStats {
  queued: number;
  /** When the oldest queued message was written; null when none waits. */
  oldestCreatedAt: number | null;
}

/**
 * Both read the outbox index (status, next_attempt_at, then the rowid) over the queued messages only, never the
 * table: ids grow with time, so the smallest id queued is the oldest message queued.
 */
export function outboxStats(ctx: DomainContext): OutboxStats {
  const db = ctx.db.$client;
  const { queued, oldest } = prepared(ctx, 'outbox stats', () =>
    db.prepare<[], { queued: number; oldest: number | null }>(
      `SELECT count(*) AS queued, min(id) AS oldest FROM messages WHERE status = 'queued'`,
    ),
  ).get()!;
  if (oldest === null) return { queued, oldestCreatedAt: null };
  const createdAt = prepared(ctx, 'message created at', () =>
    db.prepare<[number], number>(`SELECT created_at FROM messages WHERE id = ?`).pluck(),
  ).get(oldest);
  return { queued, oldestCreatedAt: createdAt ?? null };
}

/** The connection that carries (or brought) a message: its number's [[mm7]] one for files on an MMS route, else its [[smpp]] one. */
export function connectionOfMessage(ctx: DomainContext, messageId: number): string | null {
  return (
    prepared(ctx, 'connection of message', () =>
      ctx.db.$client
        .prepare<[number], string>(
          `SELECT CASE WHEN n.media_route = 'mm7' AND n.mm7_connection IS NOT NULL AND EXISTS (SELECT 1 FROM attachments a WHERE a.message_id = m.id)
                       THEN n.mm7_connection ELSE n.channel END
           FROM messages m JOIN conversations c ON c.id = m.conversation_id JOIN numbers n ON n.id = c.number_id
           WHERE m.id = ?`,
        )
        .pluck(),
    ).get(messageId) ?? null
  );
}
