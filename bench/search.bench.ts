import type Database from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createDb } from '../src/db/client.ts';
import { loadMigrations, migrate } from '../src/db/migrate.ts';
import { openDatabase } from '../src/db/open.ts';
import type { Actor, DomainContext } from '../src/domain/context.ts';
import { createEventBus } from '../src/domain/events.ts';
import { searchConversations } from '../src/domain/search/index.ts';
import { migrationsDir } from '../src/paths.ts';
import { tempDir } from '../test/tmp.ts';
import { prng } from './prng.ts';
import { machine, percentile, summary } from './stats.ts';

/**
 * Search at scale: 100 000 conversations, 1 000 000 messages, 20 000 notes and 70 000 contacts with a number
 * each, seeded into a migrated SQLite file with the search triggers in place (what a server that has run for
 * years holds), across 5 inboxes. Texts draw their words from a vocabulary of 5 000 with Zipf's frequencies
 * (a few words in most texts, most words in few), German words with umlauts and ß among them, plus order and
 * invoice numbers. Then an agent who works in 3 of the 5 inboxes searches, as the domain does for the page and
 * the API (the first page of 25): one word, two words, and numbers (digits of a customer's phone, written as
 * people write them). Words are drawn uniformly from the vocabulary, so common and rare ones both come up.
 * Environment: SEARCH_N (searches per kind, default 300); SEARCH_DB=<file> keeps the seeded database there and
 * uses it as it is on the next run (seeding takes minutes; the file holds no trace of the code that searches it).
 */
const CONVERSATIONS = 100_000;
const MESSAGES = 1_000_000;
const NOTES = 20_000;
const CONTACTS = 70_000;
const INBOXES = 5;
const VOCABULARY = 5_000;
const N = Number(process.env.SEARCH_N ?? 300);
const WARMUP = 30;
const PAGE = 25;
const GOAL_MS = 30;
const DAY = 86_400_000;

const rand = prng(7);

const GERMAN = ['Müller', 'Straße', 'Größe', 'Bäckerei', 'Lieferung', 'Rückgabe', 'Überweisung', 'Grüße', 'Schlüssel'];
/** Pronounceable made-up words, the German ones among them from common to rare: a vocabulary of distinct words. */
const vocabulary: string[] = (() => {
  const syllables = ['ka', 'lo', 'mi', 're', 'tu', 'sen', 'dor', 've', 'pa', 'qui', 'bra', 'no', 'fi', 'gal', 'zu'];
  const words = new Set<string>();
  while (words.size < VOCABULARY - GERMAN.length) {
    const n = 2 + Math.floor(rand() * 3);
    words.add(Array.from({ length: n }, () => syllables[Math.floor(rand() * syllables.length)]).join(''));
  }
  const list = [...words];
  GERMAN.forEach((word, i) => list.splice(Math.floor(((i + 1) * VOCABULARY) / (GERMAN.length + 1)) - 1, 0, word));
  return list;
})();
/** Zipf (s = 1): word i is drawn in proportion to 1 / (i + 1). */
const zipf = (() => {
  const cumulative: number[] = [];
  let total = 0;
  for (let i = 0; i < VOCABULARY; i++) cumulative.push((total += 1 / (i + 1)));
  return (): string => {
    const x = rand() * total;
    let lo = 0;
    let hi = VOCABULARY - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return vocabulary[lo]!;
  };
})();
const text = (): string => {
  const words = Array.from({ length: 4 + Math.floor(rand() * 12) }, zipf);
  if (rand() < 0.15) words.push(`#${10_000 + Math.floor(rand() * 90_000)}`);
  return words.join(' ');
};

const phoneOf = (c: number): string => `+1${2_000_000_000 + c * 7919}`;

