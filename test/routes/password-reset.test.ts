import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Writable } from 'node:stream';
import pino from 'pino';
import { loggerOptions } from '../../src/log.ts';
import { buildUser } from '../factories.ts';
import { Client, PASSWORD, signedIn, type TestApp, testApp } from '../helper.ts';
import { handClock, HX } from './steps.ts';

const NEW_PASSWORD = 'a fresh long password';

const sessionsOf = (h: TestApp, userId: number): number =>
  h.sqlite.prepare('SELECT count(*) FROM sessions WHERE user_id = ?').pluck().get(userId) as number;

/** The admin asks for a link on the Users page; the page shows it to copy. */
async function resetLink(admin: Client, userId: number): Promise<string> {
  await admin.get('/admin/users');
  const res = await admin.post(`/admin/users/${userId}/reset-link`);
  assert.equal(res.statusCode, 200);
  const url = /id="reset-link" readonly value="([^"]+)"/.exec(res.body)?.[1];
  assert.ok(url, 'the page shows the link');
  return new URL(url).pathname;
}

test('an admin makes a one-time link; the user sets a new password with it, every session ends, and the page says to sign in', async (t) => {
  const h = await testApp(t, { server: { public_url: 'https://inbox.example.com' } });
  const admin = await buildUser(h, { role: 'admin', name: 'Ada Admin' });
  const agent = await buildUser(h, { name: 'Alan Agent' });
  const adminClient = await signedIn(h.app, admin.email);
  const agentTab = await signedIn(h.app, agent.email);
  const agentOtherDevice = await signedIn(h.app, agent.email);
  const ended: unknown[] = [];
  h.app.domain.events.on('user.sessions.ended', (e) => ended.push(e));

  await adminClient.get('/admin/users');
  const made = await adminClient.post(`/admin/users/${agent.id}/reset-link`, {}, HX);
  assert.equal(made.statusCode, 200);
  assert.match(made.body, /^<section id="admin-users"/, 'htmx gets the section, in place');
  assert.match(made.body, /Switchboard sends no email: copy the link and hand it to Alan Agent yourself/);
  const url =
    /<label for="reset-link">Password-reset link for Alan Agent<\/label>\s*<input id="reset-link" readonly value="([^"]+)"/.exec(
      made.body,
    )?.[1];
  assert.ok(url?.startsWith('https://inbox.example.com/reset/'), `built from public_url: ${url}`);
  const path = new URL(url!).pathname;
  const token = path.split('/').pop()!;
  assert.equal(token.length, 43, '256 random bits');
  const stored = h.sqlite.prepare('SELECT id FROM password_resets').pluck().all() as string[];
  assert.equal(stored.length, 1);
  assert.notEqual(stored[0], token, 'only a hash of the token is stored');

  const browser = new Client(h.app, '198.51.100.20');
  const page = await browser.get(path);
  assert.equal(page.statusCode, 200);
  assert.equal(page.headers['referrer-policy'], 'no-referrer');
  assert.match(page.body, /<h1>Choose a new password<\/h1>/);
  assert.match(page.body, /<label for="password">New password \(at least 12 characters\)<\/label>/);

  const short = await browser.post(path, { password: 'short' });
  assert.equal(short.statusCode, 422, 'refused in place');
  assert.match(short.body, /id="password-error"/);
  assert.equal(sessionsOf(h, agent.id), 2, 'a refused password changes nothing');

  const done = await browser.post(path, { password: NEW_PASSWORD });
  assert.equal(done.statusCode, 200);
  assert.match(
    done.body,
    /role="status">Your password was changed and every session of your account was ended\. Sign in with the new password\./,
  );
  assert.match(done.body, /<a href="\/login">Sign in<\/a>/);
  assert.equal(sessionsOf(h, agent.id), 0, 'every session of the user ended');
  assert.deepEqual(ended, [{ userId: agent.id }], 'their open tabs are closed');
  assert.equal((await agentTab.get('/conversations')).statusCode, 303);
  assert.equal((await agentOtherDevice.get('/conversations')).statusCode, 303);
  assert.equal((await adminClient.get('/admin/users')).statusCode, 200, "the admin's session is not touched");

  assert.equal((await new Client(h.app).login(agent.email, PASSWORD)).statusCode, 422, 'the old password is gone');
  assert.equal((await new Client(h.app).login(agent.email, NEW_PASSWORD)).statusCode, 303);

  const again = await browser.get(path);
  assert.equal(again.statusCode, 410, 'a used link is gone');
  assert.match(again.body, /This password-reset link has expired or was already used\. Ask an admin for a new one\./);
  assert.equal((await browser.post(path, { password: 'yet another password' })).statusCode, 410);
  assert.equal((await new Client(h.app).login(agent.email, 'yet another password')).statusCode, 422);
});

