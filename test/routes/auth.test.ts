import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clearAccountSignIns, clearAddressSignIns } from '../../src/domain/auth/sign-in-locks.ts';
import { listInboxesFor } from '../../src/domain/inboxes/service.ts';
import { buildUser } from '../factories.ts';
import { Client, PASSWORD, signedIn, type TestApp, testApp } from '../helper.ts';
import { alertOf, handClock, HX, signInForm } from './steps.ts';

const sessionCount = (h: TestApp): number => h.sqlite.prepare('SELECT count(*) FROM sessions').pluck().get() as number;

test('sign-in sets an HttpOnly, SameSite=Lax session cookie and a fresh id each time', async (t) => {
  const h = await testApp(t);
  const user = await buildUser(h);
  const { browser: client, res } = await signInForm(h.app, { email: user.email });
  assert.equal(res.statusCode, 303);
  assert.equal(res.headers.location, '/');
  const cookie = res.cookies.find((c) => c.name === 'sb_session');
  assert.ok(cookie);
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, 'Lax');
  assert.notEqual(cookie.secure, true, 'plain http: not Secure');
  const first = cookie.value;
  await client.get('/conversations');
  await client.post('/login', { email: user.email, password: PASSWORD });
  assert.notEqual(client.cookies.get('sb_session'), first, 'a new session id on login');
  assert.equal(sessionCount(h), 1, 'the old session was replaced');
  const stored = h.sqlite.prepare('SELECT id FROM sessions').pluck().get() as string;
  assert.notEqual(stored, client.cookies.get('sb_session'), 'only a hash of the token is stored');
});

test('cookies are Secure when public_url is https', async (t) => {
  const h = await testApp(t, { server: { public_url: 'https://inbox.example.com' } });
  const user = await buildUser(h);
  const client = new Client(h.app);
  const res = await client.login(user.email);
  assert.equal(res.cookies.find((c) => c.name === 'sb_session')?.secure, true);
});

test('wrong credentials are refused in place, without telling which part was wrong', async (t) => {
  const h = await testApp(t);
  const user = await buildUser(h);
  const client = new Client(h.app);
  const wrongPassword = await client.login(user.email, 'not the password');
  const unknownEmail = await client.login('nobody@example.test', 'not the password');
  for (const res of [wrongPassword, unknownEmail]) {
    assert.equal(res.statusCode, 422);
    assert.match(res.body, /Email or password is wrong/);
  }
  assert.equal(sessionCount(h), 0);
});

const ATTACKER = '203.0.113.66';
const OWNER = '198.51.100.7';

test('an attacker cannot lock the owner out: the owner signs in from their own address while the attacker is refused', async (t) => {
  const h = await testApp(t);
  const user = await buildUser(h);
  const attacker = new Client(h.app, ATTACKER);
  for (let i = 0; i < 5; i++) assert.equal((await attacker.login(user.email, `wrong ${i}`)).statusCode, 422);
  assert.equal(
    (await attacker.login(user.email)).statusCode,
    429,
    'the attacker is refused, even with the right password',
  );
  const owner = await new Client(h.app, OWNER).login(user.email);
  assert.equal(owner.statusCode, 303, 'the owner is not');
  assert.equal(
    (await attacker.login(user.email)).statusCode,
    429,
    "the owner's sign-in frees nothing for the attacker",
  );
});

test('five failures for one email from one address lock that pair only, for the rest of the window', async (t) => {
  const h = await testApp(t);
  const clock = handClock(h);
  const user = await buildUser(h);
  const other = await buildUser(h);
  const client = new Client(h.app, ATTACKER);
  for (let i = 0; i < 5; i++) assert.equal((await client.login(user.email, `wrong ${i}`)).statusCode, 422);
  const blocked = await client.login(user.email);
  assert.equal(blocked.statusCode, 429, 'even the right password waits');
  assert.equal(alertOf(blocked.body), 'Too many failed sign-ins. Try again in 15 minutes.');
  assert.equal(
    (await new Client(h.app, ATTACKER).login(other.email)).statusCode,
    303,
    'the same address may still sign in to another account',
  );
  clock.pass(14 * 60_000);
  assert.equal(alertOf((await client.login(user.email)).body), 'Too many failed sign-ins. Try again in 1 minute.');
  clock.pass(60_000);
  assert.equal((await client.login(user.email)).statusCode, 303, 'after the window it works again');
});

