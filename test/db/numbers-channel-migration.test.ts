import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadMigrations, migrate } from '../../src/db/migrate.ts';
import { openDatabase } from '../../src/db/open.ts';
import { migrationsDir } from '../../src/paths.ts';
import { tempDir } from '../tmp.ts';

test('numbers.connection becomes numbers.channel with its values kept, and every number so far is an SMS one', async () => {
  const file = join(tempDir('switchboard-migrate-'), 'switchboard.db');
  const sqlite = openDatabase(file);
  const migrations = loadMigrations(migrationsDir);
  const split = migrations.findIndex((m) => m.tag.endsWith('_numbers_channel'));
  assert.ok(split > 0);
  await migrate(sqlite, file, migrations.slice(0, split));
  const inbox = sqlite.prepare(`INSERT INTO inboxes (name) VALUES ('Support')`).run().lastInsertRowid;
  sqlite
    .prepare(`INSERT INTO numbers (e164, inbox_id, connection, registration) VALUES (?, ?, 'carrier-a', 'registered')`)
    .run('+15550000001', inbox);
  await migrate(sqlite, file, migrations);
  assert.deepEqual(sqlite.prepare('SELECT e164, channel, kind FROM numbers').all(), [
    { e164: '+15550000001', channel: 'carrier-a', kind: 'sms' },
  ]);
  sqlite.close();
});
