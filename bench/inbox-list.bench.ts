import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as schema from '../src/db/schema/index.ts';
import type { Actor, DomainContext } from '../src/domain/context.ts';
import { listConversations, unreadCount } from '../src/domain/conversations/list.ts';
import { createEventBus } from '../src/domain/events.ts';
import { parseListQuery } from '../src/presenters/list-query.ts';
import { BUNDLE, run, start } from '../test/cli/run.ts';
import { tempDir } from '../test/tmp.ts';
import { prng } from './prng.ts';
import { machine, percentile, summary } from './stats.ts';

/**
 * Conversation lists at scale: 100 000 conversations and 1 000 000 messages across 5 inboxes and 21 users,
 * seeded straight into SQLite, then the real server (`switchboard serve`) over loopback HTTP with keep-alive.
 * Each list is timed on its first page (a whole page, navigation included) and on a deep page reached by
 * following "Show more" (the htmx fragment). Lists whose p95 misses the goal get their SQL timed and explained.
 */
const CONVERSATIONS = 100_000;
const MESSAGES = 1_000_000;
const CONTACTS = 70_000;
const INBOXES = ['Sales', 'Billing', 'Customer Care', 'Onboarding', 'Returns'];
/** Share of the conversations each inbox gets: busy and quiet inboxes side by side. */
const INBOX_WEIGHTS = [0.3, 0.25, 0.2, 0.15, 0.1];
const TAGS = ['vip', 'billing', 'refund', 'urgent', 'follow-up', 'bug', 'feedback', 'shipping', 'lead', 'churn-risk'];
const DAY = 86_400_000;
/** Conversations start over the last year; the measuring users joined before most of them, so much is unread. */
const SPAN = 365 * DAY;
const JOINED_DAYS_AGO = 330;
const N = 200;
const WARMUP = 20;
/** "Show more" clicks before the deep page: 20 × 50 rows. */
const DEPTH = 20;
const GOAL_MS = 15;

const cwd = tempDir('switchboard-bench-');
const env = { SWITCHBOARD_DATA: join(cwd, 'data') };
const dbFile = join(env.SWITCHBOARD_DATA, 'switchboard.db');
const password = 'a long enough password';
const AGENT = 'agent@example.test';
const MANAGER = 'manager@example.test';
/** Works where the agent works and has read nearly everything: the unread count and filter find almost nothing. */
const READER = 'reader@example.test';

interface Seeded {
  inboxIds: number[];
  tagId: number;
  /** Someone who works in the measuring agent's first inbox. */
  teammate: number;
  agent: Actor;
  manager: Actor;
  reader: Actor;
}

