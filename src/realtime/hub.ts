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

/** How long queued pushes run before the loop reads its sockets again, and how many frames are one step of it. */
const PUSH_SLICE_MS = 1;
const FRAMES_PER_STEP = 10;

/** One push: the tabs it reaches and what each of them gets; each distinct piece drawn once (`rendered`). */
interface Plan {
  clients: LiveClient[];
  piecesFor: (client: LiveClient) => Piece[];
  rendered: Map<string, string>;
}

/** The frames of a batch being sent: the tabs not sent to yet, with the plans that reach each. */
interface Frames {
  clients: MapIterator<[LiveClient, Plan[]]>;
  done: boolean;
  failure: unknown;
}

/** The work of one turn: its changes not run yet, the pushes they made, then their frames. */
interface Batch {
  items: (() => void)[];
  plans: Plan[];
  /** Sessions found live or not, for this batch. */
  checked: Map<string, boolean>;
  frames: Frames | null;
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
 * names everything the drawing depends on for that tab (its language and time zone, what its user may do, what its
 * page shows).
 * `fill` finishes the shared HTML for one tab (a notification's own id, say).
 */
export interface Piece {
  key: string;
  render: () => string;
  fill?: (html: string) => string;
}

/**
 * Who is connected: one socket per open tab, grouped by user, so a push reaches exactly the users it names.
 * `liveSessions` tells which of the tabs' sessions still exist, once per batch of pushes (below) for all their
 * tabs; a tab whose session ended gets nothing more and is closed.
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

  /**
   * Told of each tab as it opens and closes, and when it says its user is typing: who is in which conversation
   * (./collision.ts). Silent once the server stops.
   */
  const tabs = { listeners: [] as ((client: LiveClient, change: 'open' | 'close' | 'typing') => void)[] };
  const tellTab = (client: LiveClient, change: 'open' | 'close' | 'typing') =>
    tabs.listeners.forEach((listener) => listener(client, change));

  function remove(client: LiveClient): void {
    const set = byUser.get(client.userId);
    if (!set?.delete(client)) return;
    if (!stopping) tellTab(client, 'close');
    if (set.size > 0) return;
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
   * carrier's deliver_sm_resp), and several changes of one turn to the same thing are drawn once. A turn's work is
   * one batch: its pushes are gathered as plans, then each tab gets one frame with all of them (a text that updates
   * a row, a badge and brings a toast is one message to the browser). Batches run in order, in slices: between
   * slices the loop reads its sockets, so the next text is committed and answered before the last one's fragments
   * have reached a 300th tab. An HTTP answer waits for its request's own pushes instead (`settle`), so that the page
   * that acted is redrawn last, by the answer (a notice in it stays).
   */
  const incoming: (() => void)[] = [];
  /** Told when the turn's work is taken up (`later`'s `taken`). */
  let whenTaken: (() => void)[] = [];
  const batches: Batch[] = [];
  let current: Batch | null = null;
  let pumping = false;

  function schedule(): void {
    if (pumping) return;
    pumping = true;
    setImmediate(() => {
      pumping = false;
      pump(PUSH_SLICE_MS);
    });
  }

  /** Moves the work queued so far into a batch of its own, behind those not finished yet. */
  function close(): void {
    if (incoming.length === 0) return;
    batches.push({ items: incoming.splice(0), plans: [], checked: new Map(), frames: null });
    const told = whenTaken;
    whenTaken = [];
    for (const fn of told) {
      try {
        fn();
      } catch (err) {
        onError(err);
      }
    }
  }

  /**
   * Runs batches for `sliceMs`, taking up the work their changes queue as it comes; schedules the rest. Without a
   * slice (settle), only what was queued before: work that queues work cannot hold an HTTP answer.
   */
  function pump(sliceMs?: number): void {
    const until = sliceMs === undefined ? Infinity : performance.now() + sliceMs;
    close();
    while (batches.length > 0) {
      const batch = batches[0]!;
      step(batch);
      if (batch.items.length === 0 && batch.frames?.done) batches.shift();
      if (batches.length === 0 && sliceMs !== undefined) close();
      if (performance.now() > until) break;
    }
    if (batches.length > 0 || incoming.length > 0) schedule();
  }

  /** One piece of a batch's work: one of its changes, or frames for a few of its tabs. */
  function step(batch: Batch): void {
    const item = batch.items.shift();
    if (item) {
      current = batch;
      try {
        item();
      } catch (err) {
        onError(err);
      } finally {
        current = null;
      }
      return;
    }
    batch.frames ??= framesOf(batch);
    for (let i = 0; i < FRAMES_PER_STEP; i++) {
      const next = batch.frames.clients.next();
      if (next.done) {
        batch.frames.done = true;
        if (batch.frames.failure !== null) onError(batch.frames.failure);
        return;
      }
      const [client, plans] = next.value;
      let html = '';
      for (const plan of plans) {
        // A push that fails to draw leaves out its own part only: the tab still gets the others, as do other tabs.
        try {
          let part = '';
          for (const piece of plan.piecesFor(client)) {
            let shared = plan.rendered.get(piece.key);
            if (shared === undefined) plan.rendered.set(piece.key, (shared = piece.render()));
            part += piece.fill ? piece.fill(shared) : shared;
          }
          html += part;
        } catch (err) {
          batch.frames.failure ??= err;
        }
      }
      try {
        send(client, html);
      } catch (err) {
        batch.frames.failure ??= err;
      }
    }
  }

  /** Each tab of a batch with the plans that reach it, in the order they were made. */
  function framesOf(batch: Batch): Frames {
    const byClient = new Map<LiveClient, Plan[]>();
    for (const plan of batch.plans) {
      for (const client of plan.clients) {
        const plans = byClient.get(client);
        if (plans) plans.push(plan);
        else byClient.set(client, [plan]);
      }
    }
    return { clients: byClient.entries(), done: false, failure: null };
  }

  /** Of these tabs, those whose session still exists: looked up once per batch (a text's row, badge and toast). */
  function live(batch: Batch, clients: LiveClient[]): LiveClient[] {
    const unknown = clients.filter((c) => !batch.checked.has(c.sessionId)).map((c) => c.sessionId);
    if (unknown.length > 0) {
      const found = liveSessions(unknown);
      for (const id of unknown) batch.checked.set(id, found.has(id));
    }
    return clients.filter((client) => {
      if (batch.checked.get(client.sessionId)) return true;
      client.socket.close(CLOSE_SIGNED_OUT, 'signed out');
      return false;
    });
  }

  /** A fragment to one tab, with its own form token where the drawing left FORM_TOKEN. */
  function send(client: LiveClient, html: string): void {
    if (!html || client.socket.readyState !== client.socket.OPEN) return;
    client.socket.send(html.includes(FORM_TOKEN) ? html.replaceAll(FORM_TOKEN, client.csrf) : html);
  }

  return {
    /**
     * Runs `fn` at the end of this turn (or when a request's answer settles it), after the work queued before it.
     * `taken`: told when this turn's work becomes a batch; a change that comes later is for the next one (a
     * listener that gathers a turn's changes into one `fn` starts a new gathering then).
     */
    later(fn: () => void, taken?: () => void): void {
      incoming.push(fn);
      if (taken) whenTaken.push(taken);
      schedule();
    },

    /** Does all queued pushes now and sends their frames: before an HTTP answer leaves. */
    settle(): void {
      pump();
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
      tellTab(client, 'open');
    },

    presence,
    tabs,

    /** The tab said its user is typing (a message on its socket); told only while the tab is connected. */
    typing(client: LiveClient): void {
      if (!stopping && byUser.get(client.userId)?.has(client)) tellTab(client, 'typing');
    },

    /**
     * Sends each open tab of `userIds` its pieces, each distinct piece drawn once, in one frame with the other
     * pushes of the same work (see above). `piecesFor` is asked when the tab's frame is made.
     */
    push(userIds: Iterable<number>, piecesFor: (client: LiveClient) => Piece[]): void {
      const clients = this.clientsOf(userIds);
      if (clients.length === 0) return;
      // A push outside queued work is a batch of its own.
      let batch = current;
      if (!batch) {
        close();
        batches.push((batch = { items: [], plans: [], checked: new Map(), frames: null }));
        schedule();
      }
      batch.plans.push({ clients: live(batch, clients), piecesFor, rendered: new Map() });
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
      for (const client of clients)
        if (!live.has(client.sessionId)) client.socket.close(CLOSE_SIGNED_OUT, 'signed out');
    },

    /** Whether anyone is connected at all: pushes skip loading what nobody would receive. */
    anyoneConnected(): boolean {
      return byUser.size > 0;
    },

    /** Open tabs, everyone's. */
    connections(): number {
      let n = 0;
      for (const set of byUser.values()) n += set.size;
      return n;
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
