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
  assert.deepEqual(first.applied, migrations.map((m) => m.tag));
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
  const next: Migration = { tag: '9999_test', folderMillis: Date.now() + 1000, hash: 'x', sql: ['CREATE TABLE extra (id INTEGER PRIMARY KEY)'] };
  const result = await migrate(sqlite, file, [...migrations, next]);
  assert.deepEqual(result.applied, ['9999_test']);
  assert.ok(result.backup && existsSync(result.backup), 'backup file written');
  assert.ok(readdirSync(dir).some((f) => f.includes('before-9999_test')));
  const copy = openDatabase(result.backup!);
  assert.equal(copy.prepare('SELECT name FROM inboxes').pluck().get(), 'Support', 'the backup holds the data');
  assert.equal(copy.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'extra'`).get(), undefined, 'the backup is from before');
  copy.close();
  sqlite.close();
});

test('a failing migration changes nothing', async () => {
  const { sqlite, file } = fresh();
  const migrations = loadMigrations(migrationsDir);
  await migrate(sqlite, file, migrations);
  const bad: Migration = { tag: '9999_bad', folderMillis: Date.now() + 1000, hash: 'y', sql: ['CREATE TABLE half (id INTEGER)', 'THIS IS NOT SQL'] };
  await assert.rejects(migrate(sqlite, file, [...migrations, bad]));
  assert.equal(sqlite.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'half'`).get(), undefined);
  assert.equal(sqlite.prepare('SELECT count(*) FROM __drizzle_migrations').pluck().get(), migrations.length);
  sqlite.close();
});

test('refuses a database migrated by newer code', async () => {
  const { sqlite, file } = fresh();
  const migrations = loadMigrations(migrationsDir);
  const future: Migration = { tag: '9999_future', folderMillis: Date.now() + 1000, hash: 'z', sql: ['CREATE TABLE future (id INTEGER)'] };
  await migrate(sqlite, file, [...migrations, future]);
  await assert.rejects(migrate(sqlite, file, migrations), DatabaseNewerError);
  sqlite.close();
});
