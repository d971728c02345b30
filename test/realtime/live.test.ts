import assert from 'node:assert/strict';
import { test } from 'node:test';
import WebSocket from 'ws';
import { getConversation } from '../../src/domain/conversations/queries.ts';
import { renameInbox, setMembers } from '../../src/domain/inboxes/service.ts';
import { createDb } from '../../src/db/client.ts';
import { openDatabase } from '../../src/db/open.ts';
import { createEventBus } from '../../src/domain/events.ts';
import { changeRole, resetPassword, setActive } from '../../src/domain/users/service.ts';
import { setTimeZone } from '../../src/domain/users/time-zone.ts';
import { buildConversation, buildInbox, buildNumber, buildUser, receiveText } from '../factories.ts';
import { buildTestApp, signedIn, until, type TestApp } from '../helper.ts';

async function listen(h: TestApp): Promise<string> {
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const address = h.app.server.address();
  assert.ok(address && typeof address === 'object');
  return `ws://127.0.0.1:${address.port}/live`;
}

/** A live socket that records every pushed fragment after the catch-up one each socket gets on connecting. */
function connect(url: string, cookie: string, origin?: string) {
  const received: string[] = [];
  const catchUp: string[] = [];
  const socket = new WebSocket(url, { headers: { cookie, ...(origin ? { origin } : {}) } });
  const opened = new Promise<void>((resolve, reject) => {
    socket.once('message', (data) => {
      catchUp.push((data as Buffer).toString());
      socket.on('message', (more) => received.push((more as Buffer).toString()));
      resolve();
    });
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    socket.once('error', reject);
  });
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  return { socket, received, catchUp, opened, closed };
}

/** Lena in Los Angeles and Bert in Berlin, both working the inbox of `shop`. */
async function apart(h: TestApp) {
  const [la, berlin] = [await buildUser(h, { name: 'Lena' }), await buildUser(h, { name: 'Bert' })];
  const shop = buildNumber(h, { inbox: buildInbox(h, { members: [la, berlin] }) });
  setTimeZone(h.app.domain, la.actor, 'America/Los_Angeles');
  setTimeZone(h.app.domain, berlin.actor, 'Europe/Berlin');
  return { la, berlin, shop };
}

test('the live socket is refused without a session and from another origin', async (t) => {
  const h = await buildTestApp();
  t.after(() => h.close());
  const url = await listen(h);
  await assert.rejects(connect(url, '').opened, /HTTP 401/);
  await assert.rejects(connect(url, 'sb_session=forged').opened, /HTTP 401/);
  const user = await buildUser(h);
  const client = await signedIn(h.app, user.email);
  await assert.rejects(connect(url, client.cookieHeader, 'https://evil.example').opened, /HTTP 403/);
  const ok = connect(url, client.cookieHeader, url.replace('ws:', 'http:').replace('/live', ''));
  await ok.opened;
  ok.socket.close();
});

test('a push reaches exactly the users allowed to see the inbox', async (t) => {
  const h = await buildTestApp();
  t.after(() => h.close());
  const url = await listen(h);
  const d = h.app.domain;
  const admin = await buildUser(h, { role: 'admin' });
  const member = await buildUser(h);
  const outsider = await buildUser(h);
  const inbox = buildInbox(h, { name: 'Support', members: [member] });

  const tabs = {
    admin: connect(url, (await signedIn(h.app, admin.email)).cookieHeader),
    member: connect(url, (await signedIn(h.app, member.email)).cookieHeader),
    memberSecondTab: connect(url, (await signedIn(h.app, member.email)).cookieHeader),
    outsider: connect(url, (await signedIn(h.app, outsider.email)).cookieHeader),
  };
  await Promise.all(Object.values(tabs).map((tab) => tab.opened));
  t.after(() => Object.values(tabs).forEach((tab) => tab.socket.close()));

  renameInbox(d, admin.actor, inbox.id, { name: 'Help <desk>' });
  await until(
    () => tabs.admin.received.length > 0 && tabs.member.received.length > 0 && tabs.memberSecondTab.received.length > 0,
    'allowed users get the push',
  );
  assert.match(tabs.member.received[0]!, /<nav id="nav"[^>]*hx-swap-oob="true"/);
  assert.match(tabs.member.received[0]!, /Help &lt;desk&gt;/, 'pushed fragments are escaped too');

  // A second event after the first: if the outsider had been sent the first, it would have arrived before this one.
  buildInbox(h, { name: 'Other', members: [outsider] });
  await until(() => tabs.outsider.received.length > 0, 'the outsider gets news of their own inbox');
  assert.equal(tabs.outsider.received.length, 1);
  assert.ok(
    !tabs.outsider.received.some((html) => html.includes('Help')),
    'nothing about Support reached the outsider',
  );
  assert.ok(!tabs.member.received.some((html) => html.includes('Other')), 'nothing about Other reached the member');
});

