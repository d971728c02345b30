import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { buildInbox, buildNumber, buildUser, receiveText } from '../factories.ts';
import { signedIn, type TestApp, testApp } from '../helper.ts';
import { HX } from './steps.ts';

const SHOP = '+15551230000';
const CUSTOMER = '+15557654321';

async function setup(t: TestContext, config: Record<string, unknown> = {}) {
  const h = await testApp(t, config);
  const ana = await buildUser(h, { name: 'Ana' });
  const support = buildInbox(h, { name: 'Support', members: [ana] }).id;
  buildNumber(h, { e164: SHOP, inbox: 'Support' });
  const sales = buildInbox(h, { name: 'Sales', members: [ana] }).id;
  const other = buildInbox(h, { name: 'Other' }).id;
  const client = await signedIn(h.app, ana.email);
  return { h, ana, client, support, sales, other };
}

const user = (h: TestApp, id: number) =>
  h.sqlite
    .prepare('SELECT availability, status_message, extension, notification_prefs FROM users WHERE id = ?')
    .get(id) as {
    availability: string;
    status_message: string;
    extension: string;
    notification_prefs: string;
  };
const inQueue = (h: TestApp, inboxId: number, userId: number) =>
  h.sqlite
    .prepare('SELECT in_queue FROM inbox_members WHERE inbox_id = ? AND user_id = ?')
    .pluck()
    .get(inboxId, userId);

test('the settings page has every personal section, labelled, with its current values', async (t) => {
  const { client } = await setup(t);
  const page = await client.get('/settings');
  assert.equal(page.statusCode, 200);
  for (const label of [
    '<legend>Availability</legend>',
    '<label for="availability-away">Away</label>',
    '<label for="status-message">Status message (up to 80 characters)</label>',
    'Take new conversations from Sales',
    'Take new conversations from Support',
    '<label for="pref-mention-browser" class="visually-hidden">Browser notification: Someone mentions me</label>',
    '<label for="pref-direct-sound" class="visually-hidden">Sound: Direct message</label>',
    'Allow browser notifications',
    '<label for="extension">My extension or phone number</label>',
    '<a href="/canned">My quick replies</a>',
    // What was there before stays.
    '<label for="name">Name</label>',
    'Hide tags in conversation lists',
    'Change password',
  ]) {
    assert.ok(page.body.includes(label), label);
  }
  assert.doesNotMatch(page.body, /Take new conversations from Other/, 'only inboxes I am a member of');
  // Defaults: browser notifications for what is addressed to me, none for every new conversation, no sound.
  assert.match(page.body, /id="pref-assigned-browser" name="assigned.browser" value="1" checked/);
  assert.match(page.body, /id="pref-mention-browser" name="mention.browser" value="1" checked/);
  assert.match(page.body, /id="pref-direct-browser" name="direct.browser" value="1" checked/);
  assert.match(page.body, /id="pref-new_conversation-browser" name="new_conversation.browser" value="1" >/);
  assert.doesNotMatch(page.body, /name="\w+\.sound" value="1" checked/);
  assert.match(page.body, /id="queue-\d+" name="queue" value="\d+" checked/, 'members start in the queue');
});

