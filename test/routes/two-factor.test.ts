import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import { buildUser } from '../factories.ts';
import { Client, PASSWORD, signedIn, type TestApp, testApp } from '../helper.ts';
import { handClock, HX, signInForm } from './steps.ts';

const codeFor = (secret: string, at: number): string =>
  TOTP.generate({ secret: Secret.fromBase32(secret.replace(/\s/g, '')), timestamp: at });
const wrongCode = (secret: string, at: number): string =>
  String((Number(codeFor(secret, at)) + 1) % 1_000_000).padStart(6, '0');
/** The recovery codes a page shows, in order. */
const recoveryCodesIn = (body: string): string[] =>
  [...body.matchAll(/<li><code>([a-z0-9-]+)<\/code><\/li>/g)].map((m) => m[1]!);

const sessionsOf = (h: TestApp, userId: number): number =>
  h.sqlite.prepare('SELECT count(*) FROM sessions WHERE user_id = ?').pluck().get(userId) as number;

/** Enrols the signed-in client as the settings page lets them: the key shown, a code from it, the recovery codes back. */
async function enrol(client: Client, clock: { at: number }): Promise<{ secret: string; codes: string[] }> {
  const page = await client.get('/settings/two-factor');
  assert.equal(page.statusCode, 200);
  const secret = /id="totp-secret" readonly value="([^"]+)"/.exec(page.body)?.[1];
  assert.ok(secret, 'the key is shown for manual entry');
  const res = await client.post('/settings/two-factor/confirm', { code: codeFor(secret, clock.at) });
  assert.equal(res.statusCode, 200, res.body.slice(0, 300));
  return { secret, codes: recoveryCodesIn(res.body) };
}

/** An app on a hand clock with an agent signed in (`client`) who has enrolled (`secret`, `codes`). */
async function enrolledAgent(t: TestContext) {
  const h = await testApp(t);
  const clock = handClock(h);
  const agent = await buildUser(h);
  const client = await signedIn(h.app, agent.email);
  return { h, clock, agent, client, ...(await enrol(client, clock)) };
}

/** A fresh browser through the password step: it holds the pending cookie, no session. */
async function passwordStep(h: TestApp, email: string, next?: string): Promise<Client> {
  const { browser, res } = await signInForm(h.app, { email, next });
  assert.equal(res.statusCode, 303);
  assert.equal(res.headers.location, '/login/code');
  return browser;
}

/** Only the password step, in a fresh browser. */
const passwordOnly = (h: TestApp, email: string) => new Client(h.app).login(email);

test('enrolling: a QR code and the key, a wrong code is refused in place, the right one turns it on and shows 10 recovery codes once', async (t) => {
  const h = await testApp(t);
  const clock = handClock(h);
  const agent = await buildUser(h);
  const client = await signedIn(h.app, agent.email);

  const settings = await client.get('/settings');
  assert.match(settings.body, /Two-factor sign-in is off/);
  assert.match(settings.body, /<a href="\/settings\/two-factor">Set up two-factor sign-in<\/a>/);

  const page = await client.get('/settings/two-factor');
  assert.match(
    page.body,
    /<img src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+" alt="QR code for your authenticator app"/,
  );
  const qr = Buffer.from(/src="data:image\/svg\+xml;base64,([^"]+)"/.exec(page.body)![1]!, 'base64').toString();
  assert.match(qr, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(
    page.body,
    /<label for="code">Six-digit code<\/label>\s*<input id="code" name="code" autocomplete="one-time-code" inputmode="numeric"/,
  );
  const secret = /id="totp-secret" readonly value="([^"]+)"/.exec(page.body)![1]!;
  assert.equal(
    (await client.get('/settings/two-factor')).body.includes(secret),
    true,
    'the same key until it is confirmed',
  );

  const wrong = await client.post('/settings/two-factor/confirm', { code: wrongCode(secret, clock.at) });
  assert.equal(wrong.statusCode, 422);
  assert.match(wrong.body, /id="code-error">That code is wrong or was already used/);
  assert.equal((await passwordOnly(h, agent.email)).statusCode, 303, 'still off: the password alone signs in');
  assert.equal((await passwordOnly(h, agent.email)).headers.location, '/');

  const typed = codeFor(secret, clock.at);
  const on = await client.post('/settings/two-factor/confirm', { code: `${typed.slice(0, 3)} ${typed.slice(3)}` });
  assert.equal(on.statusCode, 200);
  assert.match(on.body, /role="status">Two-factor sign-in is on\./);
  const codes = recoveryCodesIn(on.body);
  assert.equal(codes.length, 10);
  assert.equal(new Set(codes).size, 10);
  const stored = h.sqlite.prepare('SELECT code_hash FROM recovery_codes').pluck().all() as string[];
  assert.equal(stored.length, 10);
  for (const code of codes)
    assert.ok(!stored.some((s) => s.includes(code.replace(/-/g, ''))), 'only hashes are stored');
  const again = await client.get('/settings/two-factor');
  assert.ok(!codes.some((c) => again.body.includes(c)), 'the codes are shown once');
  assert.match(again.body, /Recovery codes left: 10\./);
  assert.equal((await passwordOnly(h, agent.email)).headers.location, '/login/code');
});

