import Database from 'better-sqlite3';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { BUNDLE, run, start } from '../test/cli/run.ts';
import { tempDir } from '../test/tmp.ts';
import { machine, percentile, summary } from './stats.ts';

/**
 * One long conversation — 1 000 messages with events, notes and reactions among them — seeded straight into
 * SQLite, then the real server (`switchboard serve`) over loopback HTTP with keep-alive: the conversation page,
 * an earlier page ("Show earlier messages", htmx), and a header action (pin/unpin) while the agent has the
 * conversation open in a live tab (so the action also renders the header pushed to it). Goal: page p95 ≤ 15 ms
 * and ≤ 80 KiB.
 */
const MESSAGES = 1000;
const N = 500;
const WARMUP = 50;
const GOAL_MS = 15;
const GOAL_KIB = 80;

const cwd = tempDir('switchboard-bench-');
const env = { SWITCHBOARD_DATA: join(cwd, 'data') };
const password = 'a long enough password';
const AGENT = 'agent@example.test';

const inbound = [
  'Hi, is my order #{n} on its way?',
  'Can I move my delivery to Thursday afternoon?',
  'The invoice looks wrong, I was charged twice.',
  'Thanks!',
  'Do you deliver on weekends?',
];
const outbound = [
  'Thanks for reaching out! Let me check that for you.',
  'Your order #{n} left our warehouse this morning.',
  'Done: **Thursday** at 3 pm.',
  'Sorry about that, the refund is on its way.',
  'Yes, Saturday 9 am to 1 pm.',
];

/** The conversation: messages a minute apart, alternating; every 50th an event, every 100th a note, every 10th a reaction. */
function seed(file: string): number {
  const db = new Database(file);
  const now = Date.now();
  const agentId = db.prepare('SELECT id FROM users WHERE email = ?').pluck().get(AGENT) as number;
  const start = now - (MESSAGES + 1) * 60_000;
  db.transaction(() => {
    const inboxId = Number(
      db.prepare('INSERT INTO inboxes (name, created_at) VALUES (?, ?)').run('Support', start).lastInsertRowid,
    );
    db.prepare('INSERT INTO inbox_members (inbox_id, user_id) VALUES (?, ?)').run(inboxId, agentId);
    const numberId = Number(
      db
        .prepare(
          "INSERT INTO numbers (e164, inbox_id, channel, registration, created_at) VALUES ('+15550300000', ?, 'sandbox', 'registered', ?)",
        )
        .run(inboxId, start).lastInsertRowid,
    );
    const contactId = Number(
      db.prepare('INSERT INTO contacts (name, created_at) VALUES (?, ?)').run('Grace Rossi', start).lastInsertRowid,
    );
    db.prepare('INSERT INTO contact_phones (book, phone, contact_id) VALUES (0, ?, ?)').run('+12025550123', contactId);
    const conversationId = Number(
      db
        .prepare(
          `INSERT INTO conversations (inbox_id, number_id, contact_id, phone, status, assignee_id, version, last_message_at, last_inbound_at, created_at) VALUES (?, ?, ?, '+12025550123', 'open', ?, 1, ?, ?, ?)`,
        )
        .run(inboxId, numberId, contactId, agentId, now - 60_000, now - 120_000, start).lastInsertRowid,
    );
    const message = db.prepare(
      `INSERT INTO messages (conversation_id, direction, author_user_id, body, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    const event = db.prepare(
      `INSERT INTO conversation_events (conversation_id, kind, data, actor_user_id, at) VALUES (?, 'tag_added', ?, ?, ?)`,
    );
    const note = db.prepare(
      'INSERT INTO conversation_notes (conversation_id, author_id, body, created_at) VALUES (?, ?, ?, ?)',
    );
    const reaction = db.prepare(
      'INSERT INTO message_reactions (message_id, user_id, emoji, created_at) VALUES (?, ?, ?, ?)',
    );
    for (let i = 0; i < MESSAGES; i++) {
      const at = start + i * 60_000;
      const out = i % 2 === 1;
      const body = (out ? outbound : inbound)[i % 5]!.replace('{n}', String(10_000 + i));
      const id = Number(
        message.run(
          conversationId,
          out ? 'out' : 'in',
          out ? agentId : null,
          body,
          out ? 'delivered' : 'received',
          at,
          at,
        ).lastInsertRowid,
      );
      if (i % 10 === 0) reaction.run(id, agentId, '👍', at + 1000);
      if (i % 50 === 25) event.run(conversationId, JSON.stringify({ tag: `tag ${i}` }), agentId, at);
      if (i % 100 === 50) note.run(conversationId, agentId, `Checked with the warehouse (${i}).`, at + 30_000);
    }
  })();
  const id = db.prepare('SELECT id FROM conversations').pluck().get() as number;
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return id;
}

const res = await run(['user', 'add', '--email', AGENT, '--name', 'Agent', '--role', 'agent'], {
  cwd,
  env,
  input: `${password}\n`,
});
if (res.code !== 0) throw new Error(`user add: ${res.stderr}`);
const conversationId = seed(join(env.SWITCHBOARD_DATA, 'switchboard.db'));

const server = start([], { cwd, env, entry: BUNDLE });
process.on('exit', () => server.child.kill('SIGKILL'));
const base = String((await server.waitFor((l) => l.msg === 'Switchboard is listening')).url);

const login = await fetch(`${base}/login`);
const preCookie = login.headers
  .getSetCookie()
  .map((c) => c.split(';')[0])
  .join('; ');
const loginCsrf = /name="_csrf" value="([^"]+)"/.exec(await login.text())![1]!;
const signIn = await fetch(`${base}/login`, {
  method: 'POST',
  redirect: 'manual',
  headers: { cookie: preCookie, 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ _csrf: loginCsrf, email: AGENT, password }),
});
const cookie = signIn.headers
  .getSetCookie()
  .map((c) => c.split(';')[0])
  .join('; ');

async function request(path: string, opts: { htmx?: boolean; form?: Record<string, string> } = {}): Promise<string> {
  const headers: Record<string, string> = { cookie, ...(opts.htmx ? { 'hx-request': 'true' } : {}) };
  const init: RequestInit = opts.form
    ? {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(opts.form),
      }
    : { headers };
  const res = await fetch(`${base}${path}`, init);
  const body = await res.text();
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${body.slice(0, 200)}`);
  return body;
}

async function timed(label: string, call: () => Promise<string>): Promise<{ times: number[]; bytes: number }> {
  let bytes = 0;
  for (let i = 0; i < WARMUP; i++) bytes = (await call()).length;
  const times: number[] = [];
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    await call();
    times.push(performance.now() - t0);
  }
  console.log(`${summary(label, times)}  ${(bytes / 1024).toFixed(1)} KiB`);
  return { times, bytes };
}

const pagePath = `/conversations/${conversationId}`;
const first = await request(pagePath);
const csrf = /name="_csrf" value="([^"]+)"/.exec(first)![1]!;
const version = /name="version" value="(\d+)"/.exec(first)?.[1] ?? '1';
const earlier = /hx-get="([^"]+)"[^>]*>Show earlier messages</.exec(first)?.[1]?.replaceAll('&amp;', '&');