test('a link expires after an hour (410), a new link voids the old (404), and an unknown one is 404', async (t) => {
  const h = await testApp(t);
  const clock = handClock(h);
  const admin = await buildUser(h, { role: 'admin' });
  const agent = await buildUser(h);
  const adminClient = await signedIn(h.app, admin.email);

  const first = await resetLink(adminClient, agent.id);
  const second = await resetLink(adminClient, agent.id);
  const browser = new Client(h.app);
  assert.equal((await browser.get(first)).statusCode, 404, 'the older link no longer exists');
  assert.equal((await browser.get(second)).statusCode, 200);

  clock.pass(59 * 60_000);
  assert.equal((await browser.get(second)).statusCode, 200, 'still open within the hour');
  clock.pass(60_001);
  const expired = await browser.get(second);
  assert.equal(expired.statusCode, 410);
  assert.match(expired.body, /has expired or was already used/);
  assert.equal((await browser.post(second, { password: NEW_PASSWORD })).statusCode, 410);
  assert.equal((await new Client(h.app).login(agent.email, NEW_PASSWORD)).statusCode, 422, 'nothing changed');

  for (const path of ['/reset/' + 'A'.repeat(43), '/reset/short', `/reset/${'x'.repeat(90)}`]) {
    const res = await browser.get(path);
    assert.equal(res.statusCode, 404, path.slice(0, 30));
    assert.match(res.body, /This page does not exist/);
  }
});

test('the reset form needs its CSRF token; only admins make links', async (t) => {
  const h = await testApp(t);
  const admin = await buildUser(h, { role: 'admin' });
  const agent = await buildUser(h);
  const adminClient = await signedIn(h.app, admin.email);
  const path = await resetLink(adminClient, agent.id);

  const forged = new Client(h.app);
  assert.equal(
    (await forged.post(path, { password: NEW_PASSWORD }, { csrf: false })).statusCode,
    403,
    'no token: refused',
  );
  await forged.get(path);
  assert.equal((await forged.post(path, { password: NEW_PASSWORD, _csrf: 'forged' })).statusCode, 403);
  assert.equal((await new Client(h.app).login(agent.email, NEW_PASSWORD)).statusCode, 422, 'nothing changed');

  const agentClient = await signedIn(h.app, agent.email);
  assert.equal((await agentClient.post(`/admin/users/${admin.id}/reset-link`)).statusCode, 404, 'not for agents');
  assert.equal((await adminClient.post('/admin/users/9999/reset-link')).statusCode, 404);
  assert.equal(h.sqlite.prepare('SELECT count(*) FROM password_resets').pluck().get(), 1);
});

test('changing my own password keeps this session, ends my others and closes their tabs', async (t) => {
  const h = await testApp(t);
  const agent = await buildUser(h);
  const here = await signedIn(h.app, agent.email);
  const elsewhere = await signedIn(h.app, agent.email);
  const ended: { userId: number; except?: string }[] = [];
  h.app.domain.events.on('user.sessions.ended', (e) => ended.push(e));
  await here.get('/settings');

  const short = await here.post('/settings/password', { current: PASSWORD, next: 'short' });
  assert.equal(short.statusCode, 422);
  assert.match(short.body, /id="next-error"/);
  assert.equal(sessionsOf(h, agent.id), 2, 'refused: nothing ended');

  const res = await here.post('/settings/password', { current: PASSWORD, next: NEW_PASSWORD });
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /Your password was changed\. Other devices were signed out\./);
  assert.equal(sessionsOf(h, agent.id), 1);
  assert.equal((await here.get('/settings')).statusCode, 200, 'this session goes on');
  assert.equal((await elsewhere.get('/conversations')).statusCode, 303, 'the other one ended');
  assert.equal(ended.length, 1);
  assert.equal(ended[0]!.userId, agent.id);
  assert.ok(ended[0]!.except, 'all but this session');
  assert.equal((await new Client(h.app).login(agent.email, NEW_PASSWORD)).statusCode, 303);
});

test("the request log never holds a reset link's token", async (t) => {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
  const h = await testApp(t, {}, { logger: pino(loggerOptions('debug'), sink) });
  const admin = await buildUser(h, { role: 'admin' });
  const agent = await buildUser(h);
  const path = await resetLink(await signedIn(h.app, admin.email), agent.id);
  const token = path.split('/').pop()!;
  const browser = new Client(h.app);
  await browser.get(path);
  await browser.post(`${path}?x=1`, { password: NEW_PASSWORD });
  assert.ok(
    lines.some((l) => l.includes('"url":"/reset/[redacted]"')),
    'the request is logged',
  );
  assert.ok(lines.some((l) => l.includes('"url":"/reset/[redacted]?x=1"')));
  assert.deepEqual(
    lines.filter((l) => l.includes(token)),
    [],
    'without its token',
  );
});