test('a connecting tab first gets its navigation as it is now, for what changed while it had no socket', async (t) => {
  const h = await buildTestApp();
  t.after(() => h.close());
  const url = await listen(h);
  const agent = await buildUser(h);
  const inbox = buildInbox(h, { name: 'Support', members: [agent] });
  const tab = connect(
    `${url}?path=${encodeURIComponent(`/conversations?inbox=${inbox.id}`)}`,
    (await signedIn(h.app, agent.email)).cookieHeader,
  );
  await tab.opened;
  t.after(() => tab.socket.close());
  assert.match(tab.catchUp[0]!, /hx-swap-oob="true"/);
  assert.match(
    tab.catchUp[0]!,
    new RegExp(`href="/conversations\\?inbox=${inbox.id}" aria-current="page">Support<`),
    'the open page stays marked',
  );
  const odd = connect(
    `${url}?path=${encodeURIComponent('"><script>')}`,
    (await signedIn(h.app, agent.email)).cookieHeader,
  );
  await odd.opened;
  odd.socket.close();
  assert.ok(!odd.catchUp[0]!.includes('<script>'), 'a path that is not a path is ignored');
});

test('removing a member updates their navigation and tells them nothing more', async (t) => {
  const h = await buildTestApp();
  t.after(() => h.close());
  const url = await listen(h);
  const d = h.app.domain;
  const admin = await buildUser(h, { role: 'admin' });
  const agent = await buildUser(h);
  const inbox = buildInbox(h, { name: 'Support', members: [agent] });
  const tab = connect(url, (await signedIn(h.app, agent.email)).cookieHeader);
  await tab.opened;
  t.after(() => tab.socket.close());
  setMembers(d, admin.actor, inbox.id, []);
  await until(() => tab.received.length === 1, 'the removed member gets their new navigation');
  assert.ok(!tab.received[0]!.includes('Support'));
  renameInbox(d, admin.actor, inbox.id, { name: 'Secret' });
  buildInbox(h, { name: 'Marker', members: [agent] });
  await until(() => tab.received.length === 2, 'the next push that concerns them arrives');
  assert.ok(!tab.received.some((html) => html.includes('Secret')));
});

test('deactivating a user and signing out close their sockets', async (t) => {
  const h = await buildTestApp();
  t.after(() => h.close());
  const url = await listen(h);
  const admin = await buildUser(h, { role: 'admin' });
  const agent = await buildUser(h);
  const tab = connect(url, (await signedIn(h.app, agent.email)).cookieHeader);
  await tab.opened;
  setActive(h.app.domain, admin.actor, agent.id, false);
  assert.equal(await tab.closed, 4401);

  const adminClient = await signedIn(h.app, admin.email);
  const adminTab = connect(url, adminClient.cookieHeader);
  await adminTab.opened;
  await adminClient.post('/logout');
  assert.equal(await adminTab.closed, 4401);
});

test('shutting down tells every tab to reconnect (close code 1012)', async (t) => {
  const h = await buildTestApp();
  const url = await listen(h);
  const agent = await buildUser(h);
  const tab = connect(url, (await signedIn(h.app, agent.email)).cookieHeader);
  await tab.opened;
  const closing = h.close();
  assert.equal(await tab.closed, 1012);
  await closing;
  t.diagnostic('closed');
});

test("a role change reaches the user's open tabs: an agent made admin sees every inbox and the admin links", async (t) => {
  const h = await buildTestApp();
  t.after(() => h.close());
  const url = await listen(h);
  const admin = await buildUser(h, { role: 'admin' });
  const agent = await buildUser(h);
  buildInbox(h, { name: 'Sales' });
  const tab = connect(url, (await signedIn(h.app, agent.email)).cookieHeader);
  await tab.opened;
  t.after(() => tab.socket.close());
  assert.ok(!tab.catchUp[0]!.includes('Sales'));
  changeRole(h.app.domain, admin.actor, agent.id, 'admin');
  await until(() => tab.received.length === 1, 'the new navigation arrives');
  assert.match(tab.received[0]!, /Sales/);
  assert.match(tab.received[0]!, /href="\/admin\/users"/);
});