/** Bulk-loads the migrated database the CLI created, with prepared statements in a few big transactions. */
function seed(file: string): Seeded {
  const db = new Database(file);
  // A throwaway database: no fsync, no foreign-key lookups (the rows are consistent by construction).
  db.pragma('synchronous = OFF');
  db.pragma('foreign_keys = OFF');
  db.pragma('cache_size = -262144');
  const rand = prng(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const now = Date.now();

  const byEmail = db.prepare('SELECT id, role, password_hash AS hash FROM users WHERE email = ?');
  const agent = byEmail.get(AGENT) as Actor & { hash: string };
  const manager = byEmail.get(MANAGER) as Actor & { hash: string };

  const insertUser = db.prepare(
    'INSERT INTO users (email, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const insertInbox = db.prepare('INSERT INTO inboxes (name, created_at) VALUES (?, ?)');
  const insertMember = db.prepare('INSERT INTO inbox_members (inbox_id, user_id) VALUES (?, ?)');
  const insertNumber = db.prepare(
    "INSERT INTO numbers (e164, inbox_id, channel, registration, created_at) VALUES (?, ?, 'sandbox', 'registered', ?)",
  );
  const insertTag = db.prepare('INSERT INTO tags (name, created_at) VALUES (?, ?)');
  const insertContact = db.prepare(
    'INSERT INTO contacts (id, name, email, company, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const insertPhone = db.prepare('INSERT INTO contact_phones (book, phone, contact_id) VALUES (0, ?, ?)');
  const insertConversation = db.prepare(
    `INSERT INTO conversations (id, inbox_id, number_id, contact_id, phone, status, assignee_id, version, last_message_at, last_inbound_at, waiting_since, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertMessage = db.prepare(
    `INSERT INTO messages (id, conversation_id, direction, author_user_id, body, status, attempts, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertConversationTag = db.prepare('INSERT INTO conversation_tags (conversation_id, tag_id) VALUES (?, ?)');
  const insertRead = db.prepare('INSERT INTO conversation_reads (user_id, conversation_id, read_at) VALUES (?, ?, ?)');
  const insertPin = db.prepare('INSERT INTO conversation_pins (user_id, conversation_id, position) VALUES (?, ?, ?)');

  const inboxIds: number[] = [];
  const numberIds: number[][] = [];
  const members: number[][] = INBOXES.map(() => []);
  const tagIds: number[] = [];
  const phones: string[] = [];
  let teammate = 0;

  db.transaction(() => {
    INBOXES.forEach((name, i) => {
      const inboxId = Number(insertInbox.run(name, now - 400 * DAY).lastInsertRowid);
      inboxIds.push(inboxId);
      numberIds.push(
        [0, 1].map((j) =>
          Number(
            insertNumber.run(`+1555030${String(i * 2 + j).padStart(4, '0')}`, inboxId, now - 400 * DAY).lastInsertRowid,
          ),
        ),
      );
    });
    // The measuring agent works in three inboxes, the manager in all five; the 18 others in two each
    // (with the agent's password hash: a well-formed one, though nobody signs in as them).
    for (const i of [0, 1, 2]) members[i]!.push(agent.id);
    for (const i of INBOXES.keys()) members[i]!.push(manager.id);
    for (let j = 0; j < 18; j++) {
      const role = j === 0 ? 'admin' : j < 3 ? 'manager' : 'agent';
      const id = Number(
        insertUser.run(`user${j}@example.test`, `User ${String(j).padStart(2, '0')}`, role, agent.hash, now - 400 * DAY)
          .lastInsertRowid,
      );
      members[j % 5]!.push(id);
      members[(j + 2) % 5]!.push(id);
      if (role === 'agent' && j % 5 === 0 && !teammate) teammate = id;
    }
    members.forEach((ids, i) => ids.forEach((userId) => insertMember.run(inboxIds[i]!, userId)));
    for (const name of TAGS) tagIds.push(Number(insertTag.run(name, now - 400 * DAY).lastInsertRowid));

    const first = [
      'Ana',
      'Ben',
      'Chloe',
      'David',
      'Emma',
      'Farid',
      'Grace',
      'Hiro',
      'Ines',
      'Jonas',
      'Kofi',
      'Lena',
      'Maya',
      'Noah',
    ];
    const last = [
      'Smith',
      'Garcia',
      'Müller',
      'Okafor',
      'Kim',
      'Novak',
      'Rossi',
      'Silva',
      'Nguyen',
      'Cohen',
      'Larsen',
      'Patel',
    ];
    for (let c = 1; c <= CONTACTS; c++) {
      // Distinct by construction: c × a prime, kept within ten digits.
      const phone = `+1${2_000_000_000 + c * 7919}`;
      phones.push(phone);
      const named = rand() < 0.65;
      const name = named ? `${pick(first)} ${pick(last)}` : null;
      const email = named && rand() < 0.5 ? `customer${c}@example.net` : null;
      const company = named && rand() < 0.3 ? `${pick(last)} ${pick(['GmbH', 'LLC', 'Ltd', 'Inc.'])}` : null;
      insertContact.run(c, name, email, company, now - SPAN - DAY);
      insertPhone.run(phone, c);
    }
  })();

  const inbound = [
    'Hi, is my order #{n} on its way?',
    'Can I move my appointment to Thursday afternoon?',
    'The invoice {n} looks wrong, I was charged twice.',
    'Thanks!',
    'Do you deliver on weekends?',
    'I never got the confirmation code.',
    'Is the store on Main St open today?',
  ];
  const outbound = [
    'Thanks for reaching out! Let me check that for you.',
    'Your order #{n} left our warehouse this morning.',
    'Done: you are booked for Thursday at 3 pm.',
    'Sorry about that, the refund is on its way.',
    'Yes, Saturday 9 am to 1 pm.',
    'Could you send us your order number?',
  ];
  const agentInboxes = new Set(inboxIds.slice(0, 3));
  const pinCandidates: number[] = [];
  let messageId = 0;
  let spread = 0;

  // Conversation ids follow their start time; each conversation's messages are consecutive ids in time order.
  const chunk = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const id = i + 1;
      const inboxAt = rand();
      let k = 0;
      for (let acc = INBOX_WEIGHTS[0]!; inboxAt > acc && k < INBOXES.length - 1; acc += INBOX_WEIGHTS[++k]!);
      const inboxId = inboxIds[k]!;
      const people = members[k]!;
      // 2 to 18 messages, in pairs that add up to 20: exactly 10 per conversation on average.
      if (i % 2 === 0) spread = Math.floor(rand() * 17) - 8;
      const count = i % 2 === 0 ? 10 + spread : 10 - spread;
      const createdAt = Math.min(
        Math.round(now - SPAN + ((i + rand()) * SPAN) / CONVERSATIONS),
        now - (count + 1) * 1000,
      );
      // Open conversations are mostly recent: 35 % of the newest 30 %, 6.4 % of the rest (15 % overall); 1 % spam.
      const status = rand() < 0.01 ? 'spam' : rand() < (i >= 0.7 * CONVERSATIONS ? 0.35 : 0.064) ? 'open' : 'closed';
      const assignee = status === 'spam' ? null : rand() < (status === 'open' ? 0.5 : 0.7) ? pick(people) : null;
      const contactId = 1 + Math.floor(rand() * CONTACTS);

      const times: number[] = [];
      const directions: ('in' | 'out')[] = [];
      let t = createdAt;
      for (let m = 0; m < count; m++) {
        // Replies come minutes to hours apart (exponential, mean 2 h); never in the future.
        if (m > 0) t = Math.min(t + 1 + Math.round(-Math.log(1 - rand()) * 2 * 3_600_000), now - (count - m) * 1000);
        times.push(t);
        const prev = directions[m - 1];
        directions.push(
          prev === undefined ? 'in' : prev === 'in' ? (rand() < 0.75 ? 'out' : 'in') : rand() < 0.6 ? 'in' : 'out',
        );
      }
      const lastInbound = times[directions.lastIndexOf('in')]!;
      // Waiting: an open conversation whose last messages are the customer's, since the first of them.
      let waitingSince: number | null = null;
      if (status === 'open' && directions[count - 1] === 'in') {
        let w = count - 1;
        while (w > 0 && directions[w - 1] === 'in') w--;
        waitingSince = times[w]!;
      }
      insertConversation.run(
        id,
        inboxId,
        pick(numberIds[k]!),
        contactId,
        phones[contactId - 1]!,
        status,
        assignee,
        Math.floor(rand() * 5),
        times[count - 1]!,
        lastInbound,
        waitingSince,
        createdAt,
      );
      for (let m = 0; m < count; m++) {
        const out = directions[m] === 'out';
        const body = pick(out ? outbound : inbound).replace('{n}', String(10_000 + id));
        insertMessage.run(
          ++messageId,
          id,
          directions[m]!,
          out ? (assignee ?? pick(people)) : null,
          body,
          out ? 'delivered' : 'received',
          out ? 1 : 0,
          times[m]!,
          times[m]!,
        );
      }

      if (rand() < 0.1) {
        const a = pick(tagIds);
        insertConversationTag.run(id, a);
        const b = pick(tagIds);
        if (rand() < 0.2 && b !== a) insertConversationTag.run(id, b);
      }
      // Read marks: most assignees read their conversations, a quarter of the other members look in;
      // a quarter of the marks predate the last customer message (unread again).
      for (const userId of people) {
        if (rand() >= (userId === assignee ? 0.9 : 0.25)) continue;
        const readAt =
          rand() < 0.75
            ? Math.min(lastInbound + 60_000, now)
            : createdAt + Math.round(rand() * (lastInbound - createdAt));
        insertRead.run(userId, id, readAt);
      }
      if (status === 'open' && agentInboxes.has(inboxId)) pinCandidates.push(id);
    }
  });
  for (let from = 0; from < CONVERSATIONS; from += 20_000) chunk(from, Math.min(from + 20_000, CONVERSATIONS));
  if (messageId !== MESSAGES) throw new Error(`seeded ${messageId} messages, expected ${MESSAGES}`);

  db.transaction(() => {
    // A few pins each: the first page also runs the pinned query.
    pinCandidates.slice(-3).forEach((id, position) => insertPin.run(agent.id, id, position));
    pinCandidates.slice(-5, -3).forEach((id, position) => insertPin.run(manager.id, id, position));
    db.prepare('UPDATE users SET created_at = ? WHERE id IN (?, ?)').run(
      now - JOINED_DAYS_AGO * DAY,
      agent.id,
      manager.id,
    );
  })();
  // Added last, so the data drawn above is the same with or without them (same password as the agent).
  const reader = db.transaction(() => {
    const id = Number(
      insertUser.run(READER, 'Reader', 'agent', agent.hash, now - JOINED_DAYS_AGO * DAY).lastInsertRowid,
    );
    for (const i of [0, 1, 2]) insertMember.run(inboxIds[i]!, id);
    // Read a minute after the last customer text, but for one conversation in 2 000 (a handful of them open).
    db.prepare(
      `INSERT INTO conversation_reads (user_id, conversation_id, read_at)
       SELECT ?, id, min(last_inbound_at + 60000, ?) FROM conversations WHERE inbox_id IN (?, ?, ?) AND id % 2000 <> 0`,
    ).run(id, now, inboxIds[0], inboxIds[1], inboxIds[2]);
    return { id, role: 'agent' as const };
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return {
    inboxIds,
    tagId: tagIds[0]!,
    teammate,
    agent: { id: agent.id, role: agent.role },
    manager: { id: manager.id, role: manager.role },
    reader,
  };
}

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
function dbSize(): string {
  const main = statSync(dbFile).size;
  const wal = existsSync(`${dbFile}-wal`) ? statSync(`${dbFile}-wal`).size : 0;
  return `${mib(main + wal)} (file ${mib(main)} + WAL ${mib(wal)})`;
}

console.log(`at start: ${machine()}`);
for (const [email, role] of [
  [AGENT, 'agent'],
  [MANAGER, 'manager'],
] as const) {
  // `user add` also creates and migrates the database.
  const res = await run(
    ['user', 'add', '--email', email, '--name', role === 'agent' ? 'Agent' : 'Manager', '--role', role],
    { cwd, env, input: `${password}\n` },
  );
  if (res.code !== 0) throw new Error(`user add ${email}: ${res.stderr}`);
}
const seedStart = performance.now();
const seeded = seed(dbFile);
const seedSeconds = ((performance.now() - seedStart) / 1000).toFixed(1);
console.log(
  `seeded ${CONVERSATIONS.toLocaleString('en')} conversations, ${MESSAGES.toLocaleString('en')} messages, ${CONTACTS.toLocaleString('en')} contacts, ${INBOXES.length} inboxes, 21 users in ${seedSeconds} s`,
);
console.log(`database after seeding: ${dbSize()}`);

const server = start([], { cwd, env, entry: BUNDLE });
// A run that throws halfway must not leave the server behind.
process.on('exit', () => server.child.kill('SIGKILL'));
const base = String((await server.waitFor((l) => l.msg === 'Switchboard is listening')).url);
const rss = (): string =>
  mib(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.child.pid}/status`, 'utf8'))![1]) * 1024);
const rssAtBoot = rss();

async function signIn(email: string): Promise<string> {
  const login = await fetch(`${base}/login`);
  const preCookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await login.text())![1]!;
  const res = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: preCookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, email, password }),
  });
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}
const cookies = { agent: await signIn(AGENT), manager: await signIn(MANAGER), reader: await signIn(READER) };

async function get(path: string, cookie: string, htmx: boolean): Promise<string> {
  const res = await fetch(`${base}${path}`, { headers: { cookie, ...(htmx ? { 'hx-request': 'true' } : {}) } });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${body.slice(0, 200)}`);
  return body;
}

/** The "Show more conversations" link's target, or null on the last page. */
const nextOf = (html: string): string | null =>
  /<div id="list-more">\s*<a href="([^"]+)"/.exec(html)?.[1]?.replaceAll('&amp;', '&') ?? null;

