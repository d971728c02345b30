import type { WebSocket } from 'ws';
import type { Locale } from '../i18n/index.ts';

export interface LiveClient {
  socket: WebSocket;
  userId: number;
  sessionId: string;
  locale: Locale;
  /** The page the tab shows, with its query (from `/live?path=`): pushes are shaped by it (a list's filters, the open conversation). */
  path?: string | null;
  /** The session's form token, for forms inside pushed fragments. */
  csrf: string;
}

/** Close codes the browser's htmx ws extension does not reconnect after: the user must sign in again. */
export const CLOSE_SIGNED_OUT = 4401;

/**
 * Who is connected: one socket per open tab, grouped by user, so a push reaches exactly the users it names.
 * `isLive` says whether a tab's session still exists; a tab whose session ended gets nothing more and is closed.
 */
export function createHub(isLive: (client: LiveClient) => boolean) {
  const byUser = new Map<number, Set<LiveClient>>();
  /**
   * Presence: told `true` when a user's first tab connects, `false` when their last one has been gone for
   * `graceMs` (a page load closes one socket and opens the next: that is no leaving). Silent once the server stops.
   */
  const presence = { graceMs: 10_000, listeners: [] as ((userId: number, online: boolean) => void)[] };
  const leaving = new Map<number, NodeJS.Timeout>();
  let stopping = false;
  const tell = (userId: number, online: boolean) => presence.listeners.forEach((listener) => listener(userId, online));

  function remove(client: LiveClient): void {
    const set = byUser.get(client.userId);
    if (!set?.delete(client) || set.size > 0) return;
    byUser.delete(client.userId);
    if (stopping) return;
    const { userId } = client;
    if (presence.graceMs <= 0) return tell(userId, false);
    const timer = setTimeout(() => {
      leaving.delete(userId);
      if (!byUser.has(userId) && !stopping) tell(userId, false);
    }, presence.graceMs);
    timer.unref();
    leaving.set(userId, timer);
  }

  return {
    add(client: LiveClient): void {
      let set = byUser.get(client.userId);
      const first = !set;
      if (!set) byUser.set(client.userId, (set = new Set()));
      set.add(client);
      client.socket.on('close', () => remove(client));
      const back = leaving.get(client.userId);
      clearTimeout(back);
      leaving.delete(client.userId);
      if (first && !back) tell(client.userId, true);
    },

    presence,

    /** Renders once per session, language and page (rights, form token, language and the page's content differ) and sends to each of the user's tabs. */
    push(userIds: Iterable<number>, render: (client: LiveClient) => string): void {
      // One tab's failed render must not silence everyone after it: the first failure is rethrown at the end (and logged).
      let failure: unknown = null;
      for (const userId of new Set(userIds)) {
        const clients = byUser.get(userId);
        if (!clients) continue;
        const rendered = new Map<string, string>();
        for (const client of clients) {
          if (!isLive(client)) {
            client.socket.close(CLOSE_SIGNED_OUT, 'signed out');
            continue;
          }
          const key = `${client.sessionId} ${client.locale} ${client.path ?? ''}`;
          let html = rendered.get(key);
          if (html === undefined) {
            try {
              html = render(client);
            } catch (err) {
              failure ??= err;
              html = '';
            }
            rendered.set(key, html);
          }
          if (html && client.socket.readyState === client.socket.OPEN) client.socket.send(html);
        }
      }
      if (failure !== null) throw failure;
    },

    signOut(match: (client: LiveClient) => boolean): void {
      for (const set of byUser.values()) {
        for (const client of set) if (match(client)) client.socket.close(CLOSE_SIGNED_OUT, 'signed out');
      }
    },

    /** Closes the tabs whose session has ended (expired, purged, or ended by another process). */
    sweep(): void {
      for (const set of byUser.values()) {
        for (const client of set) if (!isLive(client)) client.socket.close(CLOSE_SIGNED_OUT, 'signed out');
      }
    },

    /** Whether anyone is connected at all: pushes skip loading what nobody would receive. */
    anyoneConnected(): boolean {
      return byUser.size > 0;
    },

    connectedUsers(): number[] {
      return [...byUser.keys()];
    },

    /** The open tabs of these users (to see what they show before deciding what to push). */
    clientsOf(userIds: Iterable<number>): LiveClient[] {
      return [...new Set(userIds)].flatMap((id) => [...(byUser.get(id) ?? [])]);
    },

    closeAll(code: number, reason: string): void {
      stopping = true;
      for (const timer of leaving.values()) clearTimeout(timer);
      for (const set of byUser.values()) for (const client of set) client.socket.close(code, reason);
    },
  };
}

export type Hub = ReturnType<typeof createHub>;
