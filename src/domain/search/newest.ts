import { sql } from 'drizzle-orm';
import { conversations } from '../../db/schema/conversations.ts';
import type { DomainContext } from '../context.ts';
import type { Conditions } from '../conversations/list.ts';
import { prepared } from '../prepared.ts';
import type { SearchQuery } from './query.ts';
import { textMatches } from './snippet.ts';
import { compiled, matches, type RawHit } from './sql.ts';

/**
 * Newest first: conversations by the time of their newest match (a text's or note's time; a contact matches as
 * of the conversation's last activity), ties by id. Texts are most of the index: a common word can be in
 * hundreds of thousands, and looking each one's conversation up costs microseconds. So texts are read newest
 * first (the index's own rowid order) only until the page is full; notes and contacts, far fewer, are read
 * whole. The cursor is the last row's key and id.
 */
export function newestPage(
  ctx: DomainContext,
  c: Conditions,
  values: Record<string, unknown>,
  query: SearchQuery,
  limit: number,
  cursor: [number, number] | null,
): { rows: RawHit[]; next: string | null } {
  const digits = query.digits !== null;
  const all = { ...c.values, ...values };
  const where = () => sql.join(c.where(), sql` AND `);
  // Notes and contacts, grouped: each conversation's newest such match and their count.
  const others = compiled(ctx, `search newest others;${c.shape};${digits ? 'digits' : ''}`, () => {
    return sql`SELECT ${conversations.id} AS id, ${conversations.inboxId} AS inboxId,
        ${conversations.lastMessageAt} AS lastMessageAt, count(*) AS matches, h.source AS source, h.ref AS ref,
        max(h.score) AS score
      FROM (${matches(false, digits, false)}) h CROSS JOIN ${conversations} ON ${conversations.id} = h.cid
      WHERE ${where()} GROUP BY ${conversations.id}`;
  });
  const otherRows = others.statement.all(...others.bind(all)) as RawHit[];
  const otherBy = new Map(otherRows.map((r) => [r.id, r]));
  // The texts, newest first (FTS5 reads its index in rowid order: no sort), each with its conversation.
  const texts = compiled(ctx, `search newest texts;${c.shape}`, () => {
    return sql`SELECT ${conversations.id} AS id, ${conversations.inboxId} AS inboxId,
        ${conversations.lastMessageAt} AS lastMessageAt, m.created_at AS at, f.rowid AS ref
      FROM search_messages f JOIN messages m ON m.id = f.rowid CROSS JOIN ${conversations} ON ${conversations.id} = m.conversation_id
      WHERE search_messages MATCH ${sql.placeholder('text')} AND ${where()}
      ORDER BY f.rowid DESC`;
  });
  // A later page reads from the newest again and passes what earlier pages showed: the order is worked out the
  // same way each time, so nothing repeats or goes missing (the texts' lookups grow with the depth, not the hits).
  const before = (key: number, id: number): boolean =>
    !cursor || key < cursor[0] || (key === cursor[0] && id < cursor[1]);
  const found = new Map<number, RawHit>();
  const passed = new Set<number>();
  let complete = true;
  let lowest = Infinity;
  for (const row of texts.statement.iterate(...texts.bind(all)) as IterableIterator<RawHit & { at: number }>) {
    if (found.has(row.id) || passed.has(row.id)) continue;
    const other = otherBy.get(row.id);
    const hit: RawHit =
      other && other.score > row.at ? other : { ...row, matches: 0, source: 'message', score: row.at };
    lowest = row.at;
    if (!before(hit.score, hit.id)) {
      passed.add(row.id);
      continue;
    }
    found.set(row.id, hit);
    // Any conversation not met yet has no newer text than this one: these will do.
    if (found.size > limit) {
      complete = false;
      break;
    }
  }
  // Conversations found by notes or contacts alone, where their match is new enough to count.
  const candidates = [...found.values()];
  for (const other of otherRows.sort((a, b) => b.score - a.score || b.id - a.id)) {
    if (!complete && other.score < lowest) break;
    if (found.has(other.id) || passed.has(other.id) || !before(other.score, other.id)) continue;
    candidates.push(other);
  }
  const page = candidates.sort((a, b) => b.score - a.score || b.id - a.id).slice(0, limit + 1);
  const shown = page.slice(0, limit);
  const counts = textCounts(
    ctx,
    shown.map((r) => r.id),
    query,
  );
  const rows = shown.map((r) => ({ ...r, matches: (counts.get(r.id) ?? 0) + (otherBy.get(r.id)?.matches ?? 0) }));
  const last = rows[rows.length - 1];
  return { rows, next: page.length > limit && last ? `${last.score}_${last.id}` : null };
}

/**
 * How many texts of each conversation match, for a page of them, read from their texts: asking the index would
 * read every match of the query again (all of them for a common word).
 */
function textCounts(ctx: DomainContext, ids: number[], query: SearchQuery): Map<number, number> {
  const rows = prepared(ctx, 'search page texts', () =>
    ctx.db.$client.prepare(
      `SELECT conversation_id AS id, body FROM messages WHERE conversation_id IN (SELECT value FROM json_each(?))`,
    ),
  ).all(JSON.stringify(ids)) as { id: number; body: string }[];
  const counts = new Map<number, number>();
  for (const r of rows)
    if (textMatches(r.body, query.words, query.prefix)) counts.set(r.id, (counts.get(r.id) ?? 0) + 1);
  return counts;
}
