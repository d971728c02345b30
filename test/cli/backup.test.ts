import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawn } from 'node:child_process';
import type Database from 'better-sqlite3';
import { openAndMigrate } from '../../src/cli/database.ts';
import { createDb } from '../../src/db/client.ts';
import { openDatabase, openReadOnly } from '../../src/db/open.ts';
import { createEventBus } from '../../src/domain/events.ts';
import { acceptInbound } from '../../src/domain/media/attachments.ts';
import { createMediaStore } from '../../src/domain/media/store.ts';
import { receiveMessage } from '../../src/domain/messaging/inbound.ts';
import { defaultKeywordTexts } from '../../src/domain/messaging/texts.ts';
import { syncNumbers } from '../../src/domain/numbers/sync.ts';
import { createLogger } from '../../src/log.ts';
import { jpeg } from '../fixtures/media.ts';
import { tempDir } from '../tmp.ts';
import { CLI, run, start } from './run.ts';

const TABLES = ['messages', 'conversations', 'contacts', 'attachments', 'conversation_events'];
const counts = (db: Database.Database) =>
  Object.fromEntries(TABLES.map((t) => [t, db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number]));

test('a backup taken while 1 000 texts with pictures are written restores into a whole, consistent data folder', async (t) => {
  const cwd = tempDir();
  const data = join(cwd, 'data');
  const sqlite = await openAndMigrate(join(data, 'switchboard.db'), await createLogger('silent'));
  t.after(() => sqlite.close());
  // The writer is another connection in another process than the backup, as with a server running.
  const ctx = { db: createDb(sqlite), events: createEventBus(() => {}), now: Date.now };
  const store = createMediaStore(join(data, 'media'));
  syncNumbers(ctx, [
    { e164: '+15551230000', smpp: 'sandbox', inbox: 'Support', registration: 'registered', throughput: 0 },
  ]);
  let written = 0;
  const write = () => {
    const files =
      written % 10 === 0
        ? acceptInbound(store, [{ filename: `p${written}.jpg`, data: jpeg(64, 48, 600, written) }]).kept
        : [];
    const from = `+1555700${String(written % 1000).padStart(4, '0')}`;
    const result = receiveMessage(
      ctx,
      { from, to: '+15551230000', text: `text ${written}` },
      () => defaultKeywordTexts,
      files.length ? { store, files } : undefined,
    );
    assert.ok(result.stored);
    written += 1;
  };
  while (written < 100) write();

  const backup = spawn(process.execPath, [...CLI, 'backup', '--data', data, '--to', join(cwd, 'backups')], {
    cwd,
    stdio: 'pipe',
  });
  let out = '';
  backup.stdout.on('data', (d) => (out += d));
  backup.stderr.on('data', (d) => (out += d));
  const done = new Promise<number | null>((resolve) => backup.on('close', resolve));
  let finished = false;
  void done.then(() => (finished = true));
  while (written < 1_000 || !finished) {
    if (written < 5_000) write();
    await new Promise((r) => setTimeout(r, written % 5 === 0 ? 1 : 0));
  }
  assert.equal(await done, 0, out);
  const [folder] = readdirSync(join(cwd, 'backups'));
  assert.match(folder!, /^switchboard-\d{8}T\d{6}Z$/);
  const from = join(cwd, 'backups', folder!);
  assert.match(out, new RegExp(`${from}: database \\d+ bytes, \\d+ media files`));

  const copy = openReadOnly(join(from, 'switchboard.db'));
  const copied = counts(copy);
  copy.close();
  assert.ok(
    copied.messages! >= 100 && copied.messages! <= written,
    `${copied.messages} of ${written} texts in the backup`,
  );

  const refused = await run(['restore', from, '--data', data], { cwd });
  assert.equal(refused.code, 1, 'a data folder with a database is not overwritten');
  assert.match(refused.stderr, /switchboard\.db exists: restore fills an empty data folder only/);

  const restoredDir = join(cwd, 'restored');
  const restored = await run(['restore', from, '--data', restoredDir], { cwd });
  assert.equal(restored.code, 0, restored.stderr);
  const db = openDatabase(join(restoredDir, 'switchboard.db'));
  try {
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    assert.deepEqual(db.pragma('foreign_key_check'), []);
    assert.deepEqual(counts(db), copied, 'the restored database is the backup');
    const files = db.prepare('SELECT DISTINCT sha256 FROM attachments').pluck().all() as string[];
    assert.ok(files.length >= 10, `${files.length} pictures`);
    for (const sha of files) {
      const bytes = readFileSync(join(restoredDir, 'media', sha.slice(0, 2), sha));
      assert.equal(
        createHash('sha256').update(bytes).digest('hex'),
        sha,
        'every picture a restored message shows is there, whole',
      );
    }
  } finally {
    db.close();
  }

  const server = start(['--data', restoredDir], { cwd });
  t.after(() => server.child.kill('SIGTERM'));
  const listening = await server.waitFor((l) => l.msg === 'Switchboard is listening');
  assert.equal((await fetch(`${String(listening.url)}/healthz`)).status, 200, 'a server starts on the restored folder');
});

test('restore refuses what is not a backup; backup refuses a data folder without a database', async () => {
  const cwd = tempDir();
  mkdirSync(join(cwd, 'junk'));
  writeFileSync(join(cwd, 'junk', 'switchboard.db'), 'not a database');
  const notBackup = await run(['restore', join(cwd, 'junk'), '--data', join(cwd, 'data')], { cwd });
  assert.equal(notBackup.code, 1);
  assert.match(notBackup.stderr, /is not a finished Switchboard backup/);
  assert.ok(!existsSync(join(cwd, 'data', 'switchboard.db')));

  const nothing = await run(['backup', '--data', join(cwd, 'empty')], { cwd });
  assert.equal(nothing.code, 1);
  assert.match(nothing.stderr, /no database at .*switchboard\.db: nothing to back up/);
  const usage = await run(['restore'], { cwd });
  assert.equal(usage.code, 2);
});

test('restore refuses a backup whose search index is out of step with its rows', async () => {
  const cwd = tempDir();
  const data = join(cwd, 'data');
  const sqlite = await openAndMigrate(join(data, 'switchboard.db'), await createLogger('silent'));
  // An index entry for a text that is not there: what a write around the triggers would leave.
  sqlite.exec(`INSERT INTO search_messages (rowid, body) VALUES (999, 'ghost')`);
  sqlite.close();
  const made = await run(['backup', '--data', data, '--to', join(cwd, 'backups')], { cwd });
  assert.equal(made.code, 0, made.stderr);
  const [from] = readdirSync(join(cwd, 'backups'));
  const restored = await run(['restore', join(cwd, 'backups', from!), '--data', join(cwd, 'restored')], { cwd });
  assert.equal(restored.code, 1);
  assert.match(restored.stderr, /has a search index out of step with its rows \(search_messages:/);
  assert.deepEqual(readdirSync(join(cwd, 'restored')), [], 'nothing is left behind');
});
