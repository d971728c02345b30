import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { createSimulator } from '../../src/channels/smpp/simulator.ts';
import { writeCarrierConfig } from '../carrier-config.ts';
import { tempDir } from '../tmp.ts';
import { run, start } from './run.ts';

const tmp = () => tempDir('switchboard-serve-');
const isListening = (l: Record<string, unknown>) => l.msg === 'Switchboard is listening';

test('serve: data dir from --data over SWITCHBOARD_DATA over the file; setup link; health; SIGHUP; SIGTERM', async (t) => {
  const cwd = tmp();
  writeFileSync(join(cwd, 'sb.toml'), '[server]\ndata_dir = "from-file"\n[log]\nlevel = "info"\n');
  const server = start(['--config', 'sb.toml', '--data', 'from-flag'], { cwd, env: { SWITCHBOARD_DATA: 'from-env' } });
  t.after(() => server.child.kill('SIGKILL'));
  const listening = await server.waitFor(isListening);
  assert.equal(listening.database, join(cwd, 'from-flag', 'switchboard.db'));
  assert.ok(existsSync(join(cwd, 'from-flag', 'switchboard.db')));
  assert.equal(existsSync(join(cwd, 'from-env')), false);
  const base = String(listening.url);

  const setup = await server.waitFor((l) => typeof l.msg === 'string' && l.msg.includes('/setup?token='));
  const link = /(http:\/\/\S+\/setup\?token=\S+)/.exec(String(setup.msg))![1]!;
  assert.equal((await fetch(link)).status, 200, 'the logged link opens the setup page');
  assert.equal((await fetch(`${base}/setup`)).status, 404);
  const health = await fetch(`${base}/healthz`);
  assert.equal(health.status, 200);

  const pidFile = join(cwd, 'from-flag', 'switchboard.pid');
  assert.equal(readFileSync(pidFile, 'utf8').trim(), String(server.child.pid), 'the pid file names the server');

  writeFileSync(join(cwd, 'sb.toml'), '[server]\nport = "oops"\n');
  server.child.kill('SIGHUP');
  const failed = await server.waitFor((l) =>
    String(l.msg).startsWith('configuration reload failed; keeping the running configuration'),
  );
  assert.match(String(failed.msg), /server\.port/);
  assert.equal((await fetch(`${base}/healthz`)).status, 200, 'still serving');
  const refused = await run(['reload', '--config', 'sb.toml', '--data', 'from-flag'], { cwd });
  assert.equal(refused.code, 1, 'reload checks the file before it signals');
  assert.match(refused.stderr, /server\.port/);

  writeFileSync(
    join(cwd, 'sb.toml'),
    '[server]\ndata_dir = "from-file"\nport = 4321\n[auth]\nsession_idle_hours = 1\n[log]\nlevel = "debug"\n',
  );
  const reloaded = await run(['reload', '--config', 'sb.toml', '--data', 'from-flag'], { cwd });
  assert.equal(reloaded.code, 0, reloaded.stderr);
  assert.equal(
    reloaded.stdout,
    `sent SIGHUP to the server (pid ${server.child.pid})\nconfiguration reloaded; connections added: none; rebound: none; removed: none; numbers: +0 −0; settings: auth.session_idle_hours, log.level; restart needed for server.port\n`,
  );
  await server.waitFor((l) => String(l.msg).startsWith('configuration reloaded; connections added: none'));

  server.child.kill('SIGTERM');
  assert.equal(await server.exited, 0);
  assert.ok(server.lines.some((l) => l.msg === 'stopped cleanly'));
  assert.equal(existsSync(pidFile), false, 'the pid file is removed at stop');
  const none = await run(['reload', '--data', 'from-flag'], { cwd });
  assert.equal(none.code, 1);
  assert.match(none.stderr, /no server is running on .*from-flag: there is no .*switchboard\.pid/);
});

test('reload: a pid file left by a crash is named as stale, and no signal is sent', async () => {
  const cwd = tmp();
  const gone = spawnSync(process.execPath, ['-e', '']).pid;
  mkdirSync(join(cwd, 'data'));
  writeFileSync(join(cwd, 'data', 'switchboard.pid'), `${gone}\n`);
  const stale = await run(['reload', '--data', 'data'], { cwd });
  assert.equal(stale.code, 1);
  assert.match(stale.stderr, new RegExp(`switchboard\\.pid names process ${gone}, which is gone`));
});

test('serve: SWITCHBOARD_DATA when no flag; a request in flight finishes during shutdown', async (t) => {
  const cwd = tmp();
  const server = start([], { cwd, env: { SWITCHBOARD_DATA: 'from-env' } });
  t.after(() => server.child.kill('SIGKILL'));
  const listening = await server.waitFor(isListening);
  assert.equal(listening.database, join(cwd, 'from-env', 'switchboard.db'));
  const base = String(listening.url);
  const pages = Array.from({ length: 20 }, () => fetch(`${base}/login`).then((r) => r.status));
  server.child.kill('SIGINT');
  const statuses = await Promise.allSettled(pages);
  const served = statuses.filter((s) => s.status === 'fulfilled').map((s) => s.value);
  // Requests already in flight finish with 200; one that arrives on a kept-alive connection after the stop began gets 503.
  assert.ok(
    served.every((s) => s === 200 || s === 503),
    `no request broke: ${JSON.stringify(served)}`,
  );
  assert.equal(await server.exited, 0);
});

test('SIGHUP: a [[number]] added to the file takes texts into its new inbox, over the running connection, without a restart', async (t) => {
  const cwd = tmp();
  const smsc = createSimulator({ systemId: 'bench', password: 'bench', receipts: 'none' });
  await smsc.start();
  t.after(() => smsc.stop());
  const binds: number[] = [];
  smsc.on('bind', (b) => binds.push(b.status));
  const file = writeCarrierConfig(cwd, { port: smsc.port, number: '+15551230000' });
  const server = start(['--config', file], { cwd });
  t.after(() => server.child.kill('SIGKILL'));
  await server.waitFor((l) => l.msg === 'SMPP connection carrier bound');

  writeFileSync(
    file,
    `${readFileSync(file, 'utf8')}[[number]]\ne164 = "+15551230001"\nsmpp = "carrier"\ninbox = "Sales"\nregistration = "not-required"\n`,
  );
  server.child.kill('SIGHUP');
  const reloaded = await server.waitFor((l) => String(l.msg).startsWith('configuration reloaded'));
  assert.equal(
    reloaded.msg,
    'configuration reloaded; connections added: none; rebound: none; removed: none; numbers: +1 −0',
  );
  assert.equal(
    await smsc.sendMo({
      from: '15557654321',
      to: '15551230001',
      shortMessage: Buffer.from('New number?'),
      dataCoding: 0,
    }),
    0,
  );

  const db = new Database(join(cwd, 'data', 'switchboard.db'), { readonly: true });
  t.after(() => db.close());
  const inbox = db
    .prepare(
      `SELECT i.name FROM messages m JOIN conversations c ON c.id = m.conversation_id JOIN inboxes i ON i.id = c.inbox_id WHERE m.body = 'New number?'`,
    )
    .pluck()
    .get();
  assert.equal(inbox, 'Sales');
  assert.deepEqual(binds, [0], 'the connection was not bound again');
});
