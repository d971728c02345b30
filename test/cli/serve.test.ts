import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../tmp.ts';
import { start } from './run.ts';

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

  writeFileSync(join(cwd, 'sb.toml'), '[server]\nport = "oops"\n');
  server.child.kill('SIGHUP');
  const failed = await server.waitFor((l) => l.msg === 'configuration reload failed; keeping the running configuration');
  assert.match(String(failed.err), /server\.port/);
  assert.equal((await fetch(`${base}/healthz`)).status, 200, 'still serving');
  writeFileSync(join(cwd, 'sb.toml'), '[server]\ndata_dir = "from-file"\n[auth]\nsession_idle_hours = 1\n');
  server.child.kill('SIGHUP');
  await server.waitFor((l) => l.msg === 'configuration reloaded');

  server.child.kill('SIGTERM');
  assert.equal(await server.exited, 0);
  assert.ok(server.lines.some((l) => l.msg === 'stopped cleanly'));
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
  const served = statuses.filter((s) => s.status === 'fulfilled').map((s) => (s as PromiseFulfilledResult<number>).value);
  // Requests already in flight finish with 200; one that arrives on a kept-alive connection after the stop began gets 503.
  assert.ok(served.every((s) => s === 200 || s === 503), `no request broke: ${JSON.stringify(served)}`);
  assert.equal(await server.exited, 0);
});
