import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadMigrations, migrate } from '../../src/db/migrate.ts';
import { openDatabase } from '../../src/db/open.ts';
import { createWriteHealth } from '../../src/db/write-health.ts';
import { migrationsDir } from '../../src/paths.ts';
import { tempDir } from '../tmp.ts';

test('the write probe never touches a transaction already open on the connection', async () => {
  const dir = tempDir();
  const file = join(dir, 'switchboard.db');
  const sqlite = openDatabase(file);
  await migrate(sqlite, file, loadMigrations(migrationsDir));
  const health = createWriteHealth(sqlite, dir);
  sqlite.transaction(() => {
    sqlite.prepare(`INSERT INTO inboxes (name) VALUES ('Kept')`).run();
    assert.equal(health.trouble(), null, 'no trouble reported for a busy connection');
    assert.ok(sqlite.inTransaction, "the caller's transaction is still open");
  })();
  assert.equal(
    sqlite.prepare(`SELECT count(*) FROM inboxes WHERE name = 'Kept'`).pluck().get(),
    1,
    'and its write committed',
  );
  assert.equal(health.trouble(), null);
  sqlite.close();
});