test('status: availability and message are saved; htmx gets the section only; bad values are 422 in place', async (t) => {
  const { h, ana, client } = await setup(t);

  const saved = await client.post(
    '/settings/status',
    { availability: 'away', status_message: '  Back at   2 pm ' },
    HX,
  );
  assert.equal(saved.statusCode, 200);
  assert.match(saved.body, /^<section id="settings-status"/, 'htmx swaps the section only');
  assert.match(saved.body, /Your status was saved\./);
  assert.match(saved.body, /id="availability-away" name="availability" value="away" checked/);
  assert.deepEqual([user(h, ana.id).availability, user(h, ana.id).status_message], ['away', 'Back at 2 pm']);

  const tooLong = 'x'.repeat(81);
  const long = await client.post('/settings/status', { availability: 'available', status_message: tooLong }, HX);
  assert.equal(long.statusCode, 422);
  assert.match(long.body, /id="status-message-error">Write at most 80 characters\./);
  assert.match(
    long.body,
    /id="status-message" name="status_message"[^>]*value="x{81}"[^>]* aria-invalid="true"/,
    'the field keeps what was typed',
  );
  const wrong = await client.post('/settings/status', { availability: 'asleep', status_message: '' }, HX);
  assert.equal(wrong.statusCode, 422);
  assert.match(wrong.body, /id="availability-error">Choose available, away or offline\./);
  assert.deepEqual(
    [user(h, ana.id).availability, user(h, ana.id).status_message],
    ['away', 'Back at 2 pm'],
    'nothing of a refused form is kept',
  );

  // Without JavaScript: the whole page, with the error in the same place.
  const page = await client.post('/settings/status', { availability: 'available', status_message: tooLong });
  assert.equal(page.statusCode, 422);
  assert.match(page.body, /<h1>Settings<\/h1>/);
  assert.match(page.body, /id="status-message-error"/);
  const clear = await client.post('/settings/status', { availability: 'offline', status_message: '' });
  assert.equal(clear.statusCode, 200);
  assert.match(clear.body, /<h1>Settings<\/h1>[\s\S]*Your status was saved\./);
  assert.deepEqual([user(h, ana.id).availability, user(h, ana.id).status_message], ['offline', '']);
});

test('queues: log in and out of each inbox; an inbox I am not in is 404; a garbled id is 422', async (t) => {
  const { h, ana, client, support, sales, other } = await setup(t);
  const out = await client.post(
    '/settings/queues',
    { inbox: [String(support), String(sales)], queue: String(sales) },
    HX,
  );
  assert.equal(out.statusCode, 200);
  assert.match(out.body, /^<section id="settings-queues"/);
  assert.match(out.body, /Your queues were saved\./);
  assert.deepEqual([inQueue(h, support, ana.id), inQueue(h, sales, ana.id)], [0, 1]);
  assert.match(out.body, new RegExp(`id="queue-${support}" name="queue" value="${support}" (?!checked)`));

  const back = await client.post('/settings/queues', {
    inbox: [String(support), String(sales)],
    queue: [String(support), String(sales)],
  });
  assert.equal(back.statusCode, 200);
  assert.deepEqual([inQueue(h, support, ana.id), inQueue(h, sales, ana.id)], [1, 1]);

  const notMine = await client.post('/settings/queues', { inbox: [String(support), String(other)], queue: [] }, HX);
  assert.equal(notMine.statusCode, 404);
  assert.equal(inQueue(h, support, ana.id), 1, 'all or nothing: Support was not changed either');
  assert.equal((await client.post('/settings/queues', { inbox: '999999', queue: '999999' })).statusCode, 404);

  const garbled = await client.post('/settings/queues', { inbox: String(support), queue: 'support' }, HX);
  assert.equal(garbled.statusCode, 422);
  assert.match(garbled.body, /id="queues-error">Choose among the listed inboxes\./);
});

test('notifications: two choices per event are saved; a value that is no tick is 422 with the field named', async (t) => {
  const { h, ana, client } = await setup(t);
  const saved = await client.post(
    '/settings/notifications',
    { 'new_conversation.browser': '1', 'new_conversation.sound': '1', 'direct.sound': '1' },
    HX,
  );
  assert.equal(saved.statusCode, 200);
  assert.match(saved.body, /^<section id="settings-notifications"/);
  assert.match(saved.body, /Notification settings saved\./);
  assert.deepEqual(JSON.parse(user(h, ana.id).notification_prefs), {
    new_conversation: { browser: true, sound: true },
    assigned: { browser: false, sound: false },
    mention: { browser: false, sound: false },
    direct: { browser: false, sound: true },
  });
  assert.match(saved.body, /id="pref-direct-sound" name="direct.sound" value="1" checked/);
  assert.match(saved.body, /id="pref-assigned-browser" name="assigned.browser" value="1" >/);

  const bad = await client.post(
    '/settings/notifications',
    { 'mention.browser': 'yes please', 'assigned.sound': '1' },
    HX,
  );
  assert.equal(bad.statusCode, 422);
  assert.match(
    bad.body,
    /id="pref-mention-browser" name="mention.browser" value="1" [^>]*aria-invalid="true" aria-describedby="pref-mention-browser-error"/,
  );
  assert.match(bad.body, /id="pref-mention-browser-error">Tick the box or leave it empty\./);
  assert.match(
    bad.body,
    /id="pref-assigned-sound" name="assigned.sound" value="1" checked/,
    'the refused form comes back as sent',
  );
  assert.equal(
    (JSON.parse(user(h, ana.id).notification_prefs) as { assigned: { sound: boolean } }).assigned.sound,
    false,
    'nothing of it was kept',
  );
});