test('an address that fails for many emails is refused for every email once it used its own budget', async (t) => {
  const h = await testApp(t, { auth: { login_attempts_per_address: 4 } });
  const user = await buildUser(h);
  const sprayer = new Client(h.app, ATTACKER);
  for (let i = 0; i < 4; i++)
    assert.equal((await sprayer.login(`guess${i}@example.test`, 'nope nope nope')).statusCode, 422);
  const refused = await sprayer.login(user.email);
  assert.equal(refused.statusCode, 429, 'a fresh email from a spent address');
  assert.match(alertOf(refused.body), /Too many failed sign-ins/);
  assert.equal((await new Client(h.app, OWNER).login(user.email)).statusCode, 303, 'other addresses are untouched');
});

test('IPv6 addresses count by their /64: a subscriber cannot take a fresh budget from each of its addresses', async (t) => {
  const h = await testApp(t, { auth: { login_attempts_per_address: 3 } });
  const user = await buildUser(h);
  for (let i = 0; i < 3; i++)
    await new Client(h.app, `2001:db8:5:6::${i + 1}`).login(`guess${i}@example.test`, 'nope nope nope');
  assert.equal((await new Client(h.app, '2001:db8:5:6:ffff::9').login(user.email)).statusCode, 429);
  assert.equal(
    (await new Client(h.app, '2001:db8:5:7::1').login(user.email)).statusCode,
    303,
    'the next /64 is someone else',
  );
});

test('once an email has used its budget, each address that failed for it waits a delay that doubles with each failure; others do not', async (t) => {
  const h = await testApp(t, { auth: { login_attempts: 3 } });
  const clock = handClock(h);
  const user = await buildUser(h);
  const guesser = (n: number) => new Client(h.app, `203.0.113.${n}`);
  const guess = async (n: number) => await guesser(n).login(user.email, `guess ${n} ${clock.at}`);
  for (const n of [1, 2, 3]) assert.equal((await guess(n)).statusCode, 422, 'under the budget nobody waits');

  const held = await guess(1);
  assert.equal(held.statusCode, 429, 'an address that failed waits after the third failure on the email');
  assert.equal(alertOf(held.body), 'Too many failed sign-ins. Try again in 1 second.');
  assert.equal((await guess(4)).statusCode, 422, 'a fresh address gets its guess (and is the fourth failure)');
  assert.equal(alertOf((await guess(2)).body), 'Too many failed sign-ins. Try again in 2 seconds.');
  clock.pass(1_000);
  assert.equal((await guess(3)).statusCode, 429, 'one second is not enough after the fourth failure');
  clock.pass(1_000);
  assert.equal((await guess(3)).statusCode, 422, 'two are');
  assert.equal(alertOf((await guess(1)).body), 'Too many failed sign-ins. Try again in 4 seconds.');
  for (const n of [10, 11, 12, 13, 14, 15]) assert.equal((await guess(n)).statusCode, 422);
  assert.equal(
    alertOf((await guess(1)).body),
    'Too many failed sign-ins. Try again in 60 seconds.',
    'the delay stops growing at a minute',
  );
  assert.equal(
    (await guesser(4).login(user.email)).statusCode,
    429,
    'the right password from a delayed address waits too',
  );
  assert.equal(
    (await new Client(h.app, OWNER).login(user.email)).statusCode,
    303,
    "the owner's clean address is never delayed",
  );
  clock.pass(60_000);
  assert.equal(
    (await guesser(4).login(user.email)).statusCode,
    303,
    'after the delay the right password works from there too',
  );
});

