import type { ConversationStatus } from '../../db/schema/conversations.ts';
import type { Actor, DomainContext } from '../context.ts';
import { listConditions } from '../conversations/list.ts';
import { invalid } from '../errors.ts';
import { prepared } from '../prepared.ts';
import { bestPage } from './best.ts';
import { newestPage } from './newest.ts';
import { parseQuery } from './query.ts';
import { CLOSE, hasHit, OPEN, snippetParts, type SnippetPart } from './snippet.ts';
import type { RawHit } from './sql.ts';

export type { SnippetPart } from './snippet.ts';
export { MAX_QUERY_LENGTH } from './query.ts';

/**
 * The conversation list's filters a search combines with; `order`: the conversations with the newest matches first
 * (default), or the best matches first.
 */
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

/** `<sort key>_<id>` of the last row of a page; anything else is the first page. */
function parseCursor(cursor: string | null | undefined): [number, number] | null {
  const m = cursor ? /^(-?\d+(?:\.\d+)?(?:e-?\d+)?)_(\d{1,16})$/.exec(cursor) : null;
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/**
 * Conversations whose texts, notes or contact match `q`, grouped (one hit each: its best match, and their
 * count), newest or best match first (./newest.ts, ./best.ts), `limit` a page. Who may read what is part of the query, before
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
  const conditions = listConditions(ctx, actor, { ...filter, scope: 'all', sort: 'newest' });
  const values = { text: query.text, digits: query.digits, actor: actor.id };
  const page = (order === 'best' ? bestPage : newestPage)(
    ctx,
    conditions,
    values,
    query.digits !== null,
    input.limit,
    parseCursor(input.cursor),
  );
  return {
    hits: page.rows.map((h) => ({
      conversationId: h.id,
      inboxId: h.inboxId,
      lastMessageAt: h.lastMessageAt,
      matches: h.matches,
      snippet: snippetOf(ctx, h, query.highlight, query.digits),
      source: h.source === 'phone' ? 'contact' : h.source,
    })),
    next: page.next,
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