console.log(machine());
console.log(
  `one conversation: ${MESSAGES} messages, ${MESSAGES / 50} events, ${MESSAGES / 100} notes, ${MESSAGES / 10} reactions; ${N} timed requests after ${WARMUP} warm-up`,
);
const page = await timed('GET conversation page', () => request(pagePath));
if (earlier) await timed('GET earlier page (htmx)', () => request(earlier, { htmx: true }));
else console.log('no "Show earlier messages" link: the whole timeline is on the page');

// Now the agent has the conversation open in a tab: each header action also renders the header pushed to it.
const tab = new WebSocket(`${base.replace('http', 'ws')}/live?path=${encodeURIComponent(pagePath)}`, {
  headers: { cookie, origin: base },
});
await new Promise((resolve, reject) => (tab.once('open', resolve), tab.once('error', reject)));
let pushes = 0;
tab.on('message', () => pushes++);
let pinned = false;
await timed('POST pin/unpin (htmx), live tab', () => {
  pinned = !pinned;
  return request(`${pagePath}/${pinned ? 'pin' : 'unpin'}`, { htmx: true, form: { _csrf: csrf, version } });
});
tab.close();

const sorted = [...page.times].sort((a, b) => a - b);
const p95 = percentile(sorted, 95);
const kib = page.bytes / 1024;
const verdict = p95 <= GOAL_MS && kib <= GOAL_KIB ? 'ok' : 'OVER';
console.log(
  `conversation of ${MESSAGES} messages: page p50=${percentile(sorted, 50).toFixed(1)} ms p95=${p95.toFixed(1)} ms, ${kib.toFixed(1)} KiB ` +
    `(goal p95 ≤ ${GOAL_MS} ms, ≤ ${GOAL_KIB} KiB: ${verdict}); ${pushes} header pushes to the live tab; ${machine()}`,
);
server.child.kill('SIGTERM');
await server.exited;
