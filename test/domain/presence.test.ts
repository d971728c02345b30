import assert from 'node:assert/strict';
import { test } from 'node:test';
import WebSocket from 'ws';
import { queuesOf, setInQueue, setQueues } from '../../src/domain/assignment/queue.ts';
import { DomainError } from '../../src/domain/errors.ts';
import { addNotifications, announce } from '../../src/domain/notifications/notify.ts';
import {
  DEFAULT_PREFERENCES,
  effectivePreferences,
  setPreferences,
  toastFor,
} from '../../src/domain/users/preferences.ts';
import {
  offlineAtStart,
  setAvailability,
  setExtension,
  setStatus,
  setStatusMessage,
} from '../../src/domain/users/presence.ts';
import { buildChat, buildInbox, buildUser } from '../factories.ts';
import { buildTestApp, signedIn, until, type TestApp } from '../helper.ts';

const availability = (h: TestApp, id: number) =>
  h.sqlite.prepare('SELECT availability FROM users WHERE id = ?').pluck().get(id) as string;

/** Every 'presence.changed' the domain emits, by user. */
function presenceEvents(h: TestApp): number[] {
  const seen: number[] = [];
  h.app.domain.events.on('presence.changed', ({ userId }) => seen.push(userId));
  return seen;
}

async function listen(h: TestApp): Promise<string> {
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const address = h.app.server.address();
  assert.ok(address && typeof address === 'object');
  return `ws://127.0.0.1:${address.port}/live`;
}

