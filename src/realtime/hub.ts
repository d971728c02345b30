import { randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { Locale } from '../i18n/index.ts';
import type { TabView } from './tab-view.ts';

export interface LiveClient {
  socket: WebSocket;
  userId: number;
  sessionId: string;
  locale: Locale;
  /** The page the tab shows, with its query (from `/live?path=`): pushes are shaped by it (a list's filters, the open conversation). */
  path: string | null;
  /** The path read once: a list and its filter, a conversation, or something else. */
  view: TabView;
  /** The session's form token, for forms inside pushed fragments. */
  csrf: string;
}

/** Close codes the browser's htmx ws extension does not reconnect after: the user must sign in again. */
export const CLOSE_SIGNED_OUT = 4401;

/**
 * What fragments drawn for many tabs carry where a form's token goes: each tab's own replaces it as it is sent.
 * Random per process, so no text anyone typed can hold it.
 */
export const FORM_TOKEN = `form-token-${randomBytes(16).toString('hex')}`;

/**
 * One fragment for a tab. Tabs whose pieces have equal keys get the same HTML, drawn once for all of them: the key
 * names everything the drawing depends on for that tab (its language, what its user may do, what its page shows).
 * `fill` finishes the shared HTML for one tab (a notification's own id, say).
 */
export interface Piece {
  key: string;
  render: () => string;
  fill?: (html: string) => string;
}

/**
 * Who is connected: one socket per open tab, grouped by user, so a push reaches exactly the users it names.
 * `liveSessions` tells which of the tabs' sessions still exist, for all of a push's tabs at once; a tab whose
 * session ended gets nothing more and is closed.
 */
export function createHub(liveSessions: (sessionIds: string[]) => Set<string>, onError: (err: unknown) => void) {
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

  /**
   * Pushes wait for the end of the event loop's turn (`later`): whatever the turn committed is answered first (a
   * carrier's deliver_sm_resp), and several changes of one turn to the same thing are drawn once. What the turn's
   * pushes drew for each tab then goes out as one frame: a text that updates a row, a badge and brings a toast is
   * one message to the browser. An HTTP answer waits for its request's own pushes instead (`settle`), so that the
   * page that acted is redrawn last, by the answer (a notice in it stays).
   */
  let work: (() => void)[] = [];
  const outbox = new Map<LiveClient, string>();
  let flushing = false;
  /** Sessions found live during this run of work: a text's row, badge and toast are one look at the sessions. */
  const checked = new Map<string, boolean>();
  let running = false;
  function runWork(): void {
    const queued = work;
    work = [];
    running = true;
    try {
      for (const fn of queued) {
        try {
          fn();
        } catch (err) {
          onError(err);
        }
      }
    } finally {
      running = false;
      checked.clear();
    }
  }
  function liveAmong(clients: LiveClient[]): (client: LiveClient) => boolean {
    // A push of its own (not queued work) looks afresh.
    if (!running) checked.clear();
    const unknown = clients.filter((c) => !checked.has(c.sessionId)).map((c) => c.sessionId);
    if (unknown.length > 0) {
      const live = liveSessions(unknown);
      for (const id of unknown) checked.set(id, live.has(id));
    }
    return (client) => checked.get(client.sessionId) === true;
  }
  function flush(): void {
    flushing = false;
    for (const [client, html] of outbox) send(client, html);
    outbox.clear();
  }

  /** A fragment to one tab, with its own form token where the drawing left FORM_TOKEN. */
  function send(client: LiveClient, html: string): void {
    if (!html || client.socket.readyState !== client.socket.OPEN) return;
    client.socket.send(html.includes(FORM_TOKEN) ? html.replaceAll(FORM_TOKEN, client.csrf) : html);
  }

  return {
    /** Runs `fn` at the end of this turn (or when a request's answer settles it), after the work queued before it. */
    later(fn: () => void): void {
      if (work.length === 0) setImmediate(runWork);
      work.push(fn);
    },

    /** Does the queued pushes now and sends their frames: before an HTTP answer leaves. */
    settle(): void {
      runWork();
      flush();
    },

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

    /**
     * Sends each open tab of `userIds` its pieces, each distinct piece drawn once, with the turn's other pushes.
     * One failed drawing does not silence the other tabs: the first failure is rethrown at the end (and logged).
     */
    push(userIds: Iterable<number>, piecesFor: (client: LiveClient) => Piece[]): void {
      const clients = this.clientsOf(userIds);
      if (clients.length === 0) return;
      const live = liveAmong(clients);
      const rendered = new Map<string, string>();
      let failure: unknown = null;
      for (const client of clients) {
        if (!live(client)) {
          client.socket.close(CLOSE_SIGNED_OUT, 'signed out');
          continue;
        }
        let html = '';
        try {
          for (const piece of piecesFor(client)) {
            let shared = rendered.get(piece.key);
            if (shared === undefined) rendered.set(piece.key, (shared = piece.render()));
            html += piece.fill ? piece.fill(shared) : shared;
          }
        } catch (err) {
          failure ??= err;
          continue;
        }
        if (html) outbox.set(client, (outbox.get(client) ?? '') + html);
      }
      if (outbox.size > 0 && !flushing) {
        flushing = true;
        queueMicrotask(flush);
      }
      if (failure !== null) throw failure;
    },

    /** One tab alone, at once (its catch-up on connecting). */
    sendTo: send,

    signOut(match: (client: LiveClient) => boolean): void {
      for (const set of byUser.values()) {
        for (const client of set) if (match(client)) client.socket.close(CLOSE_SIGNED_OUT, 'signed out');
      }
    },

    /** Closes the tabs whose session has ended (expired, purged, or ended by another process). */
    sweep(): void {
      const clients = [...byUser.values()].flatMap((set) => [...set]);
      const live = liveSessions(clients.map((c) => c.sessionId));
      for (const client of clients) if (!live.has(client.sessionId)) client.socket.close(CLOSE_SIGNED_OUT, 'signed out');
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
