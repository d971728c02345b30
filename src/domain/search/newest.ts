import { sql } from 'drizzle-orm';
import { conversations } from '../../db/schema/conversations.ts';
import type { DomainContext } from '../context.ts';
import type { Conditions } from '../conversations/list.ts';
import { prepared } from '../prepared.ts';
import { compiled, matches, type RawHit } from './sql.ts';

/**
 * Newest first: conversations by the time of their newest match (a text's or note's time; a contact matches as
 * of the conversation's last activity), ties by id. Texts are most of the index: a common word can be in
 * hundreds of thousands, and looking each one's conversation up costs microseconds. So texts are read newest
 * first (the index's own rowid order) only until the page is full; notes and contacts, far fewer, are read
 * whole. The cursor is the last row's key and id; a later page skips the conversations a newer match put on an
 * earlier one.
 */
export function newestPage(
  ctx: DomainContext,
  c: Conditions,
  values: Record<string, unknown>,
  digits: boolean,
  limit: number,
  cursor: [number, number] | null,
): { rows: RawHit[]; next: string | null } {
  const all = { ...c.values, ...values, ...(cursor ? { k: cursor[0], after: cursor[1] } : {}) };
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
  const texts = compiled(ctx, `search newest texts;${c.shape};${cursor ? 'after' : ''}`, () => {
    return sql`SELECT ${conversations.id} AS id, ${conversations.inboxId} AS inboxId,
        ${conversations.lastMessageAt} AS lastMessageAt, m.created_at AS at, f.rowid AS ref
      FROM search_messages f JOIN messages m ON m.id = f.rowid CROSS JOIN ${conversations} ON ${conversations.id} = m.conversation_id
      WHERE search_messages MATCH ${sql.placeholder('text')} AND ${where()}${cursor ? sql` AND m.created_at <= ${sql.placeholder('k')}` : sql``}
      ORDER BY f.rowid DESC`;
  });
  const before = (key: number, id: number): boolean =>
    !cursor || key < cursor[0] || (key === cursor[0] && id < cursor[1]);
  // On a later page: whether a text of the conversation put it on an earlier one.
  const shownBefore = (id: number): boolean =>
    cursor !== null &&
    (!before(otherBy.get(id)?.score ?? -Infinity, id) ||
      newerText(ctx).get({ id, k: cursor[0], after: cursor[1], text: values.text }) !== undefined);

  const found = new Map<number, RawHit>();
  const passed = new Set<number>();
  let complete = true;
  let lowest = Infinity;
  for (const row of texts.statement.iterate(...texts.bind(all)) as IterableIterator<RawHit & { at: number }>) {
    if (found.has(row.id) || passed.has(row.id)) continue;
    if (shownBefore(row.id)) {
      passed.add(row.id);
      continue;
    }
    const other = otherBy.get(row.id);
    found.set(row.id, other && other.score > row.at ? other : { ...row, matches: 0, source: 'message', score: row.at });
    lowest = row.at;
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
    if (found.has(other.id) || passed.has(other.id) || !before(other.score, other.id) || shownBefore(other.id))
      continue;
    candidates.push(other);
  }
  const page = candidates.sort((a, b) => b.score - a.score || b.id - a.id).slice(0, limit + 1);
  const rows = page.slice(0, limit).map((r) => ({
    ...r,
    matches: (textCount(ctx).get(r.id, values.text) as number) + (otherBy.get(r.id)?.matches ?? 0),
  }));
  const last = rows[rows.length - 1];
  return { rows, next: page.length > limit && last ? `${last.score}_${last.id}` : null };
}

/** A matching text of the conversation at or after the cursor (its key, then its id): one look per text. */
const newerText = (ctx: DomainContext) =>
  prepared(ctx, 'search newer text', () =>
    ctx.db.$client.prepare(
      `SELECT 1 FROM messages m CROSS JOIN search_messages f ON f.rowid = m.id
       WHERE m.conversation_id = :id AND (m.created_at > :k OR (m.created_at = :k AND m.conversation_id >= :after))
         AND search_messages MATCH :text LIMIT 1`,
    ),
  );

/** How many of the conversation's texts match: one look per text. */
const textCount = (ctx: DomainContext) =>
  prepared(ctx, 'search text count', () =>
    ctx.db.$client
      .prepare(
        `SELECT count(*) FROM messages m CROSS JOIN search_messages f ON f.rowid = m.id
         WHERE m.conversation_id = ? AND search_messages MATCH ?`,
      )
      .pluck(),
  );