test('a tab whose session ended by any road hears nothing more and is closed', async (t) => {
  const h = await buildTestApp();
  t.after(() => h.close());
  const url = await listen(h);
  const admin = await buildUser(h, { role: 'admin' });
  const agent = await buildUser(h);
  const inbox = buildInbox(h, { name: 'Support', members: [agent] });
  const client = await signedIn(h.app, agent.email);
  const tab = connect(url, client.cookieHeader);
  await tab.opened;
  // Another process (the CLI's reset-password) deletes the session row; the server learns it only from the database.
  h.sqlite.prepare('DELETE FROM sessions WHERE user_id = ?').run(agent.id);
  renameInbox(h.app.domain, admin.actor, inbox.id, { name: 'Secret' });
  assert.equal(await tab.closed, 4401);
  assert.ok(!tab.received.some((html) => html.includes('Secret')));

  const again = await signedIn(h.app, agent.email);
  const second = connect(url, again.cookieHeader);
  await second.opened;
  await again.get('/conversations');
  await again.login(agent.email);
  assert.equal(await second.closed, 4401, "signing in anew in the same browser ends the old session's socket");

  const third = connect(url, (await signedIn(h.app, agent.email)).cookieHeader);
  await third.opened;
  h.app.domain.now = () => Date.now() + 13 * 3_600_000;
  const { purgeExpiredSessions } = await import('../../src/domain/auth/sessions.ts');
  const { sessionLimits } = await import('../../src/plugins/auth.ts');
  purgeExpiredSessions(h.app.domain, sessionLimits(h.app));
  h.app.hub.sweep();
  assert.equal(await third.closed, 4401, "an idle-expired session's socket is closed by the sweep");
});

test("a password reset run beside the server closes that person's tabs at once, without waiting for the sweep", async (t) => {
  const h = await buildTestApp();
  t.after(() => h.close());
  const url = await listen(h);
  const agent = await buildUser(h);
  const other = await buildUser(h);
  const tab = connect(url, (await signedIn(h.app, agent.email)).cookieHeader);
  const bystander = connect(url, (await signedIn(h.app, other.email)).cookieHeader);
  await Promise.all([tab.opened, bystander.opened]);
  t.after(() => bystander.socket.close());

  // What `switchboard user reset-password` does: its own connection to the same file, its own domain context.
  const console = openDatabase(h.dbFile);
  t.after(() => console.close());
  await resetPassword(
    { db: createDb(console), events: createEventBus(() => {}), now: Date.now },
    agent.email,
    'a new long passphrase',
  );

  const sweepTooLate = new Promise<string>((resolve) =>
    setTimeout(() => resolve('still open after 10 s'), 10_000).unref(),
  );
  assert.equal(await Promise.race([tab.closed, sweepTooLate]), 4401);
  assert.equal(bystander.socket.readyState, WebSocket.OPEN, "other people's tabs stay open");
});

test('a header action answers with the header and pushes it to the open conversation without reading its timeline', async (t) => {
  const h = await buildTestApp();
  t.after(() => h.close());
  const url = await listen(h);
  const agent = await buildUser(h, { name: 'Ana' });
  const { id } = buildConversation(h, { inbox: buildInbox(h, { members: [agent] }), texts: ['Hello?'] });
  const client = await signedIn(h.app, agent.email);
  await client.get(`/conversations/${id}`);
  const tab = connect(`${url}?path=${encodeURIComponent(`/conversations/${id}`)}`, client.cookieHeader);
  await tab.opened;
  t.after(() => tab.socket.close());

  // Every statement the request runs, its push to the tab included (pushes are rendered before the answer).
  const statements: string[] = [];
  const prepare = h.sqlite.prepare.bind(h.sqlite);
  h.sqlite.prepare = (sql: string) => (statements.push(sql), prepare(sql));
  const version = String(getConversation(h.app.domain, agent.actor, id).version);
  const answer = await client.post(
    `/conversations/${id}/assign`,
    { version, assignee: String(agent.id) },
    { headers: { 'hx-request': 'true' } },
  );
  h.sqlite.prepare = prepare;
  assert.equal(answer.statusCode, 200);
  assert.match(answer.body, /Assigned to Ana/);
  await until(
    () =>
      tab.received.some((html) =>
        /<header id="conversation-header-\d+"[^>]*hx-swap-oob[^>]*>[\s\S]*Assigned to Ana/.test(html),
      ),
    'the header pushed to the tab',
  );
  const timelineReads = statements.filter(
    (sql) =>
      /^select/i.test(sql) && /"(messages|conversation_events|conversation_notes)"\."conversation_id" = \?/.test(sql),
  );
  assert.deepEqual(timelineReads, [], 'no timeline read for the answer or the push');
});

