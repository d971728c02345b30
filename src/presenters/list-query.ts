import { z } from 'zod';
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

/** `2026-11-25` as the start of that day in the viewer's zone (the end bound is exclusive: the day after `to`). */
export function day(raw: string, name: string, zone: string, plusDays = 0): number {
  const ms = dayStart(raw, zone, plusDays);
  if (ms === null) throw new DomainError(400, 'list.bad_filter', { name });
  return ms;
}

/** A filter as typed, trimmed; empty (or not one text) means "any". */
export const filterText = z
  .string()
  .optional()
  .catch(undefined)
  .transform((v) => v?.trim() || undefined);
const idText = z.string().regex(ID_PATTERN);
const dayText = z.string().refine((v) => dayStart(v, 'UTC') !== null);
/** A day filter (`2026-11-25`) in a URL; empty means "any". */
export const dayQuery = filterText.pipe(dayText.optional());

/** A list's URL query fields: each filter is one of its values (or absent). */
export const listQueryFields = z.object({
  view: filterText.pipe(z.enum(views).optional()),
  inbox: filterText.pipe(idText.optional()),
  status: filterText.pipe(z.enum(['any', 'open', 'closed', 'spam', 'snoozed']).optional()),
  assignee: filterText.pipe(z.union([z.enum(['me', 'none', 'anyone']), idText]).optional()),
  tag: filterText.pipe(idText.optional()),
  number: filterText.pipe(idText.optional()),
  unread: filterText.pipe(z.literal('1').optional()),
  from: dayQuery,
  to: dayQuery,
  sort: filterText.pipe(z.enum(['newest', 'oldest', 'waiting']).optional()),
  after: z.string().optional().catch(undefined),
});

/** The checked fields as the list keeps them: the filters given, and where "Load more" goes on. */
export const listInput = ({ after, ...given }: z.output<typeof listQueryFields>) => ({
  values: Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as Partial<Record<Key, string>>,
  ...(after ? { after } : {}),
});
export type ListQueryInput = ReturnType<typeof listInput>;

/** A list's URL query, checked: each filter is one of its values (or absent); a bad one is refused with its name (400). */
export const listQuerySchema = listQueryFields.transform(listInput);

/** The list a checked query asks for, its days read in the viewer's `zone`. */
export function listQueryIn({ values, after }: ListQueryInput, zone: string): ListQuery {
  const view = (values.view ?? 'inbox') as ListView;
  const filter: ListFilter = { ...presets[view], sort: (values.sort ?? 'newest') as ListSort };
  if (values.inbox) filter.inboxId = Number(values.inbox);
  if (values.number) filter.numberId = Number(values.number);
  if (values.tag) filter.tagId = Number(values.tag);
  if (values.status === 'any') delete filter.status;
  else if (values.status) filter.status = values.status as NonNullable<ListFilter['status']>;
  if (values.assignee === 'anyone') delete filter.assignee;
  else if (values.assignee === 'me' || values.assignee === 'none') filter.assignee = values.assignee;
  else if (values.assignee) filter.assignee = Number(values.assignee);
  if (values.unread) filter.unread = true;
  if (values.from) filter.from = day(values.from, 'from', zone);
  if (values.to) filter.to = day(values.to, 'to', zone, 1);
  return { view, filter, values, ...(after ? { after } : {}) };
}

/** A list's query from elsewhere than the request (the page a tab shows, the list beside a conversation); 400 if malformed. */
export function parseListQuery(query: unknown, zone: string): ListQuery {
  const checked = listQuerySchema.safeParse(query ?? {});
  if (!checked.success)
    throw new DomainError(400, 'list.bad_filter', { name: String(checked.error.issues[0]?.path[0] ?? '') });
  return listQueryIn(checked.data, zone);
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