test('extension: digits, +, *, # and spaces up to 30; it fills {extension} in the click-to-call URL', async (t) => {
  const { h, ana, client } = await setup(t, {
    contacts: { call_url: 'https://pbx.example.com/call?to={number}&ext={extension}' },
  });
  const saved = await client.post('/settings/extension', { extension: ' +1 555 0100 *12# ' }, HX);
  assert.equal(saved.statusCode, 200);
  assert.match(saved.body, /^<section id="settings-call"/);
  assert.match(saved.body, /Your extension was saved\./);
  assert.equal(user(h, ana.id).extension, '+1 555 0100 *12#');

  for (const bad of ['ext. 12', '1'.repeat(31), '<b>12</b>']) {
    const refused = await client.post('/settings/extension', { extension: bad }, HX);
    assert.equal(refused.statusCode, 422, bad);
    assert.match(refused.body, /id="extension-error">Use at most 30 characters: digits, \+, \*, # and spaces\./);
    assert.ok(!refused.body.includes('<b>12</b>'), 'what was typed comes back escaped');
  }
  assert.equal(user(h, ana.id).extension, '+1 555 0100 *12#');

  const text = receiveText(h, { from: CUSTOMER, to: SHOP, text: 'Call me' });
  // The contact panel's Call link goes to the click-to-call URL itself (the browser follows it); following it logs it.
  const page = (await client.get(`/conversations/${text.conversationId}`)).body;
  const href = /<a class="button" href="([^"]+)" data-log-call="[^"]+" data-kind="call">/.exec(page)?.[1];
  assert.ok(href, 'a Call link');
  const url = new URL(href.replaceAll('&amp;', '&'));
  assert.deepEqual(Object.fromEntries(url.searchParams), { to: CUSTOMER, ext: '+1 555 0100 *12#' });
  const call = await client.post(`/conversations/${text.conversationId}/call`, { kind: 'call' });
  assert.equal(call.statusCode, 204);
});

test('every personal form needs the CSRF token (403, nothing changed)', async (t) => {
  const { h, ana, client, support } = await setup(t);
  const before = JSON.stringify([user(h, ana.id), inQueue(h, support, ana.id)]);
  for (const [url, form] of [
    ['/settings/status', { availability: 'away', status_message: 'Lunch' }],
    ['/settings/queues', { inbox: String(support) }],
    ['/settings/notifications', { 'direct.sound': '1' }],
    ['/settings/extension', { extension: '12' }],
  ] as const) {
    assert.equal((await client.post(url, form, { csrf: false })).statusCode, 403, url);
    assert.equal((await client.post(url, { ...form, _csrf: 'forged' })).statusCode, 403, url);
  }
  assert.equal(JSON.stringify([user(h, ana.id), inQueue(h, support, ana.id)]), before);
});

test('the profile form still saves the display name and language', async (t) => {
  const { client } = await setup(t);
  const saved = await client.post('/settings', { name: 'Ana Lopez', locale: 'de' });
  assert.equal(saved.statusCode, 200);
  assert.match(saved.body, /Ihr Profil wurde gespeichert\./);
  assert.match(saved.body, /<legend>Verfügbarkeit<\/legend>/, 'the new sections speak German too');
  const refused = await client.post('/settings', { name: '', locale: 'de' });
  assert.equal(refused.statusCode, 422);
  assert.match(refused.body, /id="name-error"/);
});