/** The Failed sign-ins section of the admin Users page, tags dropped: what a reader of it sees. */
const signInsSection = (body: string): string => {
  const start = body.indexOf('<section id="sign-in-failures"');
  assert.ok(start >= 0, 'the section is there');
  return body
    .slice(start, body.indexOf('</section>', start))
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ');
};

test('an admin sees who is held back and from where, and clears it in place; nobody else can', async (t) => {
  const h = await testApp(t, { auth: { login_attempts: 2, login_attempts_per_address: 3 } });
  handClock(h);
  const admin = await buildUser(h, { role: 'admin', name: 'Ada Admin' });
  const agent = await buildUser(h, { name: 'Alan Agent' });
  for (let i = 0; i < 2; i++) await new Client(h.app, ATTACKER).login(agent.email, `wrong ${i}`);
  await new Client(h.app, '192.0.2.10').login(agent.email, 'wrong again');
  for (let i = 0; i < 3; i++) await new Client(h.app, '192.0.2.99').login(`guess${i}@example.test`, 'nope nope nope');
  assert.equal((await new Client(h.app, ATTACKER).login(agent.email)).statusCode, 429);
  assert.equal((await new Client(h.app, '192.0.2.99').login(admin.email)).statusCode, 429);

  const adminClient = await signedIn(h.app, admin.email);
  const shown = signInsSection((await adminClient.get('/admin/users')).body);
  assert.match(shown, /Alan Agent 3 /, 'the account and its failures');
  assert.match(shown, new RegExp(`${ATTACKER}: 2 failed, locked out until `), 'the locked address');
  assert.match(shown, /192\.0\.2\.10: 1 failed/);
  assert.match(shown, /Yes, until /, 'addresses that failed for it are held back');
  assert.match(shown, /192\.0\.2\.99 3 /, 'the address over its own budget');
  assert.ok(!shown.includes('guess0@example.test'), 'emails of nobody are not listed');

  const agentClient = await signedIn(h.app, agent.email);
  await agentClient.get('/conversations');
  const failures = () => h.sqlite.prepare('SELECT count(*) FROM sign_in_failures').pluck().get() as number;
  const before = failures();
  assert.equal((await agentClient.post(`/admin/users/${agent.id}/sign-ins/clear`)).statusCode, 404);
  assert.equal(
    (await agentClient.post('/admin/users/address-sign-ins/clear', { address: '192.0.2.99' })).statusCode,
    404,
  );
  assert.throws(() => clearAccountSignIns(h.app.domain, agent.actor, agent.id), { status: 403 });
  assert.throws(() => clearAddressSignIns(h.app.domain, agent.actor, '192.0.2.99'), { status: 403 });
  assert.equal(
    (await adminClient.post(`/admin/users/${agent.id}/sign-ins/clear`, { _csrf: 'forged' })).statusCode,
    403,
  );
  assert.equal(failures(), before, 'nothing was cleared');

  const cleared = await adminClient.post(`/admin/users/${agent.id}/sign-ins/clear`, {}, HX);
  assert.equal(cleared.statusCode, 200);
  assert.match(cleared.body, /^<section id="sign-in-failures"/, 'htmx gets the section, in place');
  assert.match(cleared.body, /role="status">Failed sign-ins of Alan Agent cleared\./);
  assert.ok(!signInsSection(cleared.body).includes('Alan Agent 3'));
  assert.equal((await new Client(h.app, ATTACKER).login(agent.email)).statusCode, 303, 'the pair may try again');

  const bad = await adminClient.post('/admin/users/address-sign-ins/clear', { address: '' });
  assert.equal(bad.statusCode, 422, 'a missing address is a clear 4xx');
  const page = await adminClient.post('/admin/users/address-sign-ins/clear', { address: '192.0.2.99' });
  assert.equal(page.statusCode, 200, 'without JavaScript the whole page comes back');
  assert.match(page.body, /<h1 id="users-heading">/);
  assert.match(signInsSection(page.body), /Failed sign-ins from 192\.0\.2\.99 cleared\. .*No failed sign-ins\./);
  assert.equal(failures(), 0);
  assert.equal((await new Client(h.app, '192.0.2.99').login(admin.email)).statusCode, 303, 'the address may try again');
});

