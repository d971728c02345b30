import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { createDb } from '../src/db/client.ts';
import { openDatabase } from '../src/db/open.ts';
import { createSession } from '../src/domain/auth/sessions.ts';
import { createTeamChat } from '../src/domain/chats/manage.ts';
import type { DomainContext } from '../src/domain/context.ts';
import { createEventBus } from '../src/domain/events.ts';
import { SESSION_COOKIE } from '../src/plugins/auth.ts';
import { BUNDLE, run, start } from '../test/cli/run.ts';
import { tempDir } from '../test/tmp.ts';
import { machine, percentile } from './stats.ts';

/**
 * Team chats under load: 300 people, each with one tab open on their team's chat (10 chats of 30), connected
 * to the real server process over loopback WebSockets. A member posts over HTTP; we time from the POST to the
 * moment each member's socket has the rendered message. Messages go one after another (latency, not a queue).
 */
const USERS = 300;
const CHAT_SIZE = 30;
const MESSAGES = 200;
const WARMUP = 20;

const cwd = tempDir('switchboard-fanout-');
const data = join(cwd, 'data');
const password = 'a long enough password';
// The CLI creates (and migrates) the database; the rest of the team is written straight into it.
await run(['user', 'add', '--email', 'u0@example.test', '--name', 'User 0', '--role', 'admin', '--data', data], {
  cwd,
  input: `${password}\n`,
});
const sqlite = openDatabase(join(data, 'switchboard.db'));
const ctx: DomainContext = { db: createDb(sqlite), events: createEventBus(() => {}), now: Date.now };
const hash = sqlite.prepare('SELECT password_hash FROM users WHERE id = 1').pluck().get() as string;
const insert = sqlite.prepare(`INSERT INTO users (email, name, role, password_hash) VALUES (?, ?, 'manager', ?)`);
sqlite.transaction(() => {
  for (let i = 1; i < USERS; i++) insert.run(`u${i}@example.test`, `User ${i}`, hash);
})();
const ids = sqlite.prepare('SELECT id FROM users ORDER BY id').pluck().all() as number[];
const sessions = ids.map((id) => {
  const { token } = createSession(ctx, id);
  const csrf = sqlite
    .prepare('SELECT csrf_token FROM sessions WHERE user_id = ? ORDER BY created_at DESC')
    .pluck()
    .get(id) as string;
  return { id, cookie: `${SESSION_COOKIE}=${token}`, csrf };
});
const chats: number[][] = [];
for (let c = 0; c < USERS / CHAT_SIZE; c++) chats.push(ids.slice(c * CHAT_SIZE, (c + 1) * CHAT_SIZE));
const chatIds = chats.map((members, c) =>
  createTeamChat(ctx, { id: members[0]!, role: 'manager' }, { name: `Team ${c}`, memberIds: members }),
);
sqlite.close();

const server = start(['--data', data], { cwd, entry: BUNDLE });
const base = String((await server.waitFor((l) => l.msg === 'Switchboard is listening')).url);
const host = new URL(base).host;

interface Tab {
  userId: number;
  chatId: number;
  socket: WebSocket;
  seen: Map<string, number>;
}
const tabs: Tab[] = [];
const waiting = new Map<string, { left: number; done: () => void }>();
await Promise.all(
  sessions.map(
    (s, i) =>
      new Promise<void>((resolve, reject) => {
        const chatId = chatIds[Math.floor(i / CHAT_SIZE)]!;
        const socket = new WebSocket(`ws://${host}/live?path=${encodeURIComponent(`/chats/${chatId}`)}`, {
          headers: { cookie: s.cookie, origin: base },
        });
        const tab: Tab = { userId: s.id, chatId, socket, seen: new Map() };
        socket.once('message', () => resolve());
        socket.on('message', (raw) => {
          const at = performance.now();
          const marker = /bench-(\d+)-/.exec((raw as Buffer).toString())?.[0];
          if (!marker || tab.seen.has(marker)) return;
          tab.seen.set(marker, at);
          const w = waiting.get(marker);
          if (w && --w.left === 0) w.done();
        });
        socket.once('error', reject);
        tabs.push(tab);
      }),
  ),
);

const perDelivery: number[] = [];
const perMessage: number[] = [];
for (let n = 0; n < WARMUP + MESSAGES; n++) {
  const c = n % chatIds.length;
  const sender = sessions[c * CHAT_SIZE + (Math.floor(n / chatIds.length) % CHAT_SIZE)]!;
  const marker = `bench-${n}-`;
  const arrived = new Promise<void>((done) => waiting.set(marker, { left: CHAT_SIZE, done }));
  const t0 = performance.now();
  const res = await fetch(`${base}/chats/${chatIds[c]}/messages`, {
    method: 'POST',
    headers: {
      cookie: sender.cookie,
      'x-csrf-token': sender.csrf,
      'hx-request': 'true',
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ body: `${marker} a message to the team` }),
  });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`POST: ${res.status}`);
  await arrived;
  waiting.delete(marker);
  if (n < WARMUP) continue;
  const times = tabs.filter((t) => t.chatId === chatIds[c]).map((t) => t.seen.get(marker)! - t0);
  perDelivery.push(...times);
  perMessage.push(Math.max(...times));
}

const line = (label: string, ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return `${label.padEnd(44)} n=${sorted.length}  p50=${percentile(sorted, 50).toFixed(2)} ms  p99=${percentile(sorted, 99).toFixed(2)} ms  max=${sorted[sorted.length - 1]!.toFixed(2)} ms`;
};
console.log(machine());
console.log(`${USERS} sockets, ${chatIds.length} team chats of ${CHAT_SIZE}, ${MESSAGES} messages one after another`);
console.log(line('POST → one member has the fragment', perDelivery));
console.log(line('POST → every member has it', perMessage));
const p99 = (ms: number[]) =>
  percentile(
    [...ms].sort((a, b) => a - b),
    99,
  ).toFixed(1);
console.log(
  `summary fanout: ${USERS} chat tabs, p99 POST → a member's fragment ${p99(perDelivery)} ms, → every member's ${p99(perMessage)} ms (goal 50 ms); ${machine()}`,
);
for (const t of tabs) t.socket.close();
server.child.kill('SIGTERM');
await server.exited;