async function timed(path: string, cookie: string, htmx: boolean): Promise<number[]> {
  for (let i = 0; i < WARMUP; i++) await get(path, cookie, htmx);
  const times: number[] = [];
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    await get(path, cookie, htmx);
    times.push(performance.now() - t0);
  }
  return times;
}

const day = (daysAgo: number): string => new Date(Date.now() - daysAgo * DAY).toISOString().slice(0, 10);
const [salesId, billingId] = seeded.inboxIds;
const lists: { name: string; as: 'agent' | 'manager' | 'reader'; query: string }[] = [
  { name: 'Inbox', as: 'agent', query: 'view=inbox' },
  { name: 'Assigned to me', as: 'agent', query: 'view=mine' },
  { name: 'Unassigned', as: 'agent', query: 'view=unassigned' },
  { name: 'Closed', as: 'agent', query: 'view=closed' },
  { name: 'Spam (manager)', as: 'manager', query: 'view=spam' },
  { name: 'One inbox', as: 'agent', query: `view=inbox&inbox=${salesId}` },
  { name: 'Tag, any, oldest', as: 'agent', query: `view=inbox&status=any&tag=${seeded.tagId}&sort=oldest` },
  { name: 'Unread, one inbox', as: 'agent', query: `view=inbox&inbox=${billingId}&unread=1` },
  { name: 'Inbox, waiting', as: 'agent', query: 'view=inbox&sort=waiting' },
  { name: 'Any status', as: 'agent', query: 'view=inbox&status=any' },
  {
    name: 'Teammate, 90d, waiting',
    as: 'agent',
    query: `view=inbox&status=any&assignee=${seeded.teammate}&from=${day(90)}&to=${day(0)}&sort=waiting`,
  },
  { name: 'Inbox (all read)', as: 'reader', query: 'view=inbox' },
  { name: 'Unread (all read)', as: 'reader', query: 'view=inbox&unread=1' },
];

