import { parseListQuery, type ListQuery } from '../presenters/list-query.ts';

/** What a tab shows, read from the path it reported: a list (with its filters), a conversation, a chat, or something else. */
export type TabView =
  | { kind: 'list'; query: ListQuery; path: string; zone: string }
  | { kind: 'conversation'; id: number }
  | { kind: 'chat'; id: number }
  | { kind: 'page'; pathname: string };

/** `zone`: the user's time zone when the tab connected, in which the list's days were read. */
export function tabView(path: string | null, zone: string): TabView {
  const url = new URL(path ?? '/', 'http://tab');
  const conversation = /^\/conversations\/([1-9]\d{0,15})$/.exec(url.pathname);
  if (conversation) return { kind: 'conversation', id: Number(conversation[1]) };
  const chat = /^\/chats\/([1-9]\d{0,15})$/.exec(url.pathname);
  if (chat) return { kind: 'chat', id: Number(chat[1]) };
  if (url.pathname !== '/conversations') return { kind: 'page', pathname: url.pathname };
  try {
    // The path as given names the list: tabs showing the same list share what is drawn for it.
    return {
      kind: 'list',
      query: parseListQuery(Object.fromEntries(url.searchParams), zone),
      path: path ?? '/conversations',
      zone,
    };
  } catch {
    return { kind: 'page', pathname: url.pathname };
  }
}