test('an account tried from many addresses lists the ten with most failures and counts the rest', async (t) => {
  const h = await testApp(t);
  const admin = await buildUser(h, { role: 'admin' });
  const agent = await buildUser(h, { name: 'Alan Agent' });
  // A spread-out guesser's traces, written as the sign-in writes them (each try costs a password check otherwise).
  const mark = h.sqlite.prepare('INSERT INTO sign_in_failures (email, address, at) VALUES (?, ?, ?)');
  for (let i = 1; i <= 13; i++) mark.run(agent.email, `192.0.2.${i}`, Date.now());
  mark.run(agent.email, '192.0.2.13', Date.now());
  const shown = signInsSection((await (await signedIn(h.app, admin.email)).get('/admin/users')).body);
  assert.match(shown, /Alan Agent 14 192\.0\.2\.13: 2 failed 192\.0\.2\.1: 1 failed /, 'most failures first');
  assert.match(shown, /and 3 more addresses/);
});

test('sessions end after the idle timeout and after the absolute timeout', async (t) => {
  const h = await testApp(t, { auth: { session_idle_hours: 1, session_absolute_days: 1 } });
  const user = await buildUser(h);
  const client = await signedIn(h.app, user.email);
  const start = Date.now();
  h.app.domain.now = () => start + 50 * 60_000;
  assert.equal((await client.get('/conversations')).statusCode, 200, 'active within the hour');
  h.app.domain.now = () => start + 100 * 60_000;
  assert.equal((await client.get('/conversations')).statusCode, 200, 'the last request renewed the idle clock');
  h.app.domain.now = () => start + 3 * 3_600_000;
  assert.equal((await client.get('/conversations')).statusCode, 303, 'idle too long');
  assert.equal(sessionCount(h), 0);
});

test('sessions end after the absolute timeout however active they are', async (t) => {
  const h = await testApp(t, { auth: { session_idle_hours: 12, session_absolute_days: 1 } });
  const user = await buildUser(h);
  const client = await signedIn(h.app, user.email);
  const start = Date.now();
  h.app.domain.now = () => start + 10 * 3_600_000;
  assert.equal((await client.get('/conversations')).statusCode, 200);
  h.app.domain.now = () => start + 20 * 3_600_000;
  assert.equal((await client.get('/conversations')).statusCode, 200);
  h.app.domain.now = () => start + 30 * 3_600_000;
  assert.equal((await client.get('/conversations')).statusCode, 303);
});

test('logout deletes the session row and the cookie', async (t) => {
  const h = await testApp(t);
  const user = await buildUser(h);
  const client = await signedIn(h.app, user.email);
  const token = client.cookies.get('sb_session')!;
  const res = await client.post('/logout');
  assert.equal(res.statusCode, 303);
  assert.equal(res.headers.location, '/login');
  assert.equal(sessionCount(h), 0);
  client.cookies.set('sb_session', token);
  assert.equal((await client.get('/conversations')).statusCode, 303, 'the old cookie is worth nothing');
});

