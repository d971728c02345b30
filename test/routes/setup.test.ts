import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildApp } from '../../src/app.ts';
import { buildUser } from '../factories.ts';
import { Client, testApp } from '../helper.ts';

test('first run: the setup link creates the first admin once; without the token it is 404', async (t) => {
  const h = await testApp(t);
  const token = h.app.setup.token;
  assert.ok(token && token.length >= 32);
  const client = new Client(h.app);
  assert.equal((await client.get('/setup')).statusCode, 404);
  assert.equal((await client.get('/setup?token=wrong')).statusCode, 404);
  const page = await client.get(`/setup?token=${token}`);
  assert.equal(page.statusCode, 200);
  assert.equal(
    (
      await client.post('/setup', {
        token: 'wrong',
        name: 'Eve',
        email: 'eve@example.test',
        password: 'a long enough password',
      })
    ).statusCode,
    404,
  );
  const weak = await client.post('/setup', { token, name: 'Ada', email: 'ada@example.test', password: 'short' });
  assert.equal(weak.statusCode, 422);
  assert.match(weak.body, /at least 12/);
  assert.equal(h.app.setup.token, token, 'a refused form keeps the link valid');

  const done = await client.post('/setup', {
    token,
    name: 'Ada',
    email: 'ada@example.test',
    password: 'a long enough password',
  });
  assert.equal(done.statusCode, 303);
  assert.equal(done.headers.location, '/');
  const home = await client.get('/conversations');
  assert.equal(home.statusCode, 200, 'signed in right away');
  assert.match(home.body, /Ada/);
  assert.equal(h.sqlite.prepare(`SELECT role FROM users`).pluck().get(), 'admin');
  assert.equal((await new Client(h.app).get(`/setup?token=${token}`)).statusCode, 404, 'used up');
});

test('with users already there, no setup token exists', async (t) => {
  const h = await testApp(t);
  await buildUser(h, { role: 'admin' });
  const restarted = await buildApp({
    configStore: h.configStore,
    sqlite: h.sqlite,
    logger: false,
    mediaDir: h.app.media.dir,
  });
  t.after(() => restarted.close());
  assert.equal(restarted.setup.token, null);
});

test('setup refuses once a user exists, even one made from the command line while the link was open', async (t) => {
  const h = await testApp(t);
  const token = h.app.setup.token!;
  const client = new Client(h.app);
  await client.get(`/setup?token=${token}`);
  await buildUser(h);
  const res = await client.post('/setup', {
    token,
    name: 'Eve',
    email: 'eve@example.test',
    password: 'a long enough password',
  });
  assert.equal(res.statusCode, 404);
  assert.equal(h.sqlite.prepare(`SELECT count(*) FROM users WHERE role = 'admin'`).pluck().get(), 0);
});
