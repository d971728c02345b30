import type { FastifyInstance } from 'fastify';
import { rowsForViewers } from '../domain/conversations/list.ts';
import { eventItem, messageItem, noteItem, type TimelineItem } from '../domain/conversations/timeline.ts';
import { inboxAudience } from '../domain/inboxes/access.ts';
import type { PublicUser } from '../domain/users/service.ts';
import { drawer, lookOf, ownPiece, rowRemoved } from './fragments.ts';
import type { LiveClient, Piece } from './hub.ts';
import type { UnreadCounts } from './unread.ts';
import { shownList, type ShownList } from './tab-view.ts';
import type { Viewers } from './viewers.ts';

type ItemRef = { kind: 'message' | 'event' | 'note'; id: number };

/** What changed about one conversation during a turn; drawn and pushed once at its end. */
export interface News {
  /** Its inbox now, and the one it left (a move): the people of both hear of it. */
  inboxIds: Set<number>;
  /** Timeline entries to draw into the open conversation (new, or changed: a receipt, a reaction). */
  items: ItemRef[];
  header: boolean;
  panel: boolean;
  /** A customer's message: a reply window that had closed (WhatsApp) is open again. */
  composer: boolean;
  /** Its row in the lists that tabs show. */
  row: boolean;
  /** Whether it is unread may have changed for everyone who sees it (a customer's text, a status, a move). */
  unread: boolean;
  /** Users who read it, or marked it unread: their own row and count. */
  readBy: Set<number>;
}

const loadItem = (app: FastifyInstance, ref: ItemRef): TimelineItem | undefined =>
  ref.kind === 'message'
    ? messageItem(app.domain, ref.id)
    : ref.kind === 'event'
      ? eventItem(app.domain, ref.id)
      : noteItem(app.domain, ref.id);

const listOf = (list: ShownList): string => `${list.zone} ${list.path}`;

/** What of a timeline entry depends on who looks: their own reactions are pressed, their own notes have actions. */
function itemKey(item: TimelineItem, user: PublicUser): string {
  if (item.kind === 'message') return item.reactions.map((r) => (r.userIds.includes(user.id) ? 1 : 0)).join('');
  if (item.kind === 'note') return item.authorId === user.id ? 'own' : '';
  return '';
}

/**
 * Pushes about conversations, gathered over a turn: every change to one conversation in that turn is drawn once,
 * for everyone allowed to see it. Per conversation one read of its audience, their user rows, its unread state for
 * them and its row in their lists; each distinct fragment is drawn once (see Piece).
 */
