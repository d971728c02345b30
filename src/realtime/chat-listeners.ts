import type { FastifyInstance } from 'fastify';
import { chatAudienceOf } from '../domain/chats/access.ts';
import { chatsOf } from '../domain/chats/list.ts';
import { chatMessageItem, markChatReadBy } from '../domain/chats/messages.ts';
import { DomainError } from '../domain/errors.ts';
import type { PublicUser } from '../domain/users/service.ts';
import { chatHeader } from '../presenters/chat.ts';
import { drawer, lookOf, ownPiece, type Drawer } from './fragments.ts';
import type { LiveClient, Piece } from './hub.ts';
import { pushLater as pushToTabs, type Viewers } from './viewers.ts';

const openChat = (client: LiveClient): number | null => (client.view.kind === 'chat' ? client.view.id : null);
const onChatList = (client: LiveClient): boolean => client.view.kind === 'page' && client.view.pathname === '/chats';

/** Chats, live: each member's tabs get the message, their own unread counts and chat list. */
export function registerChatListeners(app: FastifyInstance, viewers: Viewers): void {
  const { domain, hub } = app;
  /** The navigation (unread counts) and, on /chats, the list of chats: the user's own. */
  const counts = (user: PublicUser, client: LiveClient, draw: Drawer): Piece =>
    ownPiece(
      user,
      client,
      'chat counts',
      () =>
        draw.nav() +
        (onChatList(client) ? draw.partial('partials/chat-list', { chats: chatsOf(domain, draw.actor) }) : ''),
    );
  const pushLater = (
    userIds: () => number[],
    pieces: (user: PublicUser, client: LiveClient, draw: Drawer) => Piece[],
  ) => pushToTabs(hub, viewers, userIds, (user, client) => pieces(user, client, drawer(app, user, client)));

  domain.events.on('chat.message', ({ chatId, messageId, created }) => {
    if (!hub.anyoneConnected()) return;
    hub.later(() => {
      const audience = chatAudienceOf(domain, chatId);
      // Whoever has the chat open sees the new message: it is read for them before anything is drawn.
      const watching = new Set(
        hub
          .clientsOf(audience)
          .filter((c) => openChat(c) === chatId)
          .map((c) => c.userId),
      );
      if (created) markChatReadBy(domain, [...watching], chatId);
      const m = chatMessageItem(domain, messageId);
      if (!m) return;
      const users = viewers.of(hub.clientsOf(audience).map((c) => c.userId));
      hub.push(users.keys(), (client) => {
        const user = users.get(client.userId)!;
        const draw = drawer(app, user, client);
        if (openChat(client) === chatId) {
          const own = m.authorId === user.id ? user.id : 'other';
          const reacted = m.reactions.map((r) => (r.userIds.includes(user.id) ? 1 : 0)).join('');
          return [
            {
              key: `chat message ${messageId} ${lookOf(app, user, client)} ${own} ${reacted}`,
              render: () =>
                `<hx-upsert hx-target="#chat-messages-${chatId}" key="data-order" sort>${draw.partial('partials/chat-message', { m })}</hx-upsert>`,
            },
          ];
        }
        // Elsewhere only the counts move, and only for a new message someone else wrote and this user has not seen.
        return created && !watching.has(user.id) ? [counts(user, client, draw)] : [];
      });
    });
  });

  domain.events.on('chat.read', ({ userId }) =>
    pushLater(
      () => [userId],
      (user, client, draw) => [counts(user, client, draw)],
    ),
  );

  domain.events.on('chat.changed', ({ chatId, userIds }) =>
    pushLater(
      () => userIds,
      (user, client, draw) => {
        if (openChat(client) !== chatId) return [counts(user, client, draw)];
        // Someone who just left (or was taken out) still has the page open: their counts move, the header is no longer theirs.
        let header;
        try {
          header = chatHeader(domain, draw.actor, chatId);
        } catch (err) {
          if (err instanceof DomainError) return [counts(user, client, draw)];
          throw err;
        }
        return [
          counts(user, client, draw),
          ownPiece(user, client, `chat header ${chatId}`, () => draw.partial('partials/chat-header', header)),
        ];
      },
    ),
  );
}