interface Result {
  list: (typeof lists)[number];
  label: string;
  path: string;
  htmx: boolean;
  times: number[];
  p95: number;
}
const results: Result[] = [];
console.log(
  `\nagent (id ${seeded.agent.id}) and reader (id ${seeded.reader.id}, has read nearly everything) work in 3 inboxes, manager (id ${seeded.manager.id}) in 5; deep page = after ${DEPTH} "Show more" clicks`,
);
for (const list of lists) {
  const cookie = cookies[list.as];
  const first = `/conversations?${list.query}`;
  let path = first;
  let next = nextOf(await get(first, cookie, false));
  let page = 1;
  for (; page <= DEPTH && next; page++) {
    path = next;
    next = nextOf(await get(path, cookie, true));
  }
  console.log(
    `  ${list.name.padEnd(24)} ${first}${page > 1 ? `  (deep: page ${page}${next ? '' : ', the last'})` : '  (a single page)'}`,
  );
  const pages = [
    { label: `${list.name} p1`, path: first, htmx: false },
    ...(page > 1 ? [{ label: `${list.name} p${page} htmx`, path, htmx: true }] : []),
  ];
  for (const p of pages) {
    const times = await timed(p.path, cookie, p.htmx);
    results.push({
      list,
      ...p,
      times,
      p95: percentile(
        [...times].sort((a, b) => a - b),
        95,
      ),
    });
  }
}

