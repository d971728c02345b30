import { sql } from 'drizzle-orm';
import { conversations } from '../../db/schema/conversations.ts';
import type { DomainContext } from '../context.ts';
import type { Conditions } from '../conversations/list.ts';
import type { SearchQuery } from './query.ts';
import { compiled, matches, type RawHit } from './sql.ts';

/**
 * Best match first: every match ranked (FTS5's bm25), grouped by conversation (its best rank), narrowed by the
 * list's conditions, then a page. Ranking needs every match, so this costs in proportion to them.
 */
export function bestPage(
  ctx: DomainContext,
  c: Conditions,
  values: Record<string, unknown>,
  query: SearchQuery,
  limit: number,
  cursor: [number, number] | null,
): { rows: RawHit[]; next: string | null } {
  const digits = query.digits !== null;
  const run = compiled(ctx, `search best;${c.shape};${digits ? 'digits' : ''};${cursor ? 'after' : ''}`, () => {
    const after = sql`(min(h.score), ${conversations.id}) > (${sql.placeholder('k')}, ${sql.placeholder('after')})`;
    // The matches first (CROSS JOIN keeps them first), then their conversations, narrowed by the list's rule.
    return sql`SELECT ${conversations.id} AS id, ${conversations.inboxId} AS inboxId,
        ${conversations.lastMessageAt} AS lastMessageAt, count(*) AS matches, h.source AS source, h.ref AS ref,
        min(h.score) AS score
      FROM (${matches(true, digits)}) h CROSS JOIN ${conversations} ON ${conversations.id} = h.cid
      WHERE ${sql.join(c.where(), sql` AND `)}
      GROUP BY ${conversations.id}${cursor ? sql` HAVING ${after}` : sql``}
      ORDER BY score ASC, ${conversations.id} ASC
      LIMIT ${sql.placeholder('limit')}`;
  });
  const rows = run.statement.all(
    ...run.bind({ ...c.values, ...values, limit: limit + 1, ...(cursor ? { k: cursor[0], after: cursor[1] } : {}) }),
  ) as RawHit[];
  const last = rows[limit - 1];
  return { rows: rows.slice(0, limit), next: rows.length > limit && last ? `${last.score}_${last.id}` : null };
}