test('with two-factor on, no session exists until the code passes; the half-signed-in state is bound to the browser and short-lived', async (t) => {
  const { h, clock, agent, secret } = await enrolledAgent(t);
  clock.pass(30_000);
  const before = sessionsOf(h, agent.id);

  const browser = await passwordStep(h, agent.email, '/settings');
  assert.ok(browser.cookies.get('sb_pending'), 'the pending sign-in cookie');
  assert.equal(browser.cookies.has('sb_session'), false, 'no session cookie');
  assert.equal(sessionsOf(h, agent.id), before, 'no session row');
  assert.equal((await browser.get('/conversations')).statusCode, 303, 'nothing is reachable yet');
  const pendingRows = h.sqlite.prepare('SELECT id FROM pending_sign_ins').pluck().all() as string[];
  assert.ok(!pendingRows.includes(browser.cookies.get('sb_pending')!), 'only a hash of the pending token is stored');

  const step = await browser.get('/login/code');
  assert.equal(step.statusCode, 200);
  assert.match(step.body, /<input id="code" name="code" autocomplete="one-time-code" inputmode="numeric"/);
  assert.match(step.body, /<label for="recovery">Recovery code<\/label>/);

  const otherBrowser = new Client(h.app);
  assert.equal(
    (await otherBrowser.get('/login/code')).headers.location,
    '/login',
    'another browser has no pending sign-in',
  );
  await otherBrowser.get('/login');
  const stranger = await otherBrowser.post('/login/code', { code: codeFor(secret, clock.at) });
  assert.equal(stranger.statusCode, 401);
  assert.equal(sessionsOf(h, agent.id), before);

  const wrong = await browser.post('/login/code', { code: wrongCode(secret, clock.at) });
  assert.equal(wrong.statusCode, 422);
  assert.match(wrong.body, /id="code-error">That code is wrong or was already used/);
  assert.equal(sessionsOf(h, agent.id), before);

  const ok = await browser.post('/login/code', { code: codeFor(secret, clock.at) });
  assert.equal(ok.statusCode, 303);
  assert.equal(ok.headers.location, '/settings', 'on to where they were going');
  assert.equal(sessionsOf(h, agent.id), before + 1);
  assert.equal(browser.cookies.has('sb_pending'), false, 'the pending cookie is cleared');
  assert.equal((await browser.get('/settings')).statusCode, 200);
  assert.equal(h.sqlite.prepare('SELECT count(*) FROM pending_sign_ins').pluck().get(), 0, 'used up');

  clock.pass(60_000);
  const late = await passwordStep(h, agent.email);
  clock.pass(5 * 60_000 + 1);
  const expired = await late.post('/login/code', { code: codeFor(secret, clock.at) });
  assert.equal(expired.statusCode, 401);
  assert.match(expired.body, /This sign-in took too long\. Sign in again\./);
  assert.equal(sessionsOf(h, agent.id), before + 1, 'no session from an expired step');
});

