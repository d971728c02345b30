import type { FastifyInstance } from 'fastify';
import { randomInt } from 'node:crypto';
import { contactHistory } from '../domain/contacts/service.ts';
import { rowsForViewers } from '../domain/conversations/list.ts';
import { inboxAudience } from '../domain/inboxes/access.ts';
import { toastsFor, welcomeToasts, type Toast } from '../domain/users/preferences.ts';
import { activeAdminIds, type PublicUser } from '../domain/users/service.ts';
import { connectionRows } from '../presenters/connections.ts';
import { registerChatListeners } from './chat-listeners.ts';
import { registerLaterListeners } from './later-listeners.ts';
import { registerCampaignListeners } from './campaigns.ts';
import { registerCollision } from './collision.ts';
import { createConversationNews } from './conversation-news.ts';
import { drawer, lookOf, ownPiece, rowRemoved } from './fragments.ts';
import type { LiveClient, Piece } from './hub.ts';
import { shownList } from './tab-view.ts';
import { createUnreadCounts } from './unread.ts';
import { createViewers, pushLater as pushToTabs } from './viewers.ts';

/** Stands in for a toast's id in a drawing shared by everyone notified of the same thing; each tab gets its own. */
const TOAST_ID = randomInt(1e13, 9e13);

/** Turns domain events into pushed fragments, each drawn for, and sent only to, the users allowed to see it. */
export function registerRealtimeListeners(app: FastifyInstance): void {
  const { domain, hub } = app;
  const unread = createUnreadCounts(domain);
  const viewers = createViewers(domain, domain.events);
  const news = createConversationNews(app, unread, viewers);
  // A user without tabs needs no count or row kept; they are read afresh when a tab opens.
  hub.presence.listeners.push((userId, online) => {
    if (online) return;
    unread.forget([userId]);
    viewers.forget(userId);
  });

  const pushLater = (
    userIds: () => Iterable<number>,
    pieces: (user: PublicUser, client: LiveClient) => Piece[],
  ): void => pushToTabs(hub, viewers, userIds, pieces);
  const nav = (user: PublicUser, client: LiveClient): Piece[] => [
    ownPiece(user, client, 'nav', () => drawer(app, user, client).nav()),
  ];
  const audience = (...inboxIds: number[]) => inboxIds.flatMap((id) => inboxAudience(domain, id));

  domain.events.on('inbox.created', ({ inboxId }) => pushLater(() => audience(inboxId), nav));
  domain.events.on('inbox.renamed', ({ inboxId }) => pushLater(() => audience(inboxId), nav));
  domain.events.on('inbox.members.changed', ({ inboxId, added, removed }) => {
    unread.forget([...added, ...removed]);
    pushLater(() => [...audience(inboxId), ...removed], nav);
  });
  domain.events.on('user.changed', ({ userId }) => {
    unread.forget([userId]);
    pushLater(() => [userId], nav);
  });

  // A customer's text changes unread counts; an agent's reply only the row's preview and order.
  domain.events.on('message.created', ({ conversationId, messageId, inboxId, direction }) =>
    news.note(conversationId, {
      inboxIds: [inboxId],
      item: { kind: 'message', id: messageId },
      row: true,
      unread: direction === 'in',
      composer: direction === 'in',
    }),
  );
  // A status change (or a reaction) shows only in the open conversation.
  domain.events.on('message.updated', ({ conversationId, messageId, inboxId }) =>
    news.note(conversationId, { inboxIds: [inboxId], item: { kind: 'message', id: messageId } }),
  );
  domain.events.on('conversation.event', ({ conversationId, eventId, inboxId }) =>
    news.note(conversationId, { inboxIds: [inboxId], item: { kind: 'event', id: eventId } }),
  );
  domain.events.on('note.changed', ({ conversationId, noteId, inboxId }) =>
    news.note(conversationId, { inboxIds: [inboxId], item: { kind: 'note', id: noteId } }),
  );
  // The panel is redrawn only when its content changed: it may hold a half-filled form.
  domain.events.on('conversation.changed', ({ conversationId, inboxId, fromInboxId, contact }) =>
    news.note(conversationId, {
      inboxIds: [inboxId, fromInboxId],
      header: true,
      panel: contact === true,
      row: true,
      unread: true,
    }),
  );
  domain.events.on('conversation.read', ({ conversationId, userId }) =>
    news.note(conversationId, { inboxIds: [], readBy: userId }),
  );

  domain.events.on('pins.changed', ({ userId, conversationId }) =>
    pushLater(
      () => [userId],
      (user, client) => {
        const { view } = client;
        const pieces: Piece[] = [];
        if (view.kind === 'conversation' && view.id === conversationId) {
          pieces.push(
            ownPiece(user, client, `parts ${conversationId}`, () =>
              drawer(app, user, client).conversationParts(conversationId, { header: true }),
            ),
          );
        }
        const list = shownList(view);
        if (!list) return pieces;
        const [row] = rowsForViewers(domain, conversationId, list.query.filter, [user]);
        const draw = drawer(app, user, client);
        pieces.push(
          ownPiece(
            user,
            client,
            'pins',
            () =>
              draw.pinned(list.query) +
              (row && !row.pinned ? draw.listRow(list.query, row) : rowRemoved(conversationId)),
          ),
        );
        return pieces;
      },
    ),
  );
  domain.events.on('inbox.settings.changed', ({ inboxId }) =>
    pushLater(
      () => audience(inboxId),
      (user, client) => {
        const { view } = client;
        return view.kind === 'conversation'
          ? [
              ownPiece(user, client, 'header', () =>
                drawer(app, user, client).conversationParts(view.id, { header: true }),
              ),
            ]
          : [];
      },
    ),
  );
  // Contacts are shared by the whole team: whoever has one of their conversations open, or listed, sees the new details.
  domain.events.on('contact.changed', ({ contactId }) =>
    pushLater(
      () => hub.connectedUsers(),
      (user, client) => {
        const { view } = client;
        const draw = drawer(app, user, client);
        const pieces: Piece[] = [];
        if (view.kind === 'conversation') {
          pieces.push(
            ownPiece(user, client, `contact ${contactId}`, () =>
              draw.conversationParts(view.id, { header: true, panel: true, ofContact: contactId }),
            ),
          );
        }
        const list = shownList(view);
        if (!list) return pieces;
        const html = contactHistory(domain, draw.actor, contactId)
          .map((c) => {
            const [row] = rowsForViewers(domain, c.id, list.query.filter, [user]);
            return row ? draw.listRow(list.query, row) : rowRemoved(c.id);
          })
          .join('');
        pieces.push({ key: `contact rows ${contactId} user ${user.id} ${list.zone} ${list.path}`, render: () => html });
        return pieces;
      },
    ),
  );
  app.messaging.changed.on('state', () => {
    const connections = connectionRows(app.messaging, domain.now());
    pushLater(
      () => activeAdminIds(domain),
      (user, client) => [
        {
          key: `connections ${lookOf(app, user, client)}`,
          render: () => drawer(app, user, client).partial('partials/admin-connections', { connections }),
        },
      ],
    );
  });
  registerChatListeners(app, viewers);
  registerLaterListeners(app, viewers);
  registerCampaignListeners(app, viewers);
  registerCollision(app, viewers);

  // A notification shows in its user's tabs only. Everyone told of one new conversation gets the same toast but
  // for its id, so it is drawn once per language and choice of sound and browser notification.
  let toasts: { notificationId: number; userId: number }[] | null = null;
  domain.events.on('notification.created', (n) => {
    if (toasts) return void toasts.push(n);
    const wanted = (toasts = [n]);
    hub.later(
      () => {
        if (!hub.anyoneConnected()) return;
        const found = toastsFor(
          domain,
          wanted.filter((w) => hub.clientsOf([w.userId]).length > 0),
        );
        const ownerOf = new Map(wanted.map((w) => [w.notificationId, w.userId]));
        const mine = new Map<number, Toast[]>();
        for (const [id, t] of found) {
          const userId = ownerOf.get(id)!;
          const list = mine.get(userId);
          if (list) list.push(t);
          else mine.set(userId, [t]);
        }
        const users = viewers.of(mine.keys());
        hub.push(users.keys(), (client) => {
          const user = users.get(client.userId)!;
          return (mine.get(user.id) ?? []).map((toast) => ({
            key: `toast ${lookOf(app, user, client)} ${JSON.stringify({ ...toast, id: 0 })}`,
            render: () => drawer(app, user, client).toast({ ...toast, id: TOAST_ID }),
            fill: (html) => html.replaceAll(String(TOAST_ID), String(toast.id)),
          }));
        });
      },
      () => (toasts = null),
    );
  });
  // A new conversation: a toast in the tabs of everyone who sees its inbox, drawn once per language and choice of
  // sound and browser notification.
  let welcomed: { conversationId: number; messageId: number }[] | null = null;
  domain.events.on('conversation.welcomed', (w) => {
    if (!hub.anyoneConnected()) return;
    if (welcomed) return void welcomed.push(w);
    const all = (welcomed = [w]);
    hub.later(
      () => {
        for (const { conversationId, messageId } of all) {
          const found = welcomeToasts(domain, conversationId, messageId, hub.connectedUsers());
          const users = viewers.of(found.keys());
          hub.push(users.keys(), (client) => {
            const user = users.get(client.userId)!;
            const toast = found.get(user.id)!;
            return [
              {
                key: `welcome ${conversationId} ${lookOf(app, user, client)} ${toast.browser} ${toast.sound}`,
                render: () => drawer(app, user, client).toast(toast),
              },
            ];
          });
        }
      },
      () => (welcomed = null),
    );
  });
  // A settings page shows the availability as it moved.
  domain.events.on('presence.changed', ({ userId }) =>
    pushLater(
      () => [userId],
      (user, client) =>
        client.view.kind === 'page' && client.view.pathname === '/settings'
          ? [ownPiece(user, client, 'availability', () => drawer(app, user, client).availability())]
          : [],
    ),
  );
  domain.events.on('user.sessions.ended', ({ userId, except }) =>
    hub.signOut((c) => c.userId === userId && c.sessionId !== except),
  );
}
