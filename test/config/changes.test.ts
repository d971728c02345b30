import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configChanges } from '../../src/config/changes.ts';
import { validateConfig } from '../../src/config/load.ts';

const config = (raw: Record<string, unknown>) => validateConfig(raw, 'test');

test('configChanges: keys read per request apply; keys taken at start keep their running values and are named', () => {
  const running = config({ server: { host: '127.0.0.1', port: 3000, body_limit_kb: 1024 }, backup: { keep: 7 } });
  const next = config({
    server: { host: '0.0.0.0', port: 3000, body_limit_kb: 2048, public_url: 'http://inbox.example.com' },
    backup: { keep: 3, dir: '/srv/backups' },
    sandbox: { enabled: true },
  });
  const changes = configChanges(running, next);
  assert.deepEqual(changes.applied, ['backup.dir', 'backup.keep', 'server.public_url']);
  assert.deepEqual(changes.restartNeeded, ['sandbox.enabled', 'server.body_limit_kb', 'server.host']);
  assert.equal(changes.effective.server.host, '127.0.0.1');
  assert.equal(changes.effective.server.body_limit_kb, 1024);
  assert.equal(changes.effective.sandbox.enabled, undefined);
  assert.equal(changes.effective.server.public_url, 'http://inbox.example.com');
  assert.equal(changes.effective.backup.keep, 3);
});

test('configChanges: public_url switching to https applies to links and cookies, and names HSTS for the restart', () => {
  const changes = configChanges(
    config({ server: { public_url: 'http://inbox.example.com' } }),
    config({ server: { public_url: 'https://inbox.example.com' } }),
  );
  assert.deepEqual(changes.applied, ['server.public_url']);
  assert.deepEqual(changes.restartNeeded, ['server.public_url (HSTS)']);
  assert.deepEqual(configChanges(config({}), config({})), { effective: config({}), applied: [], restartNeeded: [] });
});
