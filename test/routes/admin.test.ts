import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listInboxesFor } from '../../src/domain/inboxes/service.ts';
import { findUserById } from '../../src/domain/users/service.ts';
import { buildInbox, buildUser } from '../factories.ts';
import { signedIn, testApp } from '../helper.ts';
import { HX } from './steps.ts';

test('an admin adds a user; bad input is shown in place as 4xx and stores nothing', async (t) => {
  const h = await testApp(t);
  const admin = await buildUser(h, { role: 'admin' });
  const client = await signedIn(h.app, admin.email);
  await client.get('/admin/users');

  const ok = await client.post(
    '/admin/users',
    { name: 'Ana', email: 'Ana@Example.test', role: 'agent', password: 'a long enough password' },
    HX,
  );
  assert.equal(ok.statusCode, 200);
  assert.match(ok.body, /^<section id="admin-users"/, 'htmx gets the fragment, not the page');
  assert.match(ok.body, /Ana was added/);
  assert.match(ok.body, /ana@example\.test/);

  const cases: [Record<string, string>, number, RegExp][] = [
    [{ name: 'Bo', email: 'not-an-email', role: 'agent', password: 'a long enough password' }, 422, /valid email/],
    [
      { name: 'Bo', email: 'ana@example.test', role: 'agent', password: 'a long enough password' },
      409,
      /already uses this email/,
    ],
    [
      { name: 'Bo', email: 'bo@example.test', role: 'root', password: 'a long enough password' },
      422,
      /admin, manager or agent/,
    ],
    [{ name: 'Bo', email: 'bo@example.test', role: 'agent', password: 'short' }, 422, /at least 12/],
    [
      { name: '', email: 'bo@example.test', role: 'agent', password: 'a long enough password' },
      422,
      /name of 1 to 100/,
    ],
  ];
  for (const [form, status, message] of cases) {
    const res = await client.post('/admin/users', form, HX);
    assert.equal(res.statusCode, status, JSON.stringify(form));
    assert.match(res.body, message);
    assert.match(res.body, /<form/, 'the form comes back to be fixed');
  }
  const count = h.sqlite.prepare('SELECT count(*) FROM users').pluck().get();
  assert.equal(count, 2);
});