console.log(`\n${N} timed requests per page after ${WARMUP} warm-up; goal p95 < ${GOAL_MS} ms`);
for (const r of results) console.log(`${summary(r.label, r.times)}  ${r.p95 < GOAL_MS ? 'ok' : 'OVER'}`);
console.log(`server RSS: ${rssAtBoot} after boot, ${rss()} after ${results.length * (N + WARMUP)} list requests`);
console.log(`database: ${dbSize()}`);
console.log(`at the end: ${machine()}`);

/** Distinct statements of the slow pages, numbered in order of appearance. */
const statements = new Map<string, { name: string; sql: string; params: unknown[] }>();

/**
 * Replays a slow page's domain calls on a read-only connection with a query logger, and times each statement:
 * those of a millisecond or more are named here and shown with their plan below.
 */
function explain(sqlite: Database.Database, actor: Actor, r: Result): void {
  const logged: { sql: string; params: unknown[] }[] = [];
  const ctx: DomainContext = {
    db: drizzle({ client: sqlite, schema, logger: { logQuery: (sql, params) => logged.push({ sql, params }) } }),
    events: createEventBus(() => {}),
    now: Date.now,
  };
  // The seeded users have no zone of their own: the server's default, UTC.
  const query = parseListQuery(Object.fromEntries(new URL(r.path, base).searchParams), 'UTC');
  listConversations(ctx, actor, query.filter, query.after);
  // Whole pages also draw the navigation, whose unread count is the other query that grows with the data.
  if (!r.htmx) unreadCount(ctx, actor);
  const slowOnes: string[] = [];
  for (const { sql, params } of logged) {
    const stmt = sqlite.prepare(sql);
    const runs = Array.from({ length: 5 }, () => {
      const t0 = performance.now();
      stmt.all(...params);
      return performance.now() - t0;
    });
    const ms = percentile(
      runs.sort((a, b) => a - b),
      50,
    );
    if (ms < 1) continue;
    const key = JSON.stringify([sql, params]);
    if (!statements.has(key)) statements.set(key, { name: `S${statements.size + 1}`, sql, params });
    slowOnes.push(`${statements.get(key)!.name} ${ms.toFixed(1)} ms`);
  }
  console.log(`${r.label.padEnd(34)} p95 ${r.p95.toFixed(1)} ms: ${slowOnes.join(', ') || 'no statement takes 1 ms'}`);
}

