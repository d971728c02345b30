import { dayStart } from '../domain/calendar.ts';
import type { ListFilter, ListSort } from '../domain/conversations/list.ts';
import { DomainError } from '../domain/errors.ts';
import { ID_PATTERN } from './ids.ts';

export const views = ['inbox', 'mine', 'unassigned', 'snoozed', 'closed', 'spam', 'personal', 'history'] as const;
export type ListView = (typeof views)[number];

/** What each list in the navigation means; the URL's own filters narrow or override it. */
const presets: Record<ListView, Omit<ListFilter, 'sort'>> = {
  inbox: { scope: 'shared', status: 'open' },
  mine: { scope: 'shared', status: 'open', assignee: 'me' },
  unassigned: { scope: 'shared', status: 'open', assignee: 'none' },
  snoozed: { scope: 'shared', status: 'snoozed' },
  closed: { scope: 'shared', status: 'closed' },
  spam: { scope: 'shared', status: 'spam' },
  personal: { scope: 'personal', status: 'open' },
  history: { scope: 'history' },
};

/** The query keys a list understands, in the order links write them. */
const keys = ['view', 'inbox', 'status', 'assignee', 'tag', 'number', 'unread', 'from', 'to', 'sort'] as const;
type Key = (typeof keys)[number];

export interface ListQuery {
  view: ListView;
  filter: ListFilter;
  /** The filters as given (normalised), for the form's values and for links that keep them. */
  values: Partial<Record<Key, string>>;
  after?: string;
}

const badFilter = (name: string): DomainError => new DomainError(400, 'list.bad_filter', { name });

function id(raw: string, name: string): number {
  if (!ID_PATTERN.test(raw)) throw badFilter(name);
  return Number(raw);
}

/** `2026-11-25` as the start of that day in the viewer's zone (the end bound is exclusive: the day after `to`). */
export function day(raw: string, name: string, zone: string, plusDays = 0): number {
  const ms = dayStart(raw, zone, plusDays);
  if (ms === null) throw badFilter(name);
  return ms;
}

/** Reads a list's URL, its days in `zone`; a malformed value is refused with its name (400), an empty one means "any". */
export function parseListQuery(query: unknown, zone: string): ListQuery {
  const q = (query && typeof query === 'object' ? query : {}) as Record<string, unknown>;
  const values: Partial<Record<Key, string>> = {};
  for (const key of keys) {
    const v = q[key];
    if (typeof v === 'string' && v.trim() !== '') values[key] = v.trim();
  }
  const view = (values.view ?? 'inbox') as ListView;
  if (!views.includes(view)) throw badFilter('view');
  const filter: ListFilter = { ...presets[view], sort: 'newest' };
  if (values.inbox) filter.inboxId = id(values.inbox, 'inbox');
  if (values.number) filter.numberId = id(values.number, 'number');
  if (values.tag) filter.tagId = id(values.tag, 'tag');
  if (values.status) {
    if (values.status === 'any') delete filter.status;
    else if (['open', 'closed', 'spam', 'snoozed'].includes(values.status))
      filter.status = values.status as NonNullable<ListFilter['status']>;
    else throw badFilter('status');
  }
  if (values.assignee) {
    if (values.assignee === 'me' || values.assignee === 'none') filter.assignee = values.assignee;
    else if (values.assignee === 'anyone') delete filter.assignee;
    else filter.assignee = id(values.assignee, 'assignee');
  }
  if (values.unread) {
    if (values.unread !== '1') throw badFilter('unread');
    filter.unread = true;
  }
  if (values.from) filter.from = day(values.from, 'from', zone);
  if (values.to) filter.to = day(values.to, 'to', zone, 1);
  if (values.sort) {
    if (!['newest', 'oldest', 'waiting'].includes(values.sort)) throw badFilter('sort');
    filter.sort = values.sort as ListSort;
  }
  const after = typeof q.after === 'string' ? q.after : undefined;
  return { view, filter, values, ...(after ? { after } : {}) };
}

/** The URL of a list with these values (empty ones left out), for bookmarks, paging and the live socket. */
export function listUrl(values: Partial<Record<Key, string>>, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const key of keys) if (values[key]) params.set(key, values[key]);
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  const search = params.toString();
  return search ? `/conversations?${search}` : '/conversations';
}

/** A conversation opened beside a list: the list's filters stay in its URL, so reloads and bookmarks show the same list. */
export function conversationUrl(id: number, values: Partial<Record<Key, string>>): string {
  return listUrl(values).replace('/conversations', `/conversations/${id}`);
}

/** The list filters of the page a tab shows (a list, or a conversation beside one), from its URL; none from elsewhere. */
export function listQueryOf(url: unknown): Record<string, string> {
  if (typeof url !== 'string') return {};
  try {
    const { pathname, searchParams } = new URL(url);
    return /^\/conversations(\/[1-9]\d{0,15})?$/.test(pathname) ? Object.fromEntries(searchParams) : {};
  } catch {
    return {};
  }
}

/** Whether any filter beyond the view itself is set (then "Reset filters" is offered). */
export const hasFilters = (values: Partial<Record<Key, string>>): boolean =>
  keys.some((k) => k !== 'view' && values[k] !== undefined);

/** How a list is ordered on screen, for live inserts (hx-upsert's `sort`). */
export const upsertSort = (filter: ListFilter): string => (filter.sort === 'newest' ? 'desc' : 'asc');
