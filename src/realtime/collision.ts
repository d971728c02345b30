import type { FastifyInstance } from 'fastify';
import { conversationAudience, replyAuthor } from '../domain/conversations/collision.ts';
import { presenceLine } from '../presenters/collision.ts';
import { drawer, localeOf } from './fragments.ts';
import type { LiveClient } from './hub.ts';
import type { Viewers } from './viewers.ts';

/** How long a tab counts as typing after its last signal (it sends one at most every 2 s while its composer gets input). */
export const TYPING_MS = 6_000;
/** Signals closer than this to the last are not even looked at: a tab that sends more is not ours. */
const SIGNAL_GAP_MS = 1_000;

interface Typing {
  conversationId: number;
  timer: NodeJS.Timeout;
  at: number;
}

/**
 * "Ana is viewing", "Ana is typing a reply": who else has a conversation open, live, for the people who may see
 * it. Kept in memory from the tabs themselves: a tab showing a conversation views it (its path, told when it
 * connects; leaving the page closes the socket), and types in it for TYPING_MS after each signal. A change in one
 * conversation is drawn only for the tabs that show it, once per turn, each distinct line once (tabs that see the
 * same others in the same language share it).
 */
export function registerCollision(app: FastifyInstance, viewers: Viewers): void {
  const { domain, hub } = app;
  const watchers = new Map<number, Set<LiveClient>>();
  const typing = new Map<LiveClient, Typing>();
  const pending = new Set<number>();
  /** What each conversation's tabs were last told (who types, who views), and the tabs opened since. */
  const told = new Map<number, string>();
  const opened = new Map<number, Set<LiveClient>>();

  const shown = (client: LiveClient): number | null => (client.view.kind === 'conversation' ? client.view.id : null);

  function changed(conversationId: number): void {
    if (pending.has(conversationId)) return;
    pending.add(conversationId);
    hub.later(
      () => push(conversationId),
      () => pending.delete(conversationId),
    );
  }

  function stopTyping(client: LiveClient): void {
    const was = typing.get(client);
    if (!was) return;
    clearTimeout(was.timer);
    typing.delete(client);
    changed(was.conversationId);
  }

  function typed(client: LiveClient, conversationId: number): void {
    const now = performance.now();
    const was = typing.get(client);
    if (was) {
      if (now - was.at < SIGNAL_GAP_MS) return;
      was.at = now;
      was.timer.refresh();
      return;
    }
    const timer = setTimeout(() => stopTyping(client), TYPING_MS);
    timer.unref();
    typing.set(client, { conversationId, timer, at: now });
    changed(conversationId);
  }

  hub.tabs.listeners.push((client, change) => {
    const conversationId = shown(client);
    if (conversationId === null) return;
    if (change === 'typing') return typed(client, conversationId);
    const tabs = watchers.get(conversationId);
    if (change === 'open') {
      if (tabs) tabs.add(client);
      else watchers.set(conversationId, new Set([client]));
      const fresh = opened.get(conversationId);
      if (fresh) fresh.add(client);
      else opened.set(conversationId, new Set([client]));
    } else {
      tabs?.delete(client);
      opened.get(conversationId)?.delete(client);
      if (tabs?.size === 0) {
        watchers.delete(conversationId);
        told.delete(conversationId);
      }
      stopTyping(client);
    }
    changed(conversationId);
  });

  // A sent reply ends its author's typing at once: the line should not say they still write what is already there.
  domain.events.on('message.created', ({ conversationId, messageId, direction }) => {
    if (direction !== 'out') return;
    const tabs = [...typing].filter(([, t]) => t.conversationId === conversationId).map(([client]) => client);
    if (tabs.length === 0) return;
    const author = replyAuthor(domain, messageId);
    for (const client of tabs) if (client.userId === author) stopTyping(client);
  });

  /**
   * Each tab showing the conversation gets the line without its own user; only users who may see it count. When
   * that is what they were told already (a tab of an outsider came or went), only tabs opened since get it.
   */
  function push(conversationId: number): void {
    const tabs = watchers.get(conversationId);
    const fresh = opened.get(conversationId) ?? new Set<LiveClient>();
    opened.delete(conversationId);
    if (!tabs) return;
    const audience = new Set(conversationAudience(domain, conversationId));
    const present = [...tabs].filter((c) => audience.has(c.userId));
    const typers = new Set(present.filter((c) => typing.has(c)).map((c) => c.userId));
    const lookers = new Set(present.map((c) => c.userId).filter((id) => !typers.has(id)));
    const state = `${[...typers].sort((a, b) => a - b).join(',')} ${[...lookers].sort((a, b) => a - b).join(',')}`;
    const recipients = told.get(conversationId) === state ? fresh : tabs;
    told.set(conversationId, state);
    const reached = present.filter((c) => recipients.has(c));
    if (reached.length === 0) return;
    const users = viewers.of(present.map((c) => c.userId));
    const others = (ids: Set<number>, self: number) =>
      [...ids].filter((id) => id !== self && users.has(id)).sort((a, b) => a - b);
    const names = (ids: number[]) => ids.map((id) => users.get(id)!.name);
    hub.push(
      reached.map((c) => c.userId),
      (client) => {
        const user = users.get(client.userId);
        if (!user || !recipients.has(client)) return [];
        const [typingIds, viewingIds] = [others(typers, user.id), others(lookers, user.id)];
        const locale = localeOf(user, client);
        return [
          {
            key: `collision ${conversationId} ${locale} ${typingIds.join(',')} ${viewingIds.join(',')}`,
            render: () =>
              drawer(app, user, client).partial(
                'partials/collision',
                presenceLine(locale, conversationId, names(typingIds), names(viewingIds)),
              ),
          },
        ];
      },
    );
  }
}