test('a code works once: the same code cannot be replayed within its window', async (t) => {
  const { h, clock, agent, secret } = await enrolledAgent(t);
  clock.pass(30_000);
  const code = codeFor(secret, clock.at);

  const first = await passwordStep(h, agent.email);
  assert.equal((await first.post('/login/code', { code })).statusCode, 303);
  clock.pass(5_000);
  const replay = await passwordStep(h, agent.email);
  const res = await replay.post('/login/code', { code });
  assert.equal(res.statusCode, 422, 'the same code, still inside its 30 s');
  assert.match(res.body, /already used/);
  clock.pass(30_000);
  assert.equal(
    (await replay.post('/login/code', { code: codeFor(secret, clock.at) })).statusCode,
    303,
    'the next code works',
  );
});

test('wrong codes are throttled like passwords: after five, the right code is refused with 429', async (t) => {
  const { h, clock, agent, secret } = await enrolledAgent(t);
  clock.pass(30_000);

  const browser = await passwordStep(h, agent.email);
  for (let i = 0; i < 5; i++)
    assert.equal((await browser.post('/login/code', { code: wrongCode(secret, clock.at) })).statusCode, 422);
  const held = await browser.post('/login/code', { code: codeFor(secret, clock.at) });
  assert.equal(held.statusCode, 429);
  assert.match(held.body, /Too many failed sign-ins\. Try again in 15 minutes\./);
  assert.equal(sessionsOf(h, agent.id), 1, 'only the enrolling session');
  const failures = h.sqlite.prepare('SELECT count(*) FROM sign_in_failures WHERE email = ?').pluck().get(agent.email);
  assert.equal(failures, 5, 'counted as failed sign-ins of the account, which admins see and clear');
});

test('a recovery code signs in once, then never again', async (t) => {
  const { h, agent, codes } = await enrolledAgent(t);

  const first = await passwordStep(h, agent.email);
  assert.equal(
    (await first.post('/login/code', { recovery: codes[3]!.toUpperCase() })).statusCode,
    303,
    'case and dashes do not matter',
  );
  const second = await passwordStep(h, agent.email);
  const res = await second.post('/login/code', { recovery: codes[3]! });
  assert.equal(res.statusCode, 422);
  assert.match(res.body, /id="recovery-error">That recovery code is wrong or was already used\./);
  assert.match(res.body, /<details open>/, 'the recovery form stays open');
  assert.equal((await second.post('/login/code', { recovery: codes[4]! })).statusCode, 303, 'another code still works');
  assert.equal(h.sqlite.prepare('SELECT count(*) FROM recovery_codes').pluck().get(), 8);
});

test('new recovery codes and turning it off need the password or a current code; old codes stop working', async (t) => {
  const { h, clock, agent, client, secret, codes } = await enrolledAgent(t);

  const wrong = await client.post('/settings/two-factor/recovery-codes', { proof: 'not my password at all' });
  assert.equal(wrong.statusCode, 422);
  assert.match(wrong.body, /id="codes-proof-error">That is neither your password nor a current code\./);
  const fresh = await client.post('/settings/two-factor/recovery-codes', { proof: PASSWORD });
  assert.equal(fresh.statusCode, 200);
  const newCodes = recoveryCodesIn(fresh.body);
  assert.equal(newCodes.length, 10);
  const browser = await passwordStep(h, agent.email);
  assert.equal((await browser.post('/login/code', { recovery: codes[0]! })).statusCode, 422, 'an old code is void');
  assert.equal((await browser.post('/login/code', { recovery: newCodes[0]! })).statusCode, 303);

  const badOff = await client.post('/settings/two-factor/disable', { proof: wrongCode(secret, clock.at + 60_000) });
  assert.equal(badOff.statusCode, 422);
  assert.match(badOff.body, /id="disable-proof-error"/);
  clock.pass(60_000);
  const off = await client.post('/settings/two-factor/disable', { proof: codeFor(secret, clock.at) });
  assert.equal(off.statusCode, 200);
  assert.match(off.body, /role="status">Two-factor sign-in is off\./);
  assert.equal((await passwordOnly(h, agent.email)).headers.location, '/', 'the password alone signs in again');
  assert.equal(h.sqlite.prepare('SELECT count(*) FROM recovery_codes').pluck().get(), 0);
  assert.equal(
    (await client.post('/settings/two-factor/disable', { proof: PASSWORD })).statusCode,
    404,
    'nothing left to turn off',
  );
});

