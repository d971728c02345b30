/** The device routes of Web Push, the service worker's script and the offline page. */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { validateConfig } from '../../src/config/load.ts';
import { MAX_DEVICES } from '../../src/domain/push/subscriptions.ts';
import { buildUser } from '../factories.ts';
import { Client, signedIn, testApp, type TestApp } from '../helper.ts';
import { browserKeys } from '../push-service.ts';
import { alertOf, HX } from './steps.ts';

const ENDPOINT = 'https://push.example.net/send/abc123';

async function world(t: TestContext, config: Record<string, unknown> = {}) {
  const h = await testApp(t, config);
  const ana = await buildUser(h, { name: 'Ana' });
  const ben = await buildUser(h, { name: 'Ben' });
  return { h, ana, ben, client: await signedIn(h.app, ana.email) };
}

const keys = browserKeys();
const device = (endpoint = ENDPOINT) => ({ endpoint, p256dh: keys.p256dh, auth: keys.authText });
const rows = (h: TestApp) =>
  h.sqlite.prepare('SELECT user_id AS userId, endpoint, label FROM push_subscriptions ORDER BY id').all() as {
    userId: number;
    endpoint: string;
    label: string;
  }[];

/** A form sent with DELETE, as the settings page's script sends it. */
async function remove(client: Client, endpoint: string, csrf = client.csrf) {
  return client.app.inject({
    method: 'DELETE',
    url: '/push/subscriptions',
    payload: new URLSearchParams({ endpoint }).toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: client.cookieHeader,
      'x-csrf-token': csrf,
      'hx-request': 'true',
    },
  });
}

test('a device subscribes and unsubscribes; each person keeps several', async (t) => {
  const { h, ana, ben, client } = await world(t);
  const res = await client.post('/push/subscriptions', device(), { headers: { 'user-agent': 'Firefox on Android' } });
  assert.equal(res.statusCode, 204);
  await client.post('/push/subscriptions', device('https://push.example.net/send/laptop'));
  assert.deepEqual(
    rows(h).map((r) => [r.userId, r.endpoint]),
    [
      [ana.id, ENDPOINT],
      [ana.id, 'https://push.example.net/send/laptop'],
    ],
  );
  assert.equal(rows(h)[0]!.label, 'Firefox on Android');
  assert.match((await client.get('/settings')).body, /2 devices of yours take notifications\./);

  // Someone else's endpoint is not theirs to remove.
  const bens = await signedIn(h.app, ben.email);
  assert.equal((await remove(bens, ENDPOINT)).statusCode, 204);
  assert.equal(rows(h).length, 2);

  assert.equal((await remove(client, ENDPOINT)).statusCode, 204);
  assert.deepEqual(
    rows(h).map((r) => r.endpoint),
    ['https://push.example.net/send/laptop'],
  );

  // The same browser, another person signed in: the subscription follows the person now using it.
  await bens.post('/push/subscriptions', device('https://push.example.net/send/laptop'));
  assert.deepEqual(
    rows(h).map((r) => r.userId),
    [ben.id],
  );
});

test('a device beyond the limit replaces the oldest', async (t) => {
  const { h, client } = await world(t);
  for (let i = 0; i <= MAX_DEVICES; i += 1)
    assert.equal((await client.post('/push/subscriptions', device(`${ENDPOINT}/${i}`))).statusCode, 204);
  const kept = rows(h).map((r) => r.endpoint);
  assert.equal(kept.length, MAX_DEVICES);
  assert.ok(!kept.includes(`${ENDPOINT}/0`), 'the oldest went');
  assert.ok(kept.includes(`${ENDPOINT}/${MAX_DEVICES}`), 'the newest stays');
});

test('subscribing needs the sign-in and the CSRF token', async (t) => {
  const { h, client } = await world(t);
  const res = await client.post('/push/subscriptions', device(), { csrf: false });
  assert.equal(res.statusCode, 403);
  assert.equal((await remove(client, ENDPOINT, 'wrong')).statusCode, 403);
  const stranger = new Client(h.app);
  await stranger.get('/login');
  const anonymous = await stranger.post('/push/subscriptions', device());
  assert.equal(anonymous.statusCode, 303);
  assert.equal(anonymous.headers.location, '/login');
  assert.equal(rows(h).length, 0);
});