test('names that look like HTML or SQL are stored as typed and shown escaped', async (t) => {
  const h = await testApp(t);
  const admin = await buildUser(h, { role: 'admin' });
  const client = await signedIn(h.app, admin.email);
  await client.get('/admin/users');
  const name = `<script>alert(1)</script> O'Brien"; DROP TABLE users;--`;
  await client.post('/admin/users', {
    name,
    email: 'x@example.test',
    role: 'agent',
    password: 'a long enough password',
  });
  const stored = h.sqlite.prepare(`SELECT name FROM users WHERE email = 'x@example.test'`).pluck().get();
  assert.equal(stored, name);
  const page = await client.get('/admin/users');
  assert.ok(!page.body.includes('<script>alert(1)</script>'));
  assert.match(page.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt; O&#39;Brien&quot;; DROP TABLE users;--/);
  const inbox = await client.post('/admin/inboxes', { name: '<img src=x onerror=alert(1)>' });
  assert.equal(inbox.statusCode, 200);
  assert.ok(!(await client.get('/conversations')).body.includes('<img src=x'));
});

test('role changes and deactivation keep at least one active admin', async (t) => {
  const h = await testApp(t);
  const admin = await buildUser(h, { role: 'admin' });
  const agent = await buildUser(h);
  const client = await signedIn(h.app, admin.email);
  await client.get('/admin/users');
  assert.equal((await client.post(`/admin/users/${agent.id}/role`, { role: 'manager' })).statusCode, 200);
  assert.equal(findUserById(h.app.domain, agent.id)?.role, 'manager');
  const demote = await client.post(`/admin/users/${admin.id}/role`, { role: 'agent' });
  assert.equal(demote.statusCode, 422);
  assert.match(demote.body, /at least one active admin/);
  const self = await client.post(`/admin/users/${admin.id}/active`, { active: 'false' });
  assert.equal(self.statusCode, 422);
  assert.equal(findUserById(h.app.domain, admin.id)?.role, 'admin');
  assert.equal((await client.post('/admin/users/999999/role', { role: 'agent' })).statusCode, 404);
  assert.equal((await client.post('/admin/users/abc/role', { role: 'agent' })).statusCode, 404);
});

test('admins create, rename and staff inboxes from the admin pages', async (t) => {
  const h = await testApp(t);
  const admin = await buildUser(h, { role: 'admin' });
  const agent = await buildUser(h, { name: 'Ana' });
  const client = await signedIn(h.app, admin.email);
  await client.get('/admin/inboxes');
  assert.match((await client.post('/admin/inboxes', { name: 'Support' })).body, /Inbox Support was created/);
  const dup = await client.post('/admin/inboxes', { name: 'support' });
  assert.equal(dup.statusCode, 409);
  const [inbox] = listInboxesFor(h.app.domain, admin.actor);
  assert.ok(inbox);
  assert.match((await client.post(`/admin/inboxes/${inbox.id}`, { name: 'Help desk' })).body, /was renamed/);
  assert.equal(
    (await client.post(`/admin/inboxes/${inbox.id}/members`, { members: [String(agent.id)] })).statusCode,
    200,
  );
  assert.deepEqual(
    listInboxesFor(h.app.domain, agent.actor).map((i) => i.name),
    ['Help desk'],
  );
  assert.equal((await client.post(`/admin/inboxes/${inbox.id}/members`, { members: ['1; DROP'] })).statusCode, 422);
  assert.equal((await client.post(`/admin/inboxes/${inbox.id}/members`, {})).statusCode, 200, 'no box ticked: nobody');
  assert.deepEqual(listInboxesFor(h.app.domain, agent.actor), []);
});

test('agents and managers cannot reach admin pages or another inbox by id', async (t) => {
  const h = await testApp(t);
  const admin = await buildUser(h, { role: 'admin' });
  const agent = await buildUser(h);
  const manager = await buildUser(h, { role: 'manager' });
  const mine = buildInbox(h, { name: 'Mine', members: [agent, manager] });
  const theirs = buildInbox(h, { name: 'Theirs' });
  for (const user of [agent, manager]) {
    const client = await signedIn(h.app, user.email);
    assert.equal((await client.get(`/conversations?inbox=${mine.id}`)).statusCode, 200);
    const other = await client.get(`/conversations?inbox=${theirs.id}`);
    assert.equal(other.statusCode, 404);
    assert.ok(!other.body.includes('Theirs'));
    assert.ok(!(await client.get('/conversations')).body.includes('Theirs'));
    assert.equal((await client.get('/admin/users')).statusCode, 404);
    assert.equal((await client.get(`/admin/inboxes/${theirs.id}`)).statusCode, 404);
    assert.equal((await client.post(`/admin/inboxes/${theirs.id}`, { name: 'Hacked' })).statusCode, 404);
    assert.equal(
      (await client.post(`/admin/inboxes/${mine.id}/members`, { members: [String(user.id)] })).statusCode,
      404,
    );
    assert.equal(
      (
        await client.post('/admin/users', {
          name: 'X',
          email: 'x@example.test',
          role: 'admin',
          password: 'a long enough password',
        })
      ).statusCode,
      404,
    );
  }
  assert.equal(listInboxesFor(h.app.domain, admin.actor).find((i) => i.id === theirs.id)?.name, 'Theirs');
});

test('row actions refuse a garbled value, and an admin who demotes themself leaves the admin page', async (t) => {
  const h = await testApp(t);
  const admin = await buildUser(h, { role: 'admin' });
  await buildUser(h, { role: 'admin', name: 'Second admin' });
  const agent = await buildUser(h);
  const client = await signedIn(h.app, admin.email);
  await client.get('/admin/users');
  for (const active of ['', 'yes', 'FALSE']) {
    const res = await client.post(`/admin/users/${agent.id}/active`, { active });
    assert.ok(res.statusCode >= 400 && res.statusCode < 500, `active=${active}: ${res.statusCode}`);
  }
  assert.equal(findUserById(h.app.domain, agent.id)?.active, true);
  const demoted = await client.post(`/admin/users/${admin.id}/role`, { role: 'manager' }, HX);
  assert.equal(demoted.headers['hx-redirect'], '/');
  assert.equal((await client.get('/admin/users')).statusCode, 404);
});

test('renaming an inbox that does not exist is 404 whatever the name', async (t) => {
  const h = await testApp(t);
  const admin = await buildUser(h, { role: 'admin' });
  buildInbox(h, { name: 'Support' });
  const client = await signedIn(h.app, admin.email);
  await client.get('/admin/inboxes');
  assert.equal((await client.post('/admin/inboxes/999', { name: 'Support' })).statusCode, 404);
});
