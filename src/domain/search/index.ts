import type { ConversationStatus } from '../../db/schema/conversations.ts';
import type { Actor, DomainContext } from '../context.ts';
import { listConditions } from '../conversations/list.ts';
import { invalid } from '../errors.ts';
import { prepared } from '../prepared.ts';
import { bestPage } from './best.ts';
import { newestPage } from './newest.ts';
import { parseQuery, type SearchQuery } from './query.ts';
import { CLOSE, OPEN, snippetParts, textSnippet, type SnippetPart } from './snippet.ts';
import type { RawHit } from './sql.ts';

export type { SnippetPart } from './snippet.ts';

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

/** Whether `cursor` is one a search page gave out (the page itself reads any other as the first page). */
export const isSearchCursor = (cursor: string): boolean => parseCursor(cursor) !== null;

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
    query,
    input.limit,
    parseCursor(input.cursor),
  );
  return {
    hits: page.rows.map((h) => ({
      conversationId: h.id,
      inboxId: h.inboxId,
      lastMessageAt: h.lastMessageAt,
      matches: h.matches,
      snippet: snippetOf(ctx, h, query),
      source: h.source === 'phone' ? 'contact' : h.source,
    })),
    next: page.next,
  };
}

/** A contact's name, company and email, or numbers, with the matches marked (FTS5's highlight: few and short). */
const marks = `'${OPEN}', '${CLOSE}'`;
const highlightSql = {
  contact: `SELECT coalesce(nullif(concat_ws(' · ', highlight(search_contacts, 0, ${marks}), highlight(search_contacts, 1, ${marks}), highlight(search_contacts, 2, ${marks})), ''), highlight(search_contacts, 3, ${marks})) FROM search_contacts WHERE search_contacts MATCH ? AND rowid = ?`,
  phone: `SELECT highlight(search_phones, 0, ${marks}) FROM search_phones WHERE search_phones MATCH ? AND rowid = ?`,
} as const;
const bodySql = {
  message: 'SELECT body FROM messages WHERE id = ?',
  note: 'SELECT body FROM conversation_notes WHERE id = ?',
} as const;

/** The hit's text with its matches marked: words around the first for a text or note, the whole for a contact. */
function snippetOf(ctx: DomainContext, hit: RawHit, query: SearchQuery): SnippetPart[] {
  if (hit.source === 'message' || hit.source === 'note') {
    const source = hit.source;
    const body = prepared(ctx, `search body;${source}`, () => ctx.db.$client.prepare(bodySql[source]).pluck());
    return textSnippet((body.get(hit.ref) as string | undefined) ?? '', query.words, query.prefix);
  }
  const source = hit.source;
  const marked = prepared(ctx, `search highlight;${source}`, () =>
    ctx.db.$client.prepare(highlightSql[source]).pluck(),
  ).get(source === 'phone' ? query.digits : query.highlight, hit.ref) as string | null | undefined;
  return marked ? snippetParts(marked) : [];
}
