import { parseListQuery, type ListQuery } from '../presenters/list-query.ts';

/** What a tab shows, read from the path it reported: a list (with its filters), a conversation, a chat, or something else. */
export type TabView =
  | { kind: 'list'; query: ListQuery; path: string }
  | { kind: 'conversation'; id: number }
  | { kind: 'chat'; id: number }
  | { kind: 'page'; pathname: string };

export function tabView(path: string | null): TabView {
  const url = new URL(path ?? '/', 'http://tab');
  const conversation = /^\/conversations\/([1-9]\d{0,15})$/.exec(url.pathname);
  if (conversation) return { kind: 'conversation', id: Number(conversation[1]) };
  const chat = /^\/chats\/([1-9]\d{0,15})$/.exec(url.pathname);
  if (chat) return { kind: 'chat', id: Number(chat[1]) };
  if (url.pathname !== '/conversations') return { kind: 'page', pathname: url.pathname };
  try {
    // The path as given names the list: tabs showing the same list share what is drawn for it.
    return { kind: 'list', query: parseListQuery(Object.fromEntries(url.searchParams)), path: path ?? '/conversations' };
  } catch {
    return { kind: 'page', pathname: url.pathname };
  }
}
