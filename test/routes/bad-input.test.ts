import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildUser } from '../factories.ts';
import { signedIn, testApp } from '../helper.ts';

test('oversized and malformed bodies get 4xx, never 500', async (t) => {
  const h = await testApp(t, { server: { body_limit_kb: 16 } });
  const admin = await buildUser(h, { role: 'admin' });
  const client = await signedIn(h.app, admin.email);
  const headers = { cookie: client.cookieHeader, 'content-type': 'application/x-www-form-urlencoded' };
  const big = await h.app.inject({
    method: 'POST',
    url: '/admin/inboxes',
    headers,
    payload: `_csrf=${client.csrf}&name=${'x'.repeat(40_000)}`,
  });
  assert.equal(big.statusCode, 413);
  assert.match(big.body, /too large/);
  const json = await h.app.inject({
    method: 'POST',
    url: '/admin/inboxes',
    headers: { ...headers, 'content-type': 'application/json' },
    payload: '{"name":',
  });
  assert.ok(json.statusCode >= 400 && json.statusCode < 500, `json: ${json.statusCode}`);
  const weird = await h.app.inject({
    method: 'POST',
    url: '/admin/inboxes',
    headers: { ...headers, 'content-type': 'text/xml' },
    payload: '<x/>',
  });
  assert.equal(weird.statusCode, 415);
  const arrays = await client.post('/admin/inboxes', { name: ['a', 'b'] });
  assert.equal(arrays.statusCode, 400, 'a repeated field is not a name');
  assert.equal(h.sqlite.prepare('SELECT count(*) FROM inboxes').pluck().get(), 0);
  // Broken percent-encoding is decoded leniently (the raw text becomes the name), which is fine as long as it is no 500.
  const badEncoding = await h.app.inject({
    method: 'POST',
    url: '/admin/inboxes',
    headers,
    payload: `_csrf=${client.csrf}&name=%E0%A4%A`,
  });
  assert.ok(badEncoding.statusCode < 500, `bad percent-encoding: ${badEncoding.statusCode}`);
});

test('unknown pages are a readable 404', async (t) => {
  const h = await testApp(t);
  const res = await h.app.inject({
    method: 'GET',
    url: '/no/such/page',
    headers: { 'accept-language': 'de-DE,de;q=0.9' },
  });
  assert.equal(res.statusCode, 404);
  assert.match(res.body, /Diese Seite gibt es nicht/);
});

test('/healthz is 200 with the database and 503 without it', async (t) => {
  const h = await testApp(t);
  assert.equal((await h.app.inject('/healthz')).statusCode, 200);
  h.sqlite.close();
  assert.equal((await h.app.inject('/healthz')).statusCode, 503);
  const { openDatabase } = await import('../../src/db/open.ts');
  h.sqlite = openDatabase(h.dbFile);
});
