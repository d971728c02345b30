import { z } from 'zod';
import { rowInList, type ListRow } from '../domain/conversations/list.ts';
import { isManager, type Actor, type DomainContext } from '../domain/context.ts';
import { DomainError } from '../domain/errors.ts';
import { listInboxesFor, teammatesOf } from '../domain/inboxes/service.ts';
import { searchConversations, type SearchFilter, type SearchHit } from '../domain/search/index.ts';
import { listTags } from '../domain/tags/service.ts';
import type { Translate } from '../i18n/index.ts';
import { day, filterText, listQueryFields } from './list-query.ts';

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

/**
 * The search page's URL query, checked: the words, the list's own filters (each one of its values, as the list
 * checks them; a bad one is refused with its name, 400) and the order.
 */
export const searchQuerySchema = listQueryFields
  .pick({ inbox: true, status: true, assignee: true, tag: true, from: true, to: true, after: true })
  .extend({
    // The words must be one text: two of them is a malformed link, not an empty search.
    q: z
      .string()
      .optional()
      .transform((v) => v?.trim() || undefined),
    order: filterText.pipe(z.enum(['newest', 'best']).optional()),
  });

/** The search a checked query asks for, its days read in the viewer's `zone`. */
export function searchQueryIn({ after, ...given }: z.output<typeof searchQuerySchema>, zone: string): SearchQuery {
  const values = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as SearchValues;
  const filter: SearchFilter = {};
  if (values.inbox) filter.inboxId = Number(values.inbox);
  if (values.tag) filter.tagId = Number(values.tag);
  if (values.status && values.status !== 'any') filter.status = values.status as NonNullable<SearchFilter['status']>;
  if (values.assignee === 'me' || values.assignee === 'none') filter.assignee = values.assignee;
  else if (values.assignee && values.assignee !== 'anyone') filter.assignee = Number(values.assignee);
  if (values.from) filter.from = day(values.from, 'from', zone);
  if (values.to) filter.to = day(values.to, 'to', zone, 1);
  if (values.order) filter.order = values.order as NonNullable<SearchFilter['order']>;
  return { values, filter, after: after ?? null };
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