test('require_2fa: a listed role without it is sent to enrol and can do nothing else until enrolled; others are not', async (t) => {
  const h = await testApp(t, { auth: { require_2fa: ['admin'] } });
  const clock = handClock(h);
  const admin = await buildUser(h, { role: 'admin' });
  const agent = await buildUser(h);

  const client = new Client(h.app);
  await client.login(admin.email);
  const home = await client.get('/conversations');
  assert.equal(home.statusCode, 303);
  assert.equal(home.headers.location, '/settings/two-factor');
  assert.equal((await client.get('/admin/users')).headers.location, '/settings/two-factor');
  const htmx = await client.get('/conversations', HX.headers);
  assert.equal(htmx.statusCode, 403);
  assert.equal(htmx.headers['hx-redirect'], '/settings/two-factor');
  const page = await client.get('/settings/two-factor');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /role="alert">Your role must sign in with two factors\. Set it up to continue\./);
  const post = await client.post('/admin/inboxes', { name: 'Sneaky' });
  assert.equal(post.statusCode, 403, 'writes are refused too');
  assert.equal(h.sqlite.prepare('SELECT count(*) FROM inboxes').pluck().get(), 0);

  const agentClient = await signedIn(h.app, agent.email);
  assert.equal((await agentClient.get('/settings')).statusCode, 200, 'an agent is not asked');

  await enrol(client, clock);
  assert.equal((await client.get('/admin/users')).statusCode, 200, 'enrolled: everything opens');
  assert.equal((await client.post('/logout')).statusCode, 303);
});

test("an admin resets a user's two-factor sign-in; the user signs in with the password and enrols again; nobody else can", async (t) => {
  const h = await testApp(t);
  const clock = handClock(h);
  const admin = await buildUser(h, { role: 'admin', name: 'Ada Admin' });
  const agent = await buildUser(h, { name: 'Alan Agent' });
  const other = await buildUser(h, { name: 'Olga Other' });
  await enrol(await signedIn(h.app, agent.email), clock);
  const adminClient = await signedIn(h.app, admin.email);

  const list = await adminClient.get('/admin/users');
  assert.match(list.body, /aria-label="Reset two-factor sign-in of Alan Agent"/);
  assert.ok(!list.body.includes('Reset two-factor sign-in of Olga Other'), 'only where it is on');

  const otherClient = await signedIn(h.app, other.email);
  assert.equal((await otherClient.post(`/admin/users/${agent.id}/two-factor/reset`)).statusCode, 404);
  assert.equal(
    (await adminClient.post(`/admin/users/${agent.id}/two-factor/reset`, { _csrf: 'forged' })).statusCode,
    403,
  );
  assert.equal((await passwordOnly(h, agent.email)).headers.location, '/login/code', 'still on');

  const res = await adminClient.post(`/admin/users/${agent.id}/two-factor/reset`, {}, HX);
  assert.equal(res.statusCode, 200);
  assert.match(
    res.body,
    /role="status">Two-factor sign-in of Alan Agent was reset; they set it up again under Settings\./,
  );
  assert.equal((await passwordOnly(h, agent.email)).headers.location, '/', 'the password alone signs in');
  assert.equal(h.sqlite.prepare('SELECT count(*) FROM recovery_codes').pluck().get(), 0);
  assert.equal((await adminClient.post('/admin/users/9999/two-factor/reset')).statusCode, 404);
});