function seed(sqlite: Database.Database): { agent: Actor } {
  // A throwaway database: no fsync, no foreign-key lookups (the rows are consistent by construction).
  sqlite.pragma('synchronous = OFF');
  sqlite.pragma('foreign_keys = OFF');
  sqlite.pragma('cache_size = -262144');
  const now = Date.now();
  const run = (sql: string, ...params: unknown[]): number => Number(sqlite.prepare(sql).run(...params).lastInsertRowid);
  const agentId = run(
    `INSERT INTO users (email, name, role, password_hash, created_at) VALUES ('agent@example.test', 'Agent', 'agent', 'x', ?)`,
    now - 400 * DAY,
  );
  const inboxIds: number[] = [];
  const numberIds: number[] = [];
  for (let i = 0; i < INBOXES; i++) {
    const inbox = run('INSERT INTO inboxes (name, created_at) VALUES (?, ?)', `Inbox ${i}`, now);
    inboxIds.push(inbox);
    numberIds.push(
      run(
        `INSERT INTO numbers (e164, inbox_id, channel, registration, created_at) VALUES (?, ?, 'sandbox', 'registered', ?)`,
        `+1555030${String(i).padStart(4, '0')}`,
        inbox,
        now,
      ),
    );
    if (i < 3) run('INSERT INTO inbox_members (inbox_id, user_id) VALUES (?, ?)', inbox, agentId);
  }
  const insertContact = sqlite.prepare(
    'INSERT INTO contacts (id, name, email, company, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const insertPhone = sqlite.prepare('INSERT INTO contact_phones (book, phone, contact_id) VALUES (0, ?, ?)');
  const insertConversation = sqlite.prepare(
    `INSERT INTO conversations (id, inbox_id, number_id, contact_id, phone, status, last_message_at, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertMessage = sqlite.prepare(
    `INSERT INTO messages (conversation_id, direction, body, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const insertNote = sqlite.prepare(
    'INSERT INTO conversation_notes (conversation_id, author_id, body, created_at) VALUES (?, ?, ?, ?)',
  );
  sqlite.transaction(() => {
    for (let c = 1; c <= CONTACTS; c++) {
      const named = rand() < 0.65;
      insertContact.run(
        c,
        named ? `${zipf()} ${zipf()}` : null,
        named && rand() < 0.5 ? `customer${c}@example.net` : null,
        named && rand() < 0.3 ? `${zipf()} GmbH` : null,
        now - 400 * DAY,
      );
      insertPhone.run(phoneOf(c), c);
    }
  })();
  // Ten messages per conversation, in time order; conversations one after the other over the last year.
  const chunk = sqlite.transaction((from: number, to: number) => {
    for (let id = from; id < to; id++) {
      const k = Math.floor(rand() * INBOXES);
      const contact = 1 + Math.floor(rand() * CONTACTS);
      const start = now - 365 * DAY + Math.round((id * 365 * DAY) / CONVERSATIONS);
      const count = MESSAGES / CONVERSATIONS;
      insertConversation.run(
        id,
        inboxIds[k],
        numberIds[k],
        contact,
        phoneOf(contact),
        rand() < 0.8 ? 'closed' : 'open',
        start + count * 60_000,
        start,
      );
      for (let m = 1; m <= count; m++) {
        const out = m % 2 === 0;
        insertMessage.run(
          id,
          out ? 'out' : 'in',
          text(),
          out ? 'delivered' : 'received',
          start + m * 60_000,
          start + m * 60_000,
        );
      }
      if (id % (CONVERSATIONS / NOTES) === 0) insertNote.run(id, agentId, text(), start + 30_000);
    }
  });
  for (let from = 1; from <= CONVERSATIONS; from += 10_000) chunk(from, Math.min(from + 10_000, CONVERSATIONS + 1));
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  return { agent: { id: agentId, role: 'agent' } };
}

console.log(`at start: ${machine()}`);
const file = process.env.SEARCH_DB ?? join(tempDir('switchboard-bench-'), 'switchboard.db');
const seeded = existsSync(file);
const sqlite = openDatabase(file);
await migrate(sqlite, file, loadMigrations(migrationsDir));
const seedStart = performance.now();
const { agent } = seeded
  ? { agent: sqlite.prepare(`SELECT id, role FROM users WHERE email = 'agent@example.test'`).get() as Actor }
  : seed(sqlite);
sqlite.pragma('synchronous = FULL');
sqlite.pragma('foreign_keys = ON');
if (seeded) console.log(`using ${file} as seeded before`);
else
  console.log(
    `seeded ${CONVERSATIONS.toLocaleString('en')} conversations, ${MESSAGES.toLocaleString('en')} messages, ${NOTES.toLocaleString('en')} notes, ${CONTACTS.toLocaleString('en')} contacts (search triggers on) in ${((performance.now() - seedStart) / 1000).toFixed(1)} s; file ${(statSync(file).size / 1024 / 1024).toFixed(0)} MiB`,
  );

const ctx: DomainContext = { db: createDb(sqlite), events: createEventBus(() => {}), now: Date.now };
const word = (): string => vocabulary[Math.floor(rand() * vocabulary.length)]!;
const number = (): string => {
  const digits = phoneOf(1 + Math.floor(rand() * CONTACTS)).slice(2);
  const at = Math.floor(rand() * 4);
  // As people type a part of a number: plain, grouped, or with the country code.
  return [digits.slice(at, at + 5), `${digits.slice(0, 3)} ${digits.slice(3, 6)}`, `+1 ${digits.slice(0, 3)}`][
    Math.floor(rand() * 3)
  ]!;
};
const kinds: { name: string; query: () => string }[] = [
  { name: 'one word', query: word },
  { name: 'two words', query: () => `${word()} ${word()}` },
  { name: 'number', query: number },
];

const p95s: string[] = [];
for (const kind of kinds) {
  for (let i = 0; i < WARMUP; i++) searchConversations(ctx, agent, { q: kind.query(), limit: PAGE });
  const times: number[] = [];
  let found = 0;
  for (let i = 0; i < N; i++) {
    const q = kind.query();
    const t0 = performance.now();
    found += searchConversations(ctx, agent, { q, limit: PAGE }).hits.length;
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(
    `${summary(kind.name, times)}  max=${times[times.length - 1]!.toFixed(1)} ms  hits/page=${(found / N).toFixed(1)}`,
  );
  p95s.push(`${kind.name} p50 ${percentile(times, 50).toFixed(1)} p95 ${percentile(times, 95).toFixed(1)} ms`);
}
sqlite.close();
console.log(
  `SUMMARY search at 1 M messages (agent in 3 of 5 inboxes, page of ${PAGE}): ${p95s.join('; ')} [p95 goal ${GOAL_MS} ms]; ${machine()}`,
);