test('a push address or key the server cannot use is refused in place, with a 422', async (t) => {
  const { h, client } = await world(t);
  const cases: [Record<string, string>, string][] = [
    [device('http://push.example.net/send/abc'), 'it must be https'],
    [device('javascript:alert(1)'), 'it must be https'],
    [device('https://user:secret@push.example.net/send'), 'it must be https'],
    [device(`https://push.example.net/${'a'.repeat(2100)}`), 'it must be https'],
    [device(''), 'it must be https'],
    [{ ...device(), p256dh: 'not-a-key' }, 'encryption key'],
    [{ ...device(), p256dh: keys.authText }, 'encryption key'],
    [{ ...device(), auth: keys.p256dh }, 'encryption key'],
    [{ ...device(), auth: '' }, 'encryption key'],
  ];
  for (const [form, message] of cases) {
    const res = await client.post('/push/subscriptions', form, HX);
    assert.equal(res.statusCode, 422, JSON.stringify(form).slice(0, 80));
    assert.ok(alertOf(res.body).includes(message), alertOf(res.body));
  }
  const repeated = await client.post('/push/subscriptions', { ...device(), endpoint: [ENDPOINT, ENDPOINT] }, HX);
  assert.equal(repeated.statusCode, 400);
  const german = await signedIn(h.app, (await buildUser(h, { name: 'Dora' })).email);
  await german.post('/settings', { name: 'Dora', locale: 'de' });
  const refused = await german.post('/push/subscriptions', device('http://push.example.net/x'), HX);
  assert.match(alertOf(refused.body), /Push-Adresse/);
  assert.equal(rows(h).length, 0);
});

test('the settings page offers this device, with the kept public key', async (t) => {
  const { h, client } = await world(t);
  const page = await client.get('/settings');
  assert.match(page.body, /<h3>Notifications on this device<\/h3>/);
  assert.match(page.body, /<button type="button" data-device-on hidden>Turn on for this device<\/button>/);
  const key = /data-push-device data-key="([\w-]+)"/.exec(page.body)?.[1];
  assert.equal(key?.length, 87);
  assert.equal(key, h.sqlite.prepare('SELECT public_key FROM push_keys').pluck().get(), 'kept, not made per page');
  assert.equal(/data-key="([\w-]+)"/.exec((await client.get('/settings')).body)?.[1], key);
});

test('a key pair from the config is used instead of a kept one', async (t) => {
  const given = browserKeys().ecdh;
  process.env.TEST_VAPID_PRIVATE = given.getPrivateKey('base64url');
  t.after(() => delete process.env.TEST_VAPID_PRIVATE);
  const publicKey = given.getPublicKey('base64url', 'uncompressed');
  const { h, client } = await world(t, { push: { public_key: publicKey, private_key_env: 'TEST_VAPID_PRIVATE' } });
  assert.match((await client.get('/settings')).body, new RegExp(`data-key="${publicKey}"`));
  assert.equal(h.sqlite.prepare('SELECT count(*) FROM push_keys').pluck().get(), 0);
});

test('[push] in the config: both keys or neither; a mailto: or https: subject', () => {
  const problem = (push: Record<string, unknown>) => {
    try {
      validateConfig({ push }, 'test');
      return 'ok';
    } catch (err) {
      return (err as Error).message;
    }
  };
  assert.match(problem({ public_key: 'B'.repeat(87) }), /set both public_key and private_key_env, or neither/);
  assert.match(problem({ public_key: 'short', private_key_env: 'X' }), /uncompressed P-256 public key/);
  assert.match(problem({ subject: 'http://example.com' }), /mailto: address or an https:\/\/ URL/);
  assert.equal(problem({ subject: 'mailto:it@example.com' }), 'ok');
  assert.equal(problem({ subject: 'https://example.com/contact' }), 'ok');
});

test('the service worker is served from the root, never stale, with the shell it caches', async (t) => {
  const { h } = await world(t);
  const res = await h.app.inject({ url: '/sw.js' });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'text/javascript; charset=utf-8');
  assert.equal(res.headers['cache-control'], 'no-cache');
  assert.match(res.body, /^\/\/ @ts-check$/m, 'type-checked (tsc -p static/worker)');
  const shell = JSON.parse(/^self\.SHELL = (.*);$/m.exec(res.body)![1]!) as { version: string; files: string[] };
  assert.match(shell.version, /^[\w-]{16}$/);
  for (const file of [
    '/static/app.css',
    '/static/app.js',
    '/static/icons/sprite.svg',
    '/static/vendor/htmx.min.js',
    '/offline',
  ])
    assert.ok(shell.files.includes(file), file);
  assert.ok(!shell.files.some((f) => f.includes('tsconfig') || f.includes('worker')), 'only what pages load');
  for (const file of shell.files) assert.equal((await h.app.inject({ url: file })).statusCode, 200, file);
});

test('the offline page needs no sign-in and speaks the browser’s language', async (t) => {
  const { h } = await world(t);
  const en = await h.app.inject({ url: '/offline' });
  assert.equal(en.statusCode, 200);
  assert.match(en.body, /<h1>No connection<\/h1>/);
  const de = await h.app.inject({ url: '/offline', headers: { 'accept-language': 'de-DE,de;q=0.9' } });
  assert.match(de.body, /<h1>Keine Verbindung<\/h1>/);
});
