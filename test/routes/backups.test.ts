import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pruneBackups } from '../../src/backup/make.ts';
import { scheduleBackups } from '../../src/backup/schedule.ts';
import { buildUser } from '../factories.ts';
import { signedIn, testApp } from '../helper.ts';
import { HX } from './steps.ts';

test('an admin sees the backups and makes one now; others may not', async (t) => {
  const h = await testApp(t, { backup: { keep: 2 } });
  h.configStore.current.backup.dir = join(h.dir, 'backups');
  const admin = await buildUser(h, { role: 'admin' });
  const agent = await buildUser(h);
  const a = await signedIn(h.app, admin.email);

  const empty = await a.get('/admin/backups');
  assert.equal(empty.statusCode, 200);
  assert.match(empty.body, /No backup yet/);
  assert.match(empty.body, /every 24 h and keeps the newest 2/);

  const made = await a.post('/admin/backups', {}, HX);
  assert.equal(made.statusCode, 200);
  assert.match(made.body, /^<section id="admin-backups"/);
  assert.match(made.body, /role="status">Backed up to .*switchboard-\d{8}T\d{6}Z/);
  assert.equal(readdirSync(join(h.dir, 'backups')).length, 1);
  assert.equal(
    (await a.post('/admin/backups', {}, HX)).statusCode,
    200,
    'a second one in the same second gets its own folder',
  );
  assert.equal(readdirSync(join(h.dir, 'backups')).length, 2);

  const g = await signedIn(h.app, agent.email);
  assert.equal((await g.get('/admin/backups')).statusCode, 404);
  assert.equal((await g.post('/admin/backups', {})).statusCode, 404);
  assert.equal(readdirSync(join(h.dir, 'backups')).length, 2);
});

test('a backup that cannot be written is a 503 with the reason in place, and stays on the page until one succeeds', async (t) => {
  const h = await testApp(t);
  // A file where the folder should be: the same refusal as a full or read-only disk, also for root.
  const notAFolder = join(h.dir, 'not-a-folder');
  writeFileSync(notAFolder, '');
  h.configStore.current.backup.dir = join(notAFolder, 'backups');
  const a = await signedIn(h.app, (await buildUser(h, { role: 'admin' })).email);
  await a.get('/admin/backups');
  const failed = await a.post('/admin/backups', {}, HX);
  assert.equal(failed.statusCode, 503);
  assert.match(failed.body, /role="alert" class="error">The backup failed: ENOTDIR/);
  assert.match((await a.get('/admin/backups')).body, /The last backup failed at .*ENOTDIR/);
});

test('the server backs up when the newest backup is older than every_hours and keeps the newest `keep`', async (t) => {
  const h = await testApp(t);
  const dir = join(h.dir, 'scheduled');
  let now = Date.parse('2026-12-01T00:00:00Z');
  const recorded: unknown[] = [];
  const backups = scheduleBackups({
    sqlite: h.sqlite,
    mediaDir: join(h.dir, 'media'),
    settings: () => ({ dir, everyHours: 6, keep: 3 }),
    log: { info: () => {}, error: () => {} } as never,
    record: (by) => recorded.push(by),
    now: () => now,
  });
  t.after(() => backups.stop());
  assert.ok(await backups.runIfDue(), 'none yet: one is due at once');
  now += 5 * 3_600_000;
  assert.equal(await backups.runIfDue(), null, 'five hours later: not yet');
  for (let i = 0; i < 4; i++) {
    now += 6 * 3_600_000;
    assert.ok(await backups.runIfDue());
  }
  const kept = backups.state().backups.map((b) => b.createdAt);
  assert.deepEqual(kept, ['2026-12-02T05:00:00.000Z', '2026-12-01T23:00:00.000Z', '2026-12-01T17:00:00.000Z']);
  assert.deepEqual(recorded, Array(5).fill('server'), 'each scheduled backup is recorded as made by the server');

  // A half-written backup of a run that died goes after a day; a younger one may still be being written.
  mkdirSync(join(dir, 'switchboard-20261202T060000Z.partial'));
  pruneBackups(dir, 3);
  assert.ok(existsSync(join(dir, 'switchboard-20261202T060000Z.partial')));
  pruneBackups(dir, 3, Date.now() + 25 * 3_600_000);
  assert.ok(!existsSync(join(dir, 'switchboard-20261202T060000Z.partial')));
});