const slow = results.filter((r) => r.p95 >= GOAL_MS);
if (slow.length) {
  console.log(`\nover ${GOAL_MS} ms, the statements of each page that take 1 ms or more (median of 5, server idle):`);
  const sqlite = new Database(dbFile, { readonly: true });
  for (const r of slow) explain(sqlite, seeded[r.list.as], r);
  for (const { name, sql, params } of statements.values()) {
    console.log(`\n${name}: ${sql}\n  params: ${JSON.stringify(params)}`);
    const depth = new Map<number, number>([[0, 0]]);
    for (const row of sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as {
      id: number;
      parent: number;
      detail: string;
    }[]) {
      depth.set(row.id, (depth.get(row.parent) ?? 0) + 1);
      console.log(`${'  '.repeat(depth.get(row.id)!)}${row.detail}`);
    }
  }
  sqlite.close();
}
server.child.kill('SIGTERM');
await server.exited;

// The one line to quote: each list's p95 (first page / deep page), the worst against the goal, the load.
const byList = lists.map(
  (list) =>
    `${list.name} ${results
      .filter((r) => r.list === list)
      .map((r) => r.p95.toFixed(1))
      .join('/')}`,
);
const worst = results.reduce((a, b) => (b.p95 > a.p95 ? b : a));
console.log(
  `\nsummary: p95 ms (page 1/deep) ${byList.join(', ')}; worst ${worst.label} ${worst.p95.toFixed(1)} ms ${worst.p95 < GOAL_MS ? '<' : '>='} goal ${GOAL_MS} ms (${slow.length ? `${slow.length} pages over` : 'all under'}); ${machine()}`,
);
