import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { createDb } from '../src/db/client.ts';
import { openDatabase } from '../src/db/open.ts';
import { createSession } from '../src/domain/auth/sessions.ts';
import type { DomainContext } from '../src/domain/context.ts';
import { createEventBus } from '../src/domain/events.ts';
import { SESSION_COOKIE } from '../src/plugins/auth.ts';
import { BUNDLE, run, start } from '../test/cli/run.ts';
import { tempDir } from '../test/tmp.ts';
import { machine, percentile } from './stats.ts';

/**
 * "User 7 is typing a reply" under load: 300 people of one inbox, each with one tab open on one of 30
 * conversations (10 tabs each), on the real server process over loopback WebSockets. A tab sends the typing signal
 * its composer sends; we time from the signal to the moment each other tab on that conversation has the line, one
 * signal after another (latency, not a queue), and count what reached tabs of other conversations (should be
 * nothing: a change renders for its own conversation's tabs only).
 */
const USERS = 300;
const CONVERSATIONS = 30;
const SIGNALS = 200;
const WARMUP = 20;

const cwd = tempDir('switchboard-collision-');
const data = join(cwd, 'data');
const password = 'a long enough password';
await run(['user', 'add', '--email', 'u0@example.test', '--name', 'User 0', '--role', 'admin', '--data', data], {
  cwd,
  input: `${password}\n`,
});
const sqlite = openDatabase(join(data, 'switchboard.db'));
const ctx: DomainContext = { db: createDb(sqlite), events: createEventBus(() => {}), now: Date.now };
const hash = sqlite.prepare('SELECT password_hash FROM users WHERE id = 1').pluck().get() as string;
const now = Date.now();
const conversationIds: number[] = [];
sqlite.transaction(() => {
  const user = sqlite.prepare(`INSERT INTO users (email, name, role, password_hash) VALUES (?, ?, 'agent', ?)`);
  for (let i = 1; i < USERS; i++) user.run(`u${i}@example.test`, `User ${i}`, hash);
  const inboxId = Number(
    sqlite.prepare('INSERT INTO inboxes (name, created_at) VALUES (?, ?)').run('Support', now).lastInsertRowid,
  );
  sqlite.prepare('INSERT INTO inbox_members (inbox_id, user_id) SELECT ?, id FROM users').run(inboxId);
  const numberId = Number(
    sqlite
      .prepare(
        "INSERT INTO numbers (e164, inbox_id, channel, registration, created_at) VALUES ('+15550300000', ?, 'sandbox', 'registered', ?)",
      )
      .run(inboxId, now).lastInsertRowid,
  );
  const contact = sqlite.prepare('INSERT INTO contacts (name, created_at) VALUES (?, ?)');
  const phone = sqlite.prepare('INSERT INTO contact_phones (book, phone, contact_id) VALUES (0, ?, ?)');
  const conversation = sqlite.prepare(
    `INSERT INTO conversations (inbox_id, number_id, contact_id, phone, status, version, last_message_at, created_at) VALUES (?, ?, ?, ?, 'open', 1, ?, ?)`,
  );
  for (let c = 0; c < CONVERSATIONS; c++) {
    const e164 = `+1202555${String(1000 + c)}`;
    const contactId = Number(contact.run(`Customer ${c}`, now).lastInsertRowid);
    phone.run(e164, contactId);
    conversationIds.push(Number(conversation.run(inboxId, numberId, contactId, e164, now, now).lastInsertRowid));
  }
})();
const ids = sqlite.prepare('SELECT id FROM users ORDER BY id').pluck().all() as number[];
const names = new Map(
  (sqlite.prepare('SELECT id, name FROM users').all() as { id: number; name: string }[]).map((u) => [u.id, u.name]),
);
const sessions = ids.map((id) => ({ id, cookie: `${SESSION_COOKIE}=${createSession(ctx, id).token}` }));
sqlite.close();

