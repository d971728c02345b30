import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../tmp.ts';
import { DatabaseNewerError, loadMigrations, migrate, type Migration } from '../../src/db/migrate.ts';
import { openDatabase } from '../../src/db/open.ts';
import { migrationsDir } from '../../src/paths.ts';

const fresh = () => {
  const dir = tempDir('switchboard-migrate-');
  const file = join(dir, 'switchboard.db');
  return { dir, file, sqlite: openDatabase(file) };
};

test('opens with WAL and foreign keys on', () => {
  const { sqlite } = fresh();
  assert.equal(sqlite.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(sqlite.pragma('foreign_keys', { simple: true }), 1);
  sqlite.close();
});

test('applies every migration once, and nothing the second time', async () => {
  const { sqlite, file } = fresh();
  const migrations = loadMigrations(migrationsDir);
  assert.ok(migrations.length >= 1);
  const first = await migrate(sqlite, file, migrations);
  assert.deepEqual(
    first.applied,
    migrations.map((m) => m.tag),
  );
  assert.equal(first.backup, null, 'an empty database needs no backup');
  const again = await migrate(sqlite, file, migrations);
  assert.deepEqual(again.applied, []);
  sqlite.close();
});

test('backs up a database that holds data before migrating it', async () => {
  const { sqlite, file, dir } = fresh();
  const migrations = loadMigrations(migrationsDir);
  await migrate(sqlite, file, migrations);
  sqlite.prepare(`INSERT INTO inboxes (name) VALUES ('Support')`).run();
  const next: Migration = {
    tag: '9999_test',
    folderMillis: Date.now() + 1000,
    hash: 'x',
    sql: ['CREATE TABLE extra (id INTEGER PRIMARY KEY)'],
  };
  const result = await migrate(sqlite, file, [...migrations, next]);
  assert.deepEqual(result.applied, ['9999_test']);
  assert.ok(result.backup && existsSync(result.backup), 'backup file written');
  assert.ok(readdirSync(dir).some((f) => f.includes('before-9999_test')));
  const copy = openDatabase(result.backup);
  assert.equal(copy.prepare('SELECT name FROM inboxes').pluck().get(), 'Support', 'the backup holds the data');
  assert.equal(
    copy.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'extra'`).get(),
    undefined,
    'the backup is from before',
  );
  copy.close();
  sqlite.close();
});

test('a failing migration changes nothing', async () => {
  const { sqlite, file } = fresh();
  const migrations = loadMigrations(migrationsDir);
  await migrate(sqlite, file, migrations);
  const bad: Migration = {
    tag: '9999_bad',
    folderMillis: Date.now() + 1000,
    hash: 'y',
    sql: ['CREATE TABLE half (id INTEGER)', 'THIS IS NOT SQL'],
  };
  await assert.rejects(migrate(sqlite, file, [...migrations, bad]));
  assert.equal(sqlite.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'half'`).get(), undefined);
  assert.equal(sqlite.prepare('SELECT count(*) FROM __drizzle_migrations').pluck().get(), migrations.length);
  sqlite.close();
});

test('refuses a database migrated by newer code', async () => {
  const { sqlite, file } = fresh();
  const migrations = loadMigrations(migrationsDir);
  const future: Migration = {
    tag: '9999_future',
    folderMillis: Date.now() + 1000,
    hash: 'z',
    sql: ['CREATE TABLE future (id INTEGER)'],
  };
  await migrate(sqlite, file, [...migrations, future]);
  await assert.rejects(migrate(sqlite, file, migrations), DatabaseNewerError);
  sqlite.close();
});