test('state changes without the right CSRF token get 403 and change nothing', async (t) => {
  const h = await testApp(t);
  const admin = await buildUser(h, { role: 'admin' });
  const client = await signedIn(h.app, admin.email);
  const missing = await client.post('/admin/inboxes', { name: 'Missing' }, { csrf: false });
  const wrong = await client.post('/admin/inboxes', { name: 'Wrong', _csrf: 'x'.repeat(43) });
  const htmxWrong = await client.post(
    '/admin/inboxes',
    { name: 'Htmx', _csrf: '' },
    { headers: { 'hx-request': 'true', 'x-csrf-token': 'nope' } },
  );
  for (const res of [missing, wrong, htmxWrong]) {
    assert.equal(res.statusCode, 403);
    assert.match(res.body, /expired or did not come from Switchboard/);
  }
  assert.deepEqual(listInboxesFor(h.app.domain, admin.actor), []);
  const viaHeader = await client.post(
    '/admin/inboxes',
    { name: 'Header' },
    { csrf: false, headers: { 'hx-request': 'true', 'x-csrf-token': client.csrf } },
  );
  assert.equal(viaHeader.statusCode, 200, 'htmx sends the token as a header');
  const anonymous = new Client(h.app);
  assert.equal(
    (await anonymous.post('/login', { email: admin.email, password: PASSWORD }, { csrf: false })).statusCode,
    403,
    'login is protected too',
  );
});

test('a deactivated user is signed out at once and cannot sign in', async (t) => {
  const h = await testApp(t);
  const admin = await buildUser(h, { role: 'admin' });
  const agent = await buildUser(h);
  const agentClient = await signedIn(h.app, agent.email);
  const adminClient = await signedIn(h.app, admin.email);
  await adminClient.get('/admin/users');
  const res = await adminClient.post(`/admin/users/${agent.id}/active`, { active: 'false' });
  assert.equal(res.statusCode, 200);
  assert.equal((await agentClient.get('/conversations')).statusCode, 303);
  const retry = await agentClient.login(agent.email);
  assert.equal(retry.statusCode, 422);
  assert.match(retry.body, /Email or password is wrong/);
});

test('a deactivated account answers its right password exactly as a wrong one, and counts it as a failure', async (t) => {
  const h = await testApp(t, { auth: { login_attempts: 2 } });
  const admin = await buildUser(h, { role: 'admin' });
  const agent = await buildUser(h);
  const adminClient = await signedIn(h.app, admin.email);
  await adminClient.get('/admin/users');
  assert.equal((await adminClient.post(`/admin/users/${agent.id}/active`, { active: 'false' })).statusCode, 200);

  const answer = async (password: string) => {
    const { browser, res } = await signInForm(h.app, { email: agent.email, password });
    const { date: _, ...headers } = res.headers;
    return { status: res.statusCode, headers, body: res.body.replaceAll(browser.csrf, 'TOKEN') };
  };
  const right = await answer(PASSWORD);
  const wrong = await answer('not the password at all');
  assert.equal(right.status, 422);
  assert.deepEqual(right, wrong, 'nothing tells the right password of a deactivated account from a wrong one');
  assert.equal((await answer(PASSWORD)).status, 429, 'the right password was counted as a failure too');
});

test('pages need a session: browsers are sent to /login, htmx gets 401 with HX-Redirect', async (t) => {
  const h = await testApp(t);
  const anon = new Client(h.app);
  const page = await anon.get('/settings');
  assert.equal(page.statusCode, 303);
  assert.equal(page.headers.location, '/login?next=%2Fsettings');
  const fragment = await anon.get('/settings', HX.headers);
  assert.equal(fragment.statusCode, 401);
  assert.equal(fragment.headers['hx-redirect'], '/login');
});

test('after sign-in the user goes where they wanted, but never off-site', async (t) => {
  const h = await testApp(t);
  const user = await buildUser(h);
  const client = new Client(h.app);
  await client.get('/login?next=%2Fsettings');
  assert.equal(
    (await client.post('/login', { email: user.email, password: PASSWORD, next: '/settings' })).headers.location,
    '/settings',
  );
  assert.equal((await signInForm(h.app, { email: user.email, next: '//evil.example' })).res.headers.location, '/');
});

