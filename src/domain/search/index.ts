import { fillPlaceholders, sql, type SQL } from 'drizzle-orm';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import { conversations, type ConversationStatus } from '../../db/schema/conversations.ts';
import type { Actor, DomainContext } from '../context.ts';
import { TEAM_BOOK } from '../contacts/book.ts';
import { listConditions } from '../conversations/list.ts';
import { invalid } from '../errors.ts';
import { prepared } from '../prepared.ts';
import { parseQuery } from './query.ts';
import { CLOSE, hasHit, OPEN, snippetParts, type SnippetPart } from './snippet.ts';

export type { SnippetPart } from './snippet.ts';
export { MAX_QUERY_LENGTH } from './query.ts';

/** The conversation list's filters a search combines with; `order`: newest activity first (default), or best match. */
export interface SearchFilter {
  inboxId?: number;
  status?: ConversationStatus;
  assignee?: 'me' | 'none' | number;
  tagId?: number;
  /** Last activity on or after / before these times (ms). */
  from?: number;
  to?: number;
  order?: SearchOrder;
}

export type SearchOrder = 'newest' | 'best';

export type SearchSource = 'message' | 'note' | 'contact';

/** One conversation that matched: its best snippet and how many of its texts, notes and contact details matched. */
export interface SearchHit {
  conversationId: number;
  inboxId: number | null;
  lastMessageAt: number;
  matches: number;
  snippet: SnippetPart[];
  source: SearchSource;
}

export const MAX_LIMIT = 100;

interface RawHit {
  id: number;
  inboxId: number;
  lastMessageAt: number;
  matches: number;
  source: 'message' | 'note' | 'contact' | 'phone';
  ref: number;
  score: number;
}

const dialect = new SQLiteSyncDialect();

/** Sorts after every time: a conversation found by its contact shows the contact as its snippet. */
const CONTACT_FIRST = Number.MAX_SAFE_INTEGER;

/**
 * Every match, one row each: the conversation it belongs to, where it was found, and its sort key (the time for
 * newest, FTS5's bm25 rank for best). Contacts count only from the team's book or the actor's own: a personal
 * book is its owner's alone, even where someone else may read the conversation.
 */
function matches(order: SearchOrder, digits: boolean): SQL {
  const text = sql.placeholder('text');
  const readableBook = sql`(k.book = ${TEAM_BOOK} OR k.book = ${sql.placeholder('actor')})`;
  const score = (at: SQL): SQL => (order === 'best' ? sql`f.rank` : at);
  const parts = [
    sql`SELECT m.conversation_id AS cid, 'message' AS source, f.rowid AS ref, ${score(sql`m.created_at`)} AS score
      FROM search_messages f JOIN messages m ON m.id = f.rowid WHERE search_messages MATCH ${text}`,
    sql`SELECT n.conversation_id, 'note', f.rowid, ${score(sql`n.created_at`)}
      FROM search_notes f JOIN conversation_notes n ON n.id = f.rowid
      WHERE search_notes MATCH ${text} AND n.deleted_at IS NULL`,
    sql`SELECT c.id, 'contact', f.rowid, ${score(sql.raw(String(CONTACT_FIRST)))}
      FROM search_contacts f JOIN contacts k ON k.id = f.rowid JOIN conversations c ON c.contact_id = k.id
      WHERE search_contacts MATCH ${text} AND ${readableBook}`,
  ];
  if (digits)
    parts.push(sql`SELECT c.id, 'phone', f.rowid, ${score(sql.raw(String(CONTACT_FIRST)))}
      FROM search_phones f JOIN contacts k ON k.id = f.rowid JOIN conversations c ON c.contact_id = k.id
      WHERE search_phones MATCH ${sql.placeholder('digits')} AND ${readableBook}`);
  return sql.join(parts, sql` UNION ALL `);
}