/** A tab: a live socket, open once the server's catch-up arrived; `received` holds the pushes after it. */
async function openTab(url: string, cookie: string) {
  const socket = new WebSocket(url, { headers: { cookie } });
  const received: string[] = [];
  await new Promise<void>((resolve, reject) => {
    socket.once('message', () => {
      socket.on('message', (data) => received.push((data as Buffer).toString()));
      resolve();
    });
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    socket.once('error', reject);
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return {
    socket,
    received,
    async close(): Promise<void> {
      socket.close();
      await closed;
    },
  };
}

/** The server has dropped every socket of the user (their close events handled, presence moved if it moves). */
async function noTabs(h: TestApp, userId: number): Promise<void> {
  await until(() => !h.app.hub.connectedUsers().includes(userId), `user ${userId} has no open tab`);
  await new Promise((resolve) => setImmediate(resolve));
}

/** Lets the server handle what the sockets sent (close frames) before looking: no assertion depends on how long it takes. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

const refusal = (field: string) => (err: unknown) =>
  err instanceof DomainError && err.status === 422 && err.field === field;

test('status message, availability and extension are checked, kept, and announced only when they change', async (t) => {
  const h = await buildTestApp();
  t.after(() => h.close());
  const ana = await buildUser(h, { name: 'Ana' });
  const events = presenceEvents(h);

  assert.equal(setAvailability(h.app.domain, ana.actor, 'away').availability, 'away');
  assert.equal(setStatusMessage(h.app.domain, ana.actor, '  In a   meeting ').statusMessage, 'In a meeting');
  assert.equal(setExtension(h.app.domain, ana.actor, ' +49 30   12345 ').extension, '+49 30 12345');
  assert.deepEqual(events, [ana.id, ana.id, ana.id]);
  setAvailability(h.app.domain, ana.actor, 'away');
  assert.equal(events.length, 3, 'the same value again is no change');

  assert.throws(() => setAvailability(h.app.domain, ana.actor, 'busy'), refusal('availability'));
  assert.throws(() => setStatusMessage(h.app.domain, ana.actor, 'é'.repeat(81)), refusal('status_message'));
  assert.equal(
    setStatusMessage(h.app.domain, ana.actor, '😀'.repeat(80)).statusMessage,
    '😀'.repeat(80),
    '80 characters, not UTF-16 units',
  );
  assert.throws(() => setExtension(h.app.domain, ana.actor, '12; DROP'), refusal('extension'));
  assert.throws(() => setExtension(h.app.domain, ana.actor, '1'.repeat(31)), refusal('extension'));
  assert.throws(
    () => setStatus(h.app.domain, ana.actor, { availability: 'available', statusMessage: 'x'.repeat(81) }),
    refusal('status_message'),
  );
  assert.equal(availability(h, ana.id), 'away', 'a refused status form keeps nothing');
  assert.equal(setExtension(h.app.domain, ana.actor, '').extension, '', 'empty clears it');
});

test('queues: only my own shared inboxes; another inbox is 404; a change is announced', async (t) => {
  const h = await buildTestApp();
  t.after(() => h.close());
  const [admin, ana] = await Promise.all([buildUser(h, { role: 'admin', name: 'Ada' }), buildUser(h, { name: 'Ana' })]);
  const support = buildInbox(h, { name: 'Support', members: [ana] }).id;
  const sales = buildInbox(h, { name: 'Sales', members: [ana] }).id;
  const other = buildInbox(h, { name: 'Other' }).id;
  const events = presenceEvents(h);

  assert.deepEqual(
    queuesOf(h.app.domain, ana.actor).map((q) => [q.name, q.inQueue]),
    [
      ['Sales', true],
      ['Support', true],
    ],
  );
  assert.deepEqual(
    queuesOf(h.app.domain, admin.actor),
    [],
    'an admin sees every inbox but sits in no queue without membership',
  );
  setInQueue(h.app.domain, ana.actor, support, false);
  assert.deepEqual(
    queuesOf(h.app.domain, ana.actor).map((q) => [q.name, q.inQueue]),
    [
      ['Sales', true],
      ['Support', false],
    ],
  );
  assert.deepEqual(events, [ana.id]);
  setInQueue(h.app.domain, ana.actor, support, false);
  assert.equal(events.length, 1, 'no change, no announcement');

  assert.throws(
    () => setInQueue(h.app.domain, ana.actor, other, true),
    (err) => err instanceof DomainError && err.status === 404,
  );
  assert.throws(
    () => setInQueue(h.app.domain, admin.actor, support, false),
    (err) => err instanceof DomainError && err.status === 404,
    'not even an admin changes someone else’s seat',
  );
  assert.throws(
    () =>
      setQueues(
        h.app.domain,
        ana.actor,
        new Map([
          [sales, false],
          [other, false],
        ]),
      ),
    (err) => err instanceof DomainError && err.status === 404,
  );
  assert.equal(
    queuesOf(h.app.domain, ana.actor).find((q) => q.inboxId === sales)?.inQueue,
    true,
    'one transaction: Sales kept its seat',
  );
});

test('notification preferences: defaults, the stored choice over them, and a toast only for its own user', async (t) => {
  const h = await buildTestApp();
  t.after(() => h.close());
  const [ana, ben] = await Promise.all([buildUser(h, { name: 'Ana' }), buildUser(h, { name: 'Ben' })]);
  assert.deepEqual(effectivePreferences({}), DEFAULT_PREFERENCES);
  assert.deepEqual(DEFAULT_PREFERENCES.new_conversation, { browser: false, sound: false });
  assert.deepEqual(DEFAULT_PREFERENCES.mention, { browser: true, sound: false });
  assert.deepEqual(effectivePreferences({ mention: { browser: false, sound: true } }).mention, {
    browser: false,
    sound: true,
  });
  assert.throws(
    () => setPreferences(h.app.domain, ana.actor, { direct: { browser: 'maybe' } }),
    refusal('direct.browser'),
  );

  buildInbox(h, { members: [ana] });
  const chatId = buildChat(h, { by: ana, members: [ben] });
  const [toAna] = h.app.domain.db.transaction(() =>
    addNotifications(h.app.domain, 1, [{ userId: ana.id, kind: 'direct', actorId: ben.id, chatId, excerpt: 'Lunch?' }]),
  );
  assert.ok(toAna);
  const toast = toastFor(h.app.domain, ana.actor, toAna.notificationId);
  assert.deepEqual(toast && { ...toast, id: 0 }, {
    id: 0,
    kind: 'direct',
    actorName: 'Ben',
    excerpt: 'Lunch?',
    href: `/chats/${chatId}`,
    conversationLabel: null,
    inboxName: null,
    chatName: null,
    browser: true,
    sound: false,
  });
  assert.equal(
    toastFor(h.app.domain, ben.actor, toAna.notificationId),
    undefined,
    'someone else’s notification is nothing',
  );
  h.sqlite.prepare('DELETE FROM chat_members WHERE user_id = ?').run(ana.id);
  assert.equal(toastFor(h.app.domain, ana.actor, toAna.notificationId), undefined, 'a chat I left shows nothing');
});

test('presence follows the tabs: two tabs, one closed keeps available, both closed is offline; away survives a new tab', async (t) => {
  const h = await buildTestApp();
  t.after(() => h.close());
  h.app.hub.presence.graceMs = 0;
  const url = await listen(h);
  const [ana, ben] = await Promise.all([buildUser(h, { name: 'Ana' }), buildUser(h, { name: 'Ben' })]);
  const cookie = (await signedIn(h.app, ana.email)).cookieHeader;
  const events = presenceEvents(h);
  assert.equal(availability(h, ana.id), 'offline');

  const first = await openTab(url, cookie);
  await until(() => availability(h, ana.id) === 'available', 'the first tab makes Ana available');
  const second = await openTab(url, cookie);
  await first.close();
  await settle();
  assert.equal(availability(h, ana.id), 'available', 'one tab still open: still available');
  assert.deepEqual(events, [ana.id]);
  await second.close();
  await until(() => availability(h, ana.id) === 'offline', 'the last tab closing makes Ana offline');
  assert.deepEqual(events, [ana.id, ana.id]);
  assert.equal(availability(h, ben.id), 'offline', 'nobody else moved');

  // Away, chosen by hand, survives a new tab; the last tab closing still means offline; the next tab, available.
  const third = await openTab(url, cookie);
  await until(() => availability(h, ana.id) === 'available', 'available again');
  setAvailability(h.app.domain, ana.actor, 'away');
  const fourth = await openTab(url, cookie);
  await fourth.close();
  const fifth = await openTab(url, cookie);
  assert.equal(availability(h, ana.id), 'away', 'away stays away while tabs open and close');
  // Offline chosen by hand also stays while a tab is open.
  setAvailability(h.app.domain, ana.actor, 'offline');
  const sixth = await openTab(url, cookie);
  assert.equal(availability(h, ana.id), 'offline');
  await Promise.all([third.close(), fifth.close(), sixth.close()]);
  await noTabs(h, ana.id);
  assert.equal(availability(h, ana.id), 'offline');
  setAvailability(h.app.domain, ana.actor, 'away');
  const again = await openTab(url, cookie);
  assert.equal(availability(h, ana.id), 'away', 'away without tabs stays away when a tab opens');
  await again.close();
  await until(() => availability(h, ana.id) === 'offline', 'closing the last tab always makes offline');
});

test('a page load within the grace period is no leaving; a tab whose session ended moves only its own user', async (t) => {
  const h = await buildTestApp();
  t.after(() => h.close());
  h.app.hub.presence.graceMs = 60_000;
  const url = await listen(h);
  const [ana, ben] = await Promise.all([buildUser(h, { name: 'Ana' }), buildUser(h, { name: 'Ben' })]);
  const events = presenceEvents(h);
  const anaTab = await openTab(url, (await signedIn(h.app, ana.email)).cookieHeader);
  await until(() => availability(h, ana.id) === 'available', 'Ana is available');
  setAvailability(h.app.domain, ana.actor, 'away');
  // A page load: the old socket closes, the new one opens well within the grace period.
  const cookie = (await signedIn(h.app, ana.email)).cookieHeader;
  await anaTab.close();
  const reloaded = await openTab(url, cookie);
  assert.equal(availability(h, ana.id), 'away', 'still away: she never left');

  // Ben has two sessions (two browsers); the one whose session ends is closed, the other keeps him available.
  h.app.hub.presence.graceMs = 0;
  const benPhone = await signedIn(h.app, ben.email);
  const benDesk = await signedIn(h.app, ben.email);
  const phoneTab = await openTab(url, benPhone.cookieHeader);
  const deskTab = await openTab(url, benDesk.cookieHeader);
  await until(() => availability(h, ben.id) === 'available', 'Ben is available');
  const phoneClosed = new Promise<void>((resolve) => phoneTab.socket.once('close', () => resolve()));
  await benPhone.post('/logout');
  await phoneClosed;
  await settle();
  assert.deepEqual(
    events.filter((id) => id === ben.id),
    [ben.id],
    'Ben moved once: when his first tab opened',
  );
  assert.equal(availability(h, ben.id), 'available', 'his other tab is still open');
  assert.equal(availability(h, ana.id), 'away', 'nobody else moved');
  await Promise.all([deskTab.close(), reloaded.close()]);
  await until(() => availability(h, ben.id) === 'offline', 'Ben’s last tab closed');
});

test('at start-up nobody has a tab: available becomes offline, away stays; stopping the server moves nobody', async (t) => {
  const h = await buildTestApp();
  t.after(() => h.close());
  h.app.hub.presence.graceMs = 0;
  const url = await listen(h);
  const [ana, ben] = await Promise.all([buildUser(h, { name: 'Ana' }), buildUser(h, { name: 'Ben' })]);
  setAvailability(h.app.domain, ana.actor, 'available');
  setAvailability(h.app.domain, ben.actor, 'away');
  offlineAtStart(h.app.domain);
  assert.deepEqual([availability(h, ana.id), availability(h, ben.id)], ['offline', 'away']);

  const tab = await openTab(url, (await signedIn(h.app, ana.email)).cookieHeader);
  await until(() => availability(h, ana.id) === 'available', 'Ana is available');
  const closed = new Promise<void>((resolve) => tab.socket.once('close', () => resolve()));
  h.app.hub.closeAll(1012, 'server restarting');
  await closed;
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(
    availability(h, ana.id),
    'available',
    'a restart is no leaving: the tab reconnects, and the next start sorts it out',
  );
});

test('a notification reaches only its user’s tabs, as a toast that links to it', async (t) => {
  const h = await buildTestApp();
  t.after(() => h.close());
  const url = await listen(h);
  const [mia, ana, ben] = await Promise.all([
    buildUser(h, { role: 'manager', name: 'Mia' }),
    buildUser(h, { name: 'Ana' }),
    buildUser(h, { name: 'Ben' }),
  ]);
  buildInbox(h, { members: [ana, ben] });
  const chatId = buildChat(h, { by: mia, name: 'Team <room>', members: [ana, ben] });
  const anaTab = await openTab(url, (await signedIn(h.app, ana.email)).cookieHeader);
  const benTab = await openTab(url, (await signedIn(h.app, ben.email)).cookieHeader);
  t.after(() => Promise.all([anaTab.close(), benTab.close()]));
  await settle();
  anaTab.received.length = 0;
  benTab.received.length = 0;

  const created = h.app.domain.db.transaction(() =>
    addNotifications(h.app.domain, Date.now(), [
      { userId: ben.id, kind: 'mention', actorId: ana.id, chatId, excerpt: '@Ben can you <b>check</b>?' },
    ]),
  );
  announce(h.app.domain, created);
  await until(() => benTab.received.length > 0, 'Ben gets the toast');
  const html = benTab.received[0]!;
  assert.match(html, /^<hx-partial hx-target="#toasts" hx-swap="beforeend">/);
  assert.match(html, new RegExp(`<a href="/chats/${chatId}">Ana mentioned you in Team &lt;room&gt;</a>`));
  assert.match(html, /@Ben can you &lt;b&gt;check&lt;\/b&gt;\?/);
  assert.match(html, /data-browser="true" data-sound="false"/);
  assert.match(html, />Dismiss</);
  await settle();
  assert.deepEqual(anaTab.received, [], 'nothing for Ana');
});