test('contacts split by book: a personal-only contact moves to its owner, a shared one is copied for them', async () => {
  const { sqlite, file } = fresh();
  const migrations = loadMigrations(migrationsDir);
  const split = migrations.findIndex((m) => m.tag === '0020_contact_books');
  assert.ok(split > 0);
  await migrate(sqlite, file, migrations.slice(0, split));
  const run = (sql: string, ...params: unknown[]) => Number(sqlite.prepare(sql).run(...params).lastInsertRowid);
  const user = (name: string) =>
    run(
      `INSERT INTO users (email, name, role, password_hash) VALUES (?, ?, 'agent', 'x')`,
      `${name}@example.test`,
      name,
    );
  const [ana, ben, cy] = [user('ana'), user('ben'), user('cy')];
  const support = run(`INSERT INTO inboxes (name) VALUES ('Support')`);
  const inboxOf = (owner: number) =>
    run(`INSERT INTO inboxes (name, owner_user_id) VALUES (?, ?)`, `personal-${owner}`, owner);
  const [anaInbox, benInbox] = [inboxOf(ana), inboxOf(ben)];
  const number = (e164: string, inbox: number) =>
    run(
      `INSERT INTO numbers (e164, inbox_id, connection, registration) VALUES (?, ?, 'sandbox', 'registered')`,
      e164,
      inbox,
    );
  const numbers = new Map([
    [support, number('+15550000001', support)],
    [anaInbox, number('+15550000002', anaInbox)],
    [benInbox, number('+15550000003', benInbox)],
  ]);
  const contact = (name: string, phone: string, origin: number | null, handMade = 0) => {
    const id = run(
      `INSERT INTO contacts (name, notes, origin_inbox_id, hand_made) VALUES (?, ?, ?, ?)`,
      name,
      `notes on ${name}`,
      origin,
      handMade,
    );
    run(`INSERT INTO contact_phones (phone, contact_id) VALUES (?, ?)`, phone, id);
    return id;
  };
  const conversation = (inbox: number, contactId: number, phone: string) =>
    run(
      `INSERT INTO conversations (inbox_id, number_id, contact_id, phone, last_message_at, created_at) VALUES (?, ?, ?, ?, 1, 1)`,
      inbox,
      numbers.get(inbox),
      contactId,
      phone,
    );
  const favourite = (userId: number, contactId: number) =>
    run(`INSERT INTO contact_favourites (user_id, contact_id) VALUES (?, ?)`, userId, contactId);

  const pia = contact('Pia', '+15557000001', anaInbox);
  const piaTalk = conversation(anaInbox, pia, '+15557000001');
  favourite(ana, pia);
  favourite(cy, pia);
  const sam = contact('Sam', '+15557000002', support);
  const samShared = conversation(support, sam, '+15557000002');
  const samPersonal = conversation(anaInbox, sam, '+15557000002');
  favourite(ana, sam);
  const dual = contact('Dual', '+15557000003', anaInbox);
  const dualAna = conversation(anaInbox, dual, '+15557000003');
  const dualBen = conversation(benInbox, dual, '+15557000003');
  const carla = contact('Carla', '+15557000004', support);
  const carlaTalk = conversation(support, carla, '+15557000004');
  const willa = contact('Willa', '+15557000005', null, 1);

  await migrate(sqlite, file, migrations);
  const contactOf = (conversationId: number) =>
    sqlite
      .prepare(
        `SELECT c.id, c.book, c.name, c.notes, c.origin_inbox_id AS origin FROM conversations v JOIN contacts c ON c.id = v.contact_id WHERE v.id = ?`,
      )
      .get(conversationId) as { id: number; book: number; name: string; notes: string; origin: number | null };
  const phonesOf = (id: number) =>
    sqlite.prepare('SELECT book, phone FROM contact_phones WHERE contact_id = ? ORDER BY book').all(id);
  const favourites = () =>
    sqlite
      .prepare('SELECT user_id AS user, contact_id AS contact FROM contact_favourites ORDER BY user_id, contact_id')
      .all();

  assert.deepEqual(
    contactOf(piaTalk),
    { id: pia, book: ana, name: 'Pia', notes: 'notes on Pia', origin: anaInbox },
    'personal only: moved to its owner, same id',
  );
  assert.deepEqual(phonesOf(pia), [{ book: ana, phone: '+15557000001' }]);

  assert.deepEqual(
    contactOf(samShared),
    { id: sam, book: 0, name: 'Sam', notes: 'notes on Sam', origin: support },
    'the team keeps its contact',
  );
  const samCopy = contactOf(samPersonal);
  assert.notEqual(samCopy.id, sam);
  assert.deepEqual(
    { ...samCopy, id: 0 },
    { id: 0, book: ana, name: 'Sam', notes: 'notes on Sam', origin: anaInbox },
    'the owner gets a copy for the personal conversation',
  );
  assert.deepEqual(phonesOf(sam), [{ book: 0, phone: '+15557000002' }]);
  assert.deepEqual(phonesOf(samCopy.id), [{ book: ana, phone: '+15557000002' }]);

  const [dualA, dualB] = [contactOf(dualAna), contactOf(dualBen)];
  assert.deepEqual(
    [dualA.book, dualB.book, dualA.name, dualB.name],
    [ana, ben, 'Dual', 'Dual'],
    'two personal inboxes: a copy each',
  );
  assert.equal(
    sqlite.prepare('SELECT count(*) FROM contacts WHERE id = ?').pluck().get(dual),
    0,
    'nothing of it is left in the team book',
  );

  assert.deepEqual(
    contactOf(carlaTalk),
    { id: carla, book: 0, name: 'Carla', notes: 'notes on Carla', origin: support },
    'team only: unchanged',
  );
  assert.deepEqual(sqlite.prepare('SELECT book, hand_made AS handMade FROM contacts WHERE id = ?').get(willa), {
    book: 0,
    handMade: 1,
  });
  assert.deepEqual(
    favourites(),
    [
      { user: ana, contact: pia },
      { user: ana, contact: sam },
      { user: ana, contact: samCopy.id },
    ],
    'a personal contact is favoured by its owner only',
  );
  const next = run(`INSERT INTO contacts (name) VALUES ('next')`);
  assert.ok(next > Math.max(samCopy.id, dualA.id, dualB.id), 'new ids follow the copies');
  assert.deepEqual(sqlite.pragma('foreign_key_check'), []);
  sqlite.close();
});