test('parallel guesses cannot slip under the limit: the attempt counts before the password check', async (t) => {
  const h = await testApp(t);
  const user = await buildUser(h);
  const clients = await Promise.all(
    Array.from({ length: 12 }, async () => {
      const c = new Client(h.app);
      await c.get('/login');
      return c;
    }),
  );
  const results = await Promise.all(
    clients.map((c, i) => c.post('/login', { email: user.email, password: `wrong guess ${i}` })),
  );
  const codes = results.map((r) => r.statusCode);
  assert.equal(codes.filter((c) => c === 422).length, 5, JSON.stringify(codes));
  assert.equal(codes.filter((c) => c === 429).length, 7);
});

test('next= with control characters or odd encodings never leaves the site and never breaks the response', async (t) => {
  const h = await testApp(t);
  const user = await buildUser(h);
  for (const next of [
    '/\t/evil.example',
    '/\n/x',
    '/\u2028x',
    '/\\evil.example',
    'https://evil.example',
    '/%2F%2Fevil.example',
  ]) {
    const { res } = await signInForm(h.app, { email: user.email, next });
    assert.equal(res.statusCode, 303, JSON.stringify(next));
    const location = String(res.headers.location);
    assert.ok(
      location.startsWith('/') && !location.startsWith('//') && !location.startsWith('/\\'),
      `${JSON.stringify(next)} → ${location}`,
    );
  }
});

/** The `next` the login page carries in its hidden field, as the browser will read it. */
const hiddenNext = (body: string): string =>
  (/name="next" value="([^"]*)"/.exec(body)?.[1] ?? '')
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');

test('next= that only becomes //host once the URL is normalised falls back to /, on GET and POST', async (t) => {
  const h = await testApp(t);
  const user = await buildUser(h);
  const sneaky = [
    '/.//evil.example',
    '/..//evil.example',
    '/%2e//evil.example',
    '/%2E%2E//evil.example',
    '/.%2e//evil.example',
    '/a/..//evil.example',
    '/a/%2e%2e//evil.example',
    '/a/b/../..//evil.example',
    '/./\\evil.example',
    '/.\\/evil.example',
    '/..\\\\evil.example',
    '/./\\/evil.example',
    '/.//evil.example/path?q=1#h',
  ];
  for (const next of sneaky) {
    const page = await new Client(h.app).get(`/login?next=${encodeURIComponent(next)}`);
    assert.equal(hiddenNext(page.body), '/', `GET ${JSON.stringify(next)}`);
    const { res } = await signInForm(h.app, { email: user.email, next });
    assert.equal(res.statusCode, 303, JSON.stringify(next));
    assert.equal(res.headers.location, '/', `POST ${JSON.stringify(next)}`);
  }
  const ordinary: [string, string][] = [
    ['/conversations/12?status=open&inbox=3#m-40', '/conversations/12?status=open&inbox=3#m-40'],
    ['/settings', '/settings'],
    ['/a/./b/../settings?x=%2F%2Fy', '/a/settings?x=%2F%2Fy'],
    ['/%2F%2Fevil.example', '/%2F%2Fevil.example'],
  ];
  for (const [next, expected] of ordinary) {
    const page = await new Client(h.app).get(`/login?next=${encodeURIComponent(next)}`);
    assert.equal(hiddenNext(page.body), expected, `GET ${next}`);
    const { res } = await signInForm(h.app, { email: user.email, next });
    assert.equal(res.headers.location, expected, `POST ${next}`);
  }
});

test('a wrong current password when changing it is throttled like sign-in', async (t) => {
  const h = await testApp(t);
  const user = await buildUser(h);
  const client = await signedIn(h.app, user.email);
  await client.get('/settings');
  for (let i = 0; i < 5; i++)
    assert.equal(
      (await client.post('/settings/password', { current: `guess ${i}`, next: 'a brand new password' })).statusCode,
      422,
    );
  assert.equal(
    (await client.post('/settings/password', { current: PASSWORD, next: 'a brand new password' })).statusCode,
    429,
  );
});