/** `<sort key>_<id>` of the last row of a page; anything else is the first page. */
function parseCursor(cursor: string | null | undefined): [number, number] | null {
  const m = cursor ? /^(-?\d+(?:\.\d+)?(?:e-?\d+)?)_(\d{1,16})$/.exec(cursor) : null;
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/**
 * Conversations whose texts, notes or contact match `q`, grouped (one hit each: its best match, and their
 * count), newest activity or best match first, `limit` a page. Who may read what is part of the query, before
 * the page is cut: the conversation list's own conditions (its inbox rule and filters, `listConditions`), so
 * nothing from an inbox, personal inbox or chat the actor may not read is ever counted, let alone shown.
 */
export function searchConversations(
  ctx: DomainContext,
  actor: Actor,
  input: { q: string; filter?: SearchFilter; limit: number; cursor?: string | null },
): { hits: SearchHit[]; next: string | null } {
  const query = parseQuery(input.q);
  if (!Number.isInteger(input.limit) || input.limit < 1 || input.limit > MAX_LIMIT)
    throw invalid('search.bad_limit', 'limit', { max: MAX_LIMIT });
  const { order = 'newest', ...filter } = input.filter ?? {};
  const { where, values, shape } = listConditions(ctx, actor, { ...filter, scope: 'all', sort: 'newest' });
  const cursor = parseCursor(input.cursor);
  const run = prepared(ctx, `search;${shape};${order};${query.digits ? 'digits' : ''};${cursor ? 'after' : ''}`, () => {
    const best = order === 'best';
    const after = sql`(${best ? sql`min(h.score)` : sql`${conversations.lastMessageAt}`}, ${conversations.id}) ${best ? sql`>` : sql`<`} (${sql.placeholder('k')}, ${sql.placeholder('after')})`;
    // The matches first (CROSS JOIN keeps them first), then their conversations, narrowed by the list's rule.
    const statement = sql`SELECT ${conversations.id} AS id, ${conversations.inboxId} AS inboxId,
        ${conversations.lastMessageAt} AS lastMessageAt, count(*) AS matches, h.source AS source, h.ref AS ref,
        ${best ? sql`min(h.score)` : sql`max(h.score)`} AS score
      FROM (${matches(order, query.digits !== null)}) h CROSS JOIN ${conversations} ON ${conversations.id} = h.cid
      WHERE ${sql.join(where(), sql` AND `)}${cursor && !best ? sql` AND ${after}` : sql``}
      GROUP BY ${conversations.id}${cursor && best ? sql` HAVING ${after}` : sql``}
      ORDER BY ${best ? sql`score ASC, ${conversations.id} ASC` : sql`${conversations.lastMessageAt} DESC, ${conversations.id} DESC`}
      LIMIT ${sql.placeholder('limit')}`;
    const { sql: text, params } = dialect.sqlToQuery(statement);
    return { statement: ctx.db.$client.prepare(text), params };
  });
  const raw = run.statement.all(
    ...fillPlaceholders(run.params, {
      ...values,
      text: query.text,
      digits: query.digits,
      actor: actor.id,
      limit: input.limit + 1,
      ...(cursor ? { k: cursor[0], after: cursor[1] } : {}),
    }),
  ) as RawHit[];
  const page = raw.slice(0, input.limit);
  const last = page[page.length - 1];
  return {
    hits: page.map((h) => ({
      conversationId: h.id,
      inboxId: h.inboxId,
      lastMessageAt: h.lastMessageAt,
      matches: h.matches,
      snippet: snippetOf(ctx, h, query.highlight, query.digits),
      source: h.source === 'phone' ? 'contact' : h.source,
    })),
    next: raw.length > input.limit && last ? `${order === 'best' ? last.score : last.lastMessageAt}_${last.id}` : null,
  };
}

/** Words around a text's match (FTS5 snippet), the whole for a contact's name, company and email. */
const SNIPPET_WORDS = 16;
const marks = `'${OPEN}', '${CLOSE}'`;
const snippetSql = {
  message: `SELECT snippet(search_messages, 0, ${marks}, '…', ${SNIPPET_WORDS}) AS plain, snippet(search_messages, 1, ${marks}, '…', ${SNIPPET_WORDS}) AS folded FROM search_messages WHERE search_messages MATCH ? AND rowid = ?`,
  note: `SELECT snippet(search_notes, 0, ${marks}, '…', ${SNIPPET_WORDS}) AS plain, snippet(search_notes, 1, ${marks}, '…', ${SNIPPET_WORDS}) AS folded FROM search_notes WHERE search_notes MATCH ? AND rowid = ?`,
  contact: `SELECT concat_ws(' · ', highlight(search_contacts, 0, ${marks}), highlight(search_contacts, 1, ${marks}), highlight(search_contacts, 2, ${marks})) AS plain, highlight(search_contacts, 3, ${marks}) AS folded FROM search_contacts WHERE search_contacts MATCH ? AND rowid = ?`,
  phone: `SELECT highlight(search_phones, 0, ${marks}) AS plain, NULL AS folded FROM search_phones WHERE search_phones MATCH ? AND rowid = ?`,
} as const;

/**
 * The hit's text with its matches marked. The written text where it shows the match (the snippet query adds
 * each word's spelling with umlauts, so `mueller` marks Müller); the folded copy only where nothing else does.
 */
function snippetOf(ctx: DomainContext, hit: RawHit, highlight: string, digits: string | null): SnippetPart[] {
  const statement = prepared(ctx, `search snippet;${hit.source}`, () => ctx.db.$client.prepare(snippetSql[hit.source]));
  const row = statement.get(hit.source === 'phone' ? digits : highlight, hit.ref) as
    { plain: string | null; folded: string | null } | undefined;
  if (!row) return [];
  return snippetParts((hasHit(row.plain) ? row.plain : hasHit(row.folded) ? row.folded : row.plain) ?? '');
}
