import assert from 'node:assert/strict';
import { test } from 'node:test';
import { revokeApiToken, listApiTokens } from '../../../src/domain/api-tokens/tokens.ts';
import { setActive } from '../../../src/domain/users/service.ts';
import { buildInbox, buildToken, buildUser, SETUP } from '../../factories.ts';
import { signedIn, testApp } from '../../helper.ts';
import type { Problem } from '../../../src/routes/api/v1/problem.ts';
import { api } from './client.ts';

const PROBLEM = 'application/problem+json; charset=utf-8';
type Page = { data: { id: number }[]; next: string | null };

test('a token acts as its user; none, a malformed, an unknown or a revoked one is a 401 problem', async (t) => {
  const w = await testApp(t);
  const user = await buildUser(w, { role: 'manager' });
  const token = buildToken(w, { user, scopes: ['conversations:read'] });

  const me = await api(w.app, token, 'GET', '/api/v1/me');
  assert.equal(me.statusCode, 200);
  assert.deepEqual(me.json(), {
    id: user.id,
    name: user.name,
    email: user.email,
    role: 'manager',
    scopes: ['conversations:read'],
  });

  for (const bad of [null, 'nonsense', token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'), `Basic ${token}`]) {
    const res = await api(w.app, null, 'GET', '/api/v1/me', undefined, bad ? { authorization: `Bearer ${bad}` } : {});
    assert.equal(res.statusCode, 401, String(bad));
    assert.equal(res.headers['content-type'], PROBLEM);
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="switchboard"');
    assert.equal(res.json<Problem>().type, 'https://switchboard.dev/problems/unauthorized');
  }

  const [info] = listApiTokens(w.app.domain, null, user.id);
  revokeApiToken(w.app.domain, user.actor, info!.id);
  assert.equal((await api(w.app, token, 'GET', '/api/v1/me')).statusCode, 401);
});

test('the token is shown once and kept only as a hash; a deactivated user’s tokens stop working', async (t) => {
  const w = await testApp(t);
  const user = await buildUser(w);
  const token = buildToken(w, { user });
  assert.match(token, /^sb_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
  const stored = JSON.stringify(w.sqlite.prepare('SELECT * FROM api_tokens').all());
  assert.ok(!stored.includes(token.split('_').slice(2).join('_')), 'the secret is not stored');
  assert.ok(stored.includes(token.split('_')[1]!), 'the prefix is');
  assert.equal((await api(w.app, token, 'GET', '/api/v1/me')).statusCode, 200);
  setActive(w.app.domain, SETUP, user.id, false);
  assert.equal((await api(w.app, token, 'GET', '/api/v1/me')).statusCode, 401);
});

test('the session cookie never authenticates the API', async (t) => {
  const w = await testApp(t);
  const user = await buildUser(w);
  const browser = await signedIn(w.app, user.email);
  const res = await browser.get('/api/v1/me');
  assert.equal(res.statusCode, 401);
  assert.equal(res.headers['content-type'], PROBLEM);
});

test('a route needs its scope: 403 insufficient-scope without it', async (t) => {
  const w = await testApp(t);
  const user = await buildUser(w);
  const res = await api(w.app, buildToken(w, { user, scopes: ['contacts:read'] }), 'GET', '/api/v1/inboxes');
  assert.equal(res.statusCode, 403);
  assert.equal(res.json<Problem>().type, 'https://switchboard.dev/problems/insufficient-scope');
});

test('lists page with limit and an opaque cursor; a limit beyond 1–100 or a foreign cursor is a 422', async (t) => {
  const w = await testApp(t);
  const user = await buildUser(w);
  const token = buildToken(w, { user });
  const mine = [1, 2, 3].map(() => buildInbox(w, { members: [user] }).id);
  buildInbox(w); // not theirs

  const first = (await api(w.app, token, 'GET', '/api/v1/inboxes?limit=2')).json<Page>();
  assert.deepEqual(
    first.data.map((i) => i.id),
    mine.slice(0, 2),
  );
  // An inbox made between two pages is found on a later one; none is skipped or repeated.
  const later = buildInbox(w, { members: [user] }).id;
  const ids = first.data.map((i) => i.id);
  for (let cursor = first.next; cursor;) {
    const page = (await api(w.app, token, 'GET', `/api/v1/inboxes?limit=2&cursor=${cursor}`)).json<Page>();
    ids.push(...page.data.map((i) => i.id));
    cursor = page.next;
  }
  assert.deepEqual(ids, [...mine, later]);

  for (const limit of ['0', '101', 'x']) {
    const res = await api(w.app, token, 'GET', `/api/v1/inboxes?limit=${limit}`);
    assert.equal(res.statusCode, 422, limit);
    assert.equal(res.headers['content-type'], PROBLEM);
    assert.equal(res.json<Problem>().errors?.[0]?.field, 'limit');
  }
  const bad = await api(w.app, token, 'GET', '/api/v1/inboxes?cursor=bm9wZQ');
  assert.equal(bad.statusCode, 422);
  assert.deepEqual(
    bad.json<Problem>().errors?.map((e) => e.field),
    ['cursor'],
  );
});

test('the OpenAPI document is public and lists only API routes', async (t) => {
  const w = await testApp(t);
  const res = await w.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
  assert.equal(res.statusCode, 200);
  const doc = res.json<{ paths: Record<string, unknown> }>();
  assert.ok(doc.paths['/api/v1/me']);
  assert.ok(doc.paths['/api/v1/inboxes']);
  assert.ok(Object.keys(doc.paths).every((p) => p.startsWith('/api/v1/')));
});

test('an unknown API path is a problem, not the HTML page', async (t) => {
  const w = await testApp(t);
  const user = await buildUser(w);
  const res = await api(w.app, buildToken(w, { user }), 'GET', '/api/v1/nothing-here');
  assert.equal(res.statusCode, 404);
  assert.equal(res.headers['content-type'], PROBLEM);
});

test('the rate limit is per token: 429 with Retry-After for one, while another goes on', async (t) => {
  const w = await testApp(t, { api: { requests_per_minute: 3 } });
  const user = await buildUser(w);
  const busy = buildToken(w, { user });
  const calm = buildToken(w, { user });
  for (let i = 0; i < 3; i++) assert.equal((await api(w.app, busy, 'GET', '/api/v1/me')).statusCode, 200);
  const limited = await api(w.app, busy, 'GET', '/api/v1/me');
  assert.equal(limited.statusCode, 429);
  assert.equal(limited.headers['content-type'], PROBLEM);
  assert.equal(limited.json<Problem>().type, 'https://switchboard.dev/problems/rate-limited');
  assert.ok(Number(limited.headers['retry-after']) > 0, 'Retry-After in seconds');
  assert.equal((await api(w.app, calm, 'GET', '/api/v1/me')).statusCode, 200);
});

test('a token never signs in to the pages; a body that is not JSON is a problem, not the HTML error page', async (t) => {
  const w = await testApp(t);
  const user = await buildUser(w);
  const token = buildToken(w, { user });
  const page = await w.app.inject({ method: 'GET', url: '/settings', headers: { authorization: `Bearer ${token}` } });
  assert.equal(page.statusCode, 303);
  assert.match(page.headers.location as string, /^\/login/);

  const broken = await w.app.inject({
    method: 'POST',
    url: '/api/v1/contacts',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    payload: '{"name": ',
  });
  assert.equal(broken.statusCode, 400);
  assert.equal(broken.headers['content-type'], PROBLEM);
  assert.equal(broken.json<Problem>().type, 'https://switchboard.dev/problems/bad-request');
});

test('a compressed body is refused as a problem (415) before it is read', async (t) => {
  const w = await testApp(t);
  const user = await buildUser(w);
  const res = await api(
    w.app,
    buildToken(w, { user }),
    'POST',
    '/api/v1/contacts',
    { name: 'Dana' },
    {
      'content-encoding': 'gzip',
    },
  );
  assert.equal(res.statusCode, 415);
  assert.equal(res.headers['content-type'], PROBLEM);
});
