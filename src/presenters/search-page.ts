import { dayStart } from '../domain/calendar.ts';
import { rowInList, type ListRow } from '../domain/conversations/list.ts';
import { isManager, type Actor, type DomainContext } from '../domain/context.ts';
import { DomainError } from '../domain/errors.ts';
import { listInboxesFor, teammatesOf } from '../domain/inboxes/service.ts';
import { searchConversations, type SearchFilter, type SearchHit } from '../domain/search/index.ts';
import { listTags } from '../domain/tags/service.ts';
import type { Translate } from '../i18n/index.ts';
import { ID_PATTERN } from './ids.ts';

/** A page of results: the list's rows are this long. */
export const SEARCH_PAGE = 25;

/** The query keys the search page understands, in the order links write them. */
const keys = ['q', 'inbox', 'status', 'assignee', 'tag', 'from', 'to', 'order'] as const;
type Key = (typeof keys)[number];
export type SearchValues = Partial<Record<Key, string>>;

export interface SearchQuery {
  values: SearchValues;
  filter: SearchFilter;
  after: string | null;
}

const badFilter = (name: string): DomainError => new DomainError(400, 'list.bad_filter', { name });

/** A day (`2026-11-25`) as its start in the viewer's zone; `plusDays` 1 for an end bound, which is exclusive. */
function day(raw: string, name: string, zone: string, plusDays = 0): number {
  const ms = dayStart(raw, zone, plusDays);
  if (ms === null) throw badFilter(name);
  return ms;
}

function id(raw: string, name: string): number {
  if (!ID_PATTERN.test(raw)) throw badFilter(name);
  return Number(raw);
}

/** Reads the search page's URL (strings only: the route's schema); a malformed filter is refused with its name (400). */
export function parseSearchQuery(query: Partial<Record<Key | 'after', string>>, zone: string): SearchQuery {
  const values: SearchValues = {};
  for (const key of keys) {
    const v = query[key]?.trim();
    if (v) values[key] = v;
  }
  const filter: SearchFilter = {};
  if (values.inbox) filter.inboxId = id(values.inbox, 'inbox');
  if (values.tag) filter.tagId = id(values.tag, 'tag');
  if (values.status) {
    if (!['open', 'closed', 'spam', 'snoozed'].includes(values.status)) throw badFilter('status');
    filter.status = values.status as NonNullable<SearchFilter['status']>;
  }
  if (values.assignee) {
    if (values.assignee === 'me' || values.assignee === 'none') filter.assignee = values.assignee;
    else filter.assignee = id(values.assignee, 'assignee');
  }
  if (values.from) filter.from = day(values.from, 'from', zone);
  if (values.to) filter.to = day(values.to, 'to', zone, 1);
  if (values.order) {
    if (values.order !== 'newest' && values.order !== 'best') throw badFilter('order');
    filter.order = values.order;
  }
  return { values, filter, after: query.after ?? null };
}

/** The search page's URL with these values (empty ones left out). */
export function searchUrl(values: SearchValues, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const key of keys) if (values[key]) params.set(key, values[key]);
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  return `/search?${params.toString()}`;
}

/** A result as a row of the conversation list, with what matched. */
export type SearchRow = ListRow & Pick<SearchHit, 'matches' | 'snippet' | 'source'>;

/**
 * The search page: the results for one viewer (none asked for without words), the filters' choices, and the
 * query's own problem (empty, too long) to show in place of results.
 */
export function searchPage(domain: DomainContext, actor: Actor, t: Translate, query: SearchQuery) {
  const q = query.values.q ?? '';
  let rows: SearchRow[] = [];
  let next: string | null = null;
  let problem: string | null = null;
  if (q !== '') {
    try {
      const found = searchConversations(domain, actor, {
        q,
        filter: query.filter,
        limit: SEARCH_PAGE,
        cursor: query.after,
      });
      next = found.next;
      rows = found.hits.flatMap((hit) => {
        // The list's own row (names as this viewer may see them); the search read the same rule.
        const row = rowInList(domain, actor, { scope: 'all', sort: 'newest' }, hit.conversationId);
        return row ? [{ ...row, matches: hit.matches, snippet: hit.snippet, source: hit.source }] : [];
      });
    } catch (err) {
      if (!(err instanceof DomainError) || err.field !== 'q') throw err;
      problem = t(err.key, err.params);
    }
  }
  const inboxes = listInboxesFor(domain, actor).map((i) => ({
    id: i.id,
    name: i.ownerUserId === null ? i.name : t('nav.personal'),
  }));
  return {
    q,
    // The top bar's box shows what was searched.
    searchQ: q,
    values: query.values,
    rows,
    problem,
    heading: q ? t('search.title_for', { q }) : t('search.title'),
    nextUrl: next ? searchUrl(query.values, { after: next }) : null,
    filtered: keys.some((k) => k !== 'q' && k !== 'order' && query.values[k] !== undefined),
    resetUrl: searchUrl({ q }),
    choices: {
      inboxes,
      tags: listTags(domain),
      teammates: teammatesOf(domain, actor),
      maySeeSpam: isManager(actor),
    },
  };
}