export function createConversationNews(app: FastifyInstance, unread: UnreadCounts, viewers: Viewers) {
  const { domain, hub } = app;
  const pending = new Map<number, News>();

  function note(
    conversationId: number,
    change: Partial<Pick<News, 'header' | 'panel' | 'composer' | 'row' | 'unread'>> & {
      inboxIds: (number | undefined)[];
      item?: ItemRef;
      readBy?: number;
    },
  ): void {
    // Every text and every status change lands here: with nobody watching, nothing is loaded or drawn.
    if (!hub.anyoneConnected()) return;
    let news = pending.get(conversationId);
    if (!news) {
      news = {
        inboxIds: new Set(),
        items: [],
        header: false,
        panel: false,
        composer: false,
        row: false,
        unread: false,
        readBy: new Set(),
      };
      pending.set(conversationId, news);
      const gathered = news;
      hub.later(
        () => push(conversationId, gathered),
        () => pending.delete(conversationId),
      );
    }
    for (const id of change.inboxIds) if (id !== undefined) news.inboxIds.add(id);
    if (change.item) news.items.push(change.item);
    news.header ||= change.header ?? false;
    news.panel ||= change.panel ?? false;
    news.composer ||= change.composer ?? false;
    news.row ||= change.row ?? false;
    news.unread ||= change.unread ?? false;
    if (change.readBy !== undefined) news.readBy.add(change.readBy);
  }

  function push(conversationId: number, news: News): void {
    const audiences = new Map([...news.inboxIds].map((id) => [id, new Set(inboxAudience(domain, id))]));
    const audience = new Set([...audiences.values()].flatMap((a) => [...a]));
    const clients = hub.clientsOf([...audience, ...news.readBy]);
    if (clients.length === 0) return;
    const users = viewers.of(clients.map((c) => c.userId));
    const inAudience = [...users.values()].filter((u) => audience.has(u.id));
    const badges = new Set(news.unread ? unread.conversationChanged(conversationId, inAudience) : []);
    for (const userId of news.readBy) {
      const reader = users.get(userId);
      if (reader && !news.unread) for (const id of unread.readChanged(conversationId, reader)) badges.add(id);
    }
    // Timeline entries only for a tab that shows the conversation: most pushes go to lists.
    const watching = clients.some((c) => c.view.kind === 'conversation' && c.view.id === conversationId);
    const items = watching
      ? news.items.map((ref) => loadItem(app, ref)).filter((i): i is TimelineItem => i !== undefined)
      : [];
    const rowClients = news.row ? clients : clients.filter((c) => news.readBy.has(c.userId));
    const rows = listRows(conversationId, rowClients, users, (id) => audiences.get(id));

    hub.push([...users.keys(), ...badges], (client) => {
      const user = users.get(client.userId);
      if (!user) return [];
      const look = lookOf(app, user, client);
      const draw = () => drawer(app, user, client);
      const pieces: Piece[] = [];
      if (badges.has(user.id)) {
        const label = unread.labelOf(user);
        pieces.push({ key: `badge ${look} ${label}`, render: () => draw().unreadBadge(label) });
      }
      const { view } = client;
      if (view.kind === 'conversation' && view.id === conversationId) {
        for (const item of items) {
          pieces.push({
            key: `item ${item.kind} ${item.id} ${look} ${itemKey(item, user)}`,
            render: () => draw().timelineItem(conversationId, item),
          });
        }
        if (news.header || news.panel) {
          pieces.push(
            ownPiece(user, client, `parts ${conversationId}`, () =>
              draw().conversationParts(conversationId, { header: news.header, panel: news.panel }),
            ),
          );
        }
        if (news.composer)
          pieces.push(
            ownPiece(user, client, `composer ${conversationId}`, () => draw().reopenedComposer(conversationId)),
          );
      }
      const list = shownList(view);
      if (list && rows.has(`${listOf(list)} ${user.id}`)) {
        const row = rows.get(`${listOf(list)} ${user.id}`);
        if (row === null) pieces.push({ key: `row gone ${conversationId}`, render: () => rowRemoved(conversationId) });
        else if (row?.pinned) {
          // Out of the main list (it may have just been pinned), then into the redrawn pins.
          pieces.push(
            { key: `row gone ${conversationId}`, render: () => rowRemoved(conversationId) },
            ownPiece(user, client, 'pins', () => draw().pinned(list.query)),
          );
        } else if (row) {
          const key = `row ${list.path} ${look} ${row.unread} ${user.hideTags}`;
          pieces.push({ key, render: () => draw().listRow(list.query, row) });
        }
      }
      return pieces;
    });
  }

  /**
   * The conversation's row in each list a tab shows, per list and user (null: it does not belong in it). A list is
   * its path with the zone its days were read in: "from 25 November" is another list in Berlin than in Los Angeles.
   */
  function listRows(
    conversationId: number,
    clients: LiveClient[],
    users: Map<number, PublicUser>,
    audienceOf: (inboxId: number) => Set<number> | undefined,
  ) {
    const rows = new Map<string, ReturnType<typeof rowsForViewers>[number]>();
    const byList = new Map<string, { query: ShownList['query']; users: PublicUser[] }>();
    for (const client of clients) {
      const user = users.get(client.userId);
      const shown = shownList(client.view);
      if (!shown || !user) continue;
      const list = listOf(shown);
      const found = byList.get(list) ?? { query: shown.query, users: [] };
      found.users.push(user);
      byList.set(list, found);
    }
    for (const [list, found] of byList) {
      const viewers = [...new Set(found.users)];
      rowsForViewers(domain, conversationId, found.query.filter, viewers, audienceOf).forEach((row, i) =>
        rows.set(`${list} ${viewers[i]!.id}`, row),
      );
    }
    return rows;
  }

  return { note };
}

export type ConversationNews = ReturnType<typeof createConversationNews>;
