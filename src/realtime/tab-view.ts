import { parseListQuery, type ListQuery } from '../presenters/list-query.ts';

/** A conversation list a tab shows, on its own or beside an open conversation. */
export interface ShownList {
  query: ListQuery;
  /** The list's own path (`/conversations?…`): tabs showing the same list share what is drawn for it. */
  path: string;
  /** The user's time zone when the tab connected, in which the list's days were read. */
  zone: string;
}

/**
 * What a tab shows, read from the path it reported: a list (with its filters), a conversation (beside the list its
 * URL's query names), a chat, or something else.
 */
export type TabView =
  | ({ kind: 'list' } & ShownList)
  | { kind: 'conversation'; id: number; list: ShownList | null }
  | { kind: 'chat'; id: number }
  | { kind: 'page'; pathname: string };

export function tabView(path: string | null, zone: string): TabView {
  const url = new URL(path ?? '/', 'http://tab');
  const conversation = /^\/conversations\/([1-9]\d{0,15})$/.exec(url.pathname);
  if (conversation) return { kind: 'conversation', id: Number(conversation[1]), list: listIn(url, zone) };
  const chat = /^\/chats\/([1-9]\d{0,15})$/.exec(url.pathname);
  if (chat) return { kind: 'chat', id: Number(chat[1]) };
  if (url.pathname !== '/conversations') return { kind: 'page', pathname: url.pathname };
  const list = listIn(url, zone);
  return list ? { kind: 'list', ...list } : { kind: 'page', pathname: url.pathname };
}

/** The list a tab shows, on the list page or beside a conversation. */
export const shownList = (view: TabView): ShownList | null =>
  view.kind === 'list' ? view : view.kind === 'conversation' ? view.list : null;

/** The list named by a URL's query (a conversation's own `before` is not the list's); none if it is malformed. */
function listIn(url: URL, zone: string): ShownList | null {
  const params = new URLSearchParams(url.searchParams);
  params.delete('before');
  const search = params.toString();
  try {
    return {
      query: parseListQuery(Object.fromEntries(params), zone),
      path: search ? `/conversations?${search}` : '/conversations',
      zone,
    };
  } catch {
    return null;
  }
}
