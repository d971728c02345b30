import type { FastifyInstance } from 'fastify';
import { eq } from 'drizzle-orm';
import { chats } from '../db/schema/chats.ts';
import { chatAudience } from '../domain/chats/access.ts';
import { chatsOf } from '../domain/chats/list.ts';
import { chatMessageItem, markChatReadBy } from '../domain/chats/messages.ts';
import { noteItem } from '../domain/conversations/timeline.ts';
import { inboxAudience } from '../domain/inboxes/access.ts';
import { DomainError } from '../domain/errors.ts';
import { chatHeader } from '../presenters/chat.ts';
import { tabRenderer, tabView } from './fragments.ts';
import type { LiveClient } from './hub.ts';

/** The chat a tab shows, if it shows one. */
function openChat(client: LiveClient): number | null {
  const match = /^\/chats\/([1-9]\d{0,15})$/.exec(new URL(client.path ?? '/', 'http://tab').pathname);
  return match ? Number(match[1]) : null;
}

const onChatList = (client: LiveClient): boolean => new URL(client.path ?? '/', 'http://tab').pathname === '/chats';

/** Chats and notes, live: each member's tabs get the message, their own unread counts and chat list. */
export function registerChatListeners(app: FastifyInstance): void {
  const { domain, hub } = app;
  const audienceOf = (chatId: number): number[] => {
    const chat = domain.db.select({ id: chats.id, inboxId: chats.inboxId }).from(chats).where(eq(chats.id, chatId)).get();
    return chat ? chatAudience(domain.db, chat) : [];
  };
  /** The navigation (unread counts) and, on /chats, the list of chats. */
  const counts = (client: LiveClient): string => {
    const r = tabRenderer(app, client);
    if (!r.actor) return '';
    return r.nav() + (onChatList(client) ? r.partial('partials/chat-list', { chats: chatsOf(domain, r.actor) }) : '');
  };

  domain.events.on('chat.message', ({ chatId, messageId, created }) => {
    if (!hub.anyoneConnected()) return;
    const audience = audienceOf(chatId);
    // Whoever has the chat open sees the new message: it is read for them before anything is drawn.
    const watching = new Set(hub.clientsOf(audience).filter((c) => openChat(c) === chatId).map((c) => c.userId));
    if (created) markChatReadBy(domain, [...watching], chatId);
    const m = chatMessageItem(domain, messageId);
    if (!m) return;
    hub.push(audience, (client) => {
      const r = tabRenderer(app, client);
      if (!r.actor) return '';
      if (openChat(client) === chatId) {
        return `<hx-upsert hx-target="#chat-messages-${chatId}" key="data-order" sort>${r.partial('partials/chat-message', { m })}</hx-upsert>`;
      }
      // Elsewhere only the counts move, and only for a new message someone else wrote and this user has not seen.
      return created && !watching.has(client.userId) ? counts(client) : '';
    });
  });

  domain.events.on('chat.read', ({ userId }) => hub.push([userId], counts));

  domain.events.on('chat.changed', ({ chatId, userIds }) =>
    hub.push(userIds, (client) => {
      const r = tabRenderer(app, client);
      if (!r.actor) return '';
      const here = openChat(client) === chatId;
      if (!here) return counts(client);
      // Someone who just left (or was taken out) still has the page open: their counts move, the header is no longer theirs.
      let header;
      try {
        header = chatHeader(domain, r.actor, chatId);
      } catch (err) {
        if (err instanceof DomainError) return counts(client);
        throw err;
      }
      return counts(client) + r.partial('partials/chat-header', header);
    }),
  );

  domain.events.on('note.changed', ({ conversationId, noteId, inboxId }) =>
    hub.push(inboxAudience(domain, inboxId), (client) => {
      const view = tabView(client.path);
      return view.kind === 'conversation' && view.id === conversationId ? tabRenderer(app, client).timelineItem(conversationId, noteItem(domain, noteId)) : '';
    }),
  );
}