const server = start(['--data', data], { cwd, entry: BUNDLE });
const base = String((await server.waitFor((l) => l.msg === 'Switchboard is listening')).url);
const host = new URL(base).host;

interface Tab {
  name: string;
  conversationId: number;
  socket: WebSocket;
  /** Whom the latest pushed line for its own conversation says is typing. */
  typing: string;
  /** Frames about another conversation's line (none expected). */
  strays: number;
}
const tabs: Tab[] = [];
let changed: () => void = () => {};
await Promise.all(
  sessions.map(
    (s, i) =>
      new Promise<void>((resolve, reject) => {
        const conversationId = conversationIds[i % CONVERSATIONS]!;
        const socket = new WebSocket(
          `ws://${host}/live?path=${encodeURIComponent(`/conversations/${conversationId}`)}`,
          {
            headers: { cookie: s.cookie, origin: base },
          },
        );
        const tab: Tab = { name: names.get(s.id)!, conversationId, socket, typing: '', strays: 0 };
        socket.once('message', () => resolve());
        socket.on('message', (raw) => {
          const html = (raw as Buffer).toString();
          for (const [, id] of html.matchAll(/id="collision-(\d+)"/g)) if (Number(id) !== conversationId) tab.strays++;
          const line = new RegExp(`id="collision-${conversationId}"[^>]*>([\\s\\S]*?)</p>`).exec(html)?.[1];
          if (line === undefined) return;
          tab.typing = /class="collision-typing">([\s\S]*?)<\/span>/.exec(line)?.[1] ?? '';
          changed();
        });
        socket.once('error', reject);
        tabs.push(tab);
      }),
  ),
);
// Everyone has seen everyone arrive: from here on, only typing changes the lines.
await new Promise((resolve) => setTimeout(resolve, 2000));

const perWatcher: number[] = [];
const perSignal: number[] = [];
for (let n = 0; n < WARMUP + SIGNALS; n++) {
  const typist = tabs[n % tabs.length]!;
  const watchers = tabs.filter((t) => t.conversationId === typist.conversationId && t !== typist);
  const named = new RegExp(`\\b${typist.name}\\b`);
  const seenAt = new Map<Tab, number>();
  const all = new Promise<void>((done) => {
    changed = () => {
      const at = performance.now();
      for (const w of watchers) if (!seenAt.has(w) && named.test(w.typing)) seenAt.set(w, at);
      if (seenAt.size === watchers.length) done();
    };
  });
  const t0 = performance.now();
  typist.socket.send(JSON.stringify({ typing: true, headers: { 'HX-Request': 'true' } }));
  await all;
  if (n < WARMUP) continue;
  const times = [...seenAt.values()].map((at) => at - t0);
  perWatcher.push(...times);
  perSignal.push(Math.max(...times));
}

const sorted = (ms: number[]) => [...ms].sort((a, b) => a - b);
const line = (label: string, ms: number[]) =>
  `${label.padEnd(44)} n=${ms.length}  p50=${percentile(sorted(ms), 50).toFixed(2)} ms  p99=${percentile(sorted(ms), 99).toFixed(2)} ms`;
const strays = tabs.reduce((n, t) => n + t.strays, 0);
console.log(machine());
console.log(
  `${USERS} tabs on ${CONVERSATIONS} conversations of one inbox, ${SIGNALS} typing signals one after another`,
);
console.log(line('signal → one teammate has the line', perWatcher));
console.log(line('signal → all 9 teammates have it', perSignal));
console.log(`lines pushed to tabs of another conversation: ${strays}`);
console.log(
  `summary collision: ${USERS} tabs, p50 signal → all teammates' line ${percentile(sorted(perSignal), 50).toFixed(1)} ms, p99 ${percentile(sorted(perSignal), 99).toFixed(1)} ms; ${strays} stray lines; ${machine()}`,
);
for (const t of tabs) t.socket.close();
server.child.kill('SIGTERM');
await server.exited;
