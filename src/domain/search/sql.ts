import { fillPlaceholders, sql, type SQL } from 'drizzle-orm';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import type { Statement } from 'better-sqlite3';
import type { DomainContext } from '../context.ts';
import { TEAM_BOOK } from '../contacts/book.ts';
import { prepared } from '../prepared.ts';

/** One conversation found: where its best match is (`source`, `ref`: the row in that index) and its sort key. */
export interface RawHit {
  id: number;
  inboxId: number;
  lastMessageAt: number;
  matches: number;
  source: 'message' | 'note' | 'contact' | 'phone';
  ref: number;
  score: number;
}

const dialect = new SQLiteSyncDialect();

/**
 * A statement built with drizzle's `sql` (the list's conditions are written that way), prepared once per
 * `shape`, and run with its placeholders' values (`run.bind(values)`).
 */
export function compiled(
  ctx: DomainContext,
  shape: string,
  build: () => SQL,
): { statement: Statement; bind: (values: Record<string, unknown>) => unknown[] } {
  return prepared(ctx, shape, () => {
    const { sql: text, params } = dialect.sqlToQuery(build());
    return { statement: ctx.db.$client.prepare(text), bind: (values) => fillPlaceholders(params, values) };
  });
}

/**
 * Every match, one row each: the conversation it belongs to, where it was found, and its sort key: FTS5's bm25
 * rank for `best`; else the time (a contact matches as of the conversation's last activity). Contacts count
 * only from the team's book or the actor's own: a personal book is its owner's alone, even where someone else
 * may read the conversation. `withMessages` false: notes and contacts only (newest first streams the texts).
 */
export function matches(best: boolean, digits: boolean, withMessages = true): SQL {
  const text = sql.placeholder('text');
  const readableBook = sql`(k.book = ${TEAM_BOOK} OR k.book = ${sql.placeholder('actor')})`;
  const score = (at: SQL): SQL => (best ? sql`f.rank` : at);
  const parts = [
    sql`SELECT n.conversation_id AS cid, 'note' AS source, f.rowid AS ref, ${score(sql`n.created_at`)} AS score
      FROM search_notes f JOIN conversation_notes n ON n.id = f.rowid
      WHERE search_notes MATCH ${text} AND n.deleted_at IS NULL`,
    sql`SELECT c.id, 'contact', f.rowid, ${score(sql`c.last_message_at`)}
      FROM search_contacts f JOIN contacts k ON k.id = f.rowid JOIN conversations c ON c.contact_id = k.id
      WHERE search_contacts MATCH ${text} AND ${readableBook}`,
  ];
  if (withMessages)
    parts.unshift(sql`SELECT m.conversation_id AS cid, 'message' AS source, f.rowid AS ref, ${score(sql`m.created_at`)} AS score
      FROM search_messages f JOIN messages m ON m.id = f.rowid WHERE search_messages MATCH ${text}`);
  if (digits)
    parts.push(sql`SELECT c.id, 'phone', f.rowid, ${score(sql`c.last_message_at`)}
      FROM search_phones f JOIN contacts k ON k.id = f.rowid JOIN conversations c ON c.contact_id = k.id
      WHERE search_phones MATCH ${sql.placeholder('digits')} AND ${readableBook}`);
  return sql.join(parts, sql` UNION ALL `);
}