test('two tabs of people in different time zones each get pushes with their own times', async (t) => {
  const h = await buildTestApp();
  t.after(() => h.close());
  const url = await listen(h);
  const { la, berlin, shop } = await apart(h);
  const { id, phone } = buildConversation(h, { number: shop, texts: ['Hello?'] });
  const tabs = await Promise.all(
    [la, berlin].flatMap((user) =>
      [`/conversations/${id}`, '/conversations'].map(async (path) =>
        connect(`${url}?path=${encodeURIComponent(path)}`, (await signedIn(h.app, user.email)).cookieHeader),
      ),
    ),
  );
  await Promise.all(tabs.map((tab) => tab.opened));
  t.after(() => tabs.forEach((tab) => tab.socket.close()));
  const [laConversation, laList, berlinConversation, berlinList] = tabs;

  h.app.domain.now = () => Date.parse('2026-11-25T19:00:00Z');
  receiveText(h, { from: phone, to: shop, text: 'Are you open today?' });
  const pushed = (tab: ReturnType<typeof connect>, pattern: RegExp) =>
    until(() => tab.received.some((html) => pattern.test(html)), String(pattern));
  await pushed(laConversation!, /<time datetime="2026-11-25T19:00:00\.000Z">11\/25\/26, 11:00\sAM<\/time>/);
  await pushed(berlinConversation!, /<time datetime="2026-11-25T19:00:00\.000Z">11\/25\/26, 8:00\sPM<\/time>/);
  await pushed(laList!, /title="11\/25\/26, 11:00\sAM"/);
  await pushed(berlinList!, /title="11\/25\/26, 8:00\sPM"/);
  assert.ok(!laConversation!.received.some((html) => /8:00\sPM/.test(html)), "Los Angeles never gets Berlin's drawing");
  assert.ok(
    !berlinConversation!.received.some((html) => /11:00\sAM/.test(html)),
    "Berlin never gets Los Angeles's drawing",
  );
});

test("a list filtered by day gets live rows by the day in each viewer's zone", async (t) => {
  const h = await buildTestApp();
  t.after(() => h.close());
  const url = await listen(h);
  const { la, berlin, shop } = await apart(h);
  const path = encodeURIComponent('/conversations?from=2026-11-25&to=2026-11-25');
  // Berlin's tab connects first: a list drawn for it must not stand in for Los Angeles's.
  const berlinTab = connect(`${url}?path=${path}`, (await signedIn(h.app, berlin.email)).cookieHeader);
  await berlinTab.opened;
  const laTab = connect(`${url}?path=${path}`, (await signedIn(h.app, la.email)).cookieHeader);
  await laTab.opened;
  t.after(() => [laTab, berlinTab].forEach((tab) => tab.socket.close()));

  // 23:30 UTC on 25 November: 15:30 that day in Los Angeles, 00:30 on the 26th in Berlin.
  h.app.domain.now = () => Date.parse('2026-11-25T23:30:00Z');
  receiveText(h, { to: shop, text: 'Late question' });
  const upserted = (html: string) => html.includes('hx-target="#conversation-list"') && html.includes('Late question');
  await until(() => laTab.received.some(upserted), 'the row reaches the list in Los Angeles');
  await until(
    () => berlinTab.received.some((html) => /hx-target="#conversation-\d+" hx-swap="delete"/.test(html)),
    'Berlin is told it is not in its list',
  );
  assert.ok(!berlinTab.received.some(upserted), 'in Berlin it is another day: no row');
});
