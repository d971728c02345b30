import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { setAvailability } from '../../src/domain/users/presence.ts';
import { buildConversation, buildInbox, buildNumber, buildUser } from '../factories.ts';
import { Client, signedIn, type TestApp, testApp } from '../helper.ts';
import { HX } from './steps.ts';

async function setup(t: TestContext) {
  const h = await testApp(t);
  const ana = await buildUser(h, { name: 'Ana' });
  const manager = await buildUser(h, { role: 'manager', name: 'Mia' });
  const stranger = await buildUser(h, { role: 'manager', name: 'Max' });
  const inbox = buildInbox(h, { name: 'Support', members: [ana, manager] });
  return { h, ana, manager, stranger, inboxId: inbox.id, number: buildNumber(h, { inbox }) };
}

const settings = (h: TestApp, inboxId: number) =>
  h.sqlite
    .prepare('SELECT auto_assign AS autoAssign, max_open_per_agent AS maxOpen FROM inboxes WHERE id = ?')
    .get(inboxId) as { autoAssign: number; maxOpen: number | null };

test('a manager switches round-robin on with a cap on the inbox list; the form shows what is set', async (t) => {
  const { h, manager, inboxId } = await setup(t);
  const m = await signedIn(h.app, manager.email);
  const list = await m.get(`/conversations?inbox=${inboxId}`);
  assert.match(list.body, /Round-robin is off/);
  assert.match(list.body, new RegExp(`<label for="max-open-${inboxId}">Most open conversations per agent`));
  assert.match(list.body, new RegExp(`<label for="auto-assign-${inboxId}">Assign new conversations in turn`));

  const saved = await m.post(`/inboxes/${inboxId}/auto-assign`, { enabled: '1', max_open: '3' });
  assert.equal(saved.statusCode, 303, 'without htmx: back to the list');
  assert.equal(saved.headers.location, `/conversations?inbox=${inboxId}`);
  assert.deepEqual(settings(h, inboxId), { autoAssign: 1, maxOpen: 3 });
  const after = (await m.get(`/conversations?inbox=${inboxId}`)).body;
  assert.match(after, /Round-robin is on/);
  assert.match(after, new RegExp(`id="auto-assign-${inboxId}" name="enabled" value="1" checked`));
  assert.match(after, /name="max_open"[^>]*value="3"/);

  // With htmx the settings are redrawn in place, saying they were saved.
  const inPlace = await m.post(`/inboxes/${inboxId}/auto-assign`, { max_open: ' ' }, HX);
  assert.equal(inPlace.statusCode, 200);
  assert.match(inPlace.body, /^<section id="inbox-settings"/);
  assert.match(inPlace.body, /Round-robin settings saved\./);
  assert.match(inPlace.body, /Round-robin is off/);
  assert.deepEqual(settings(h, inboxId), { autoAssign: 0, maxOpen: null }, 'unchecked is off, empty is no cap');
});

test('a bad cap is refused in place with 422 and changes nothing', async (t) => {
  const { h, manager, inboxId } = await setup(t);
  const m = await signedIn(h.app, manager.email);
  await m.post(`/inboxes/${inboxId}/auto-assign`, { enabled: '1', max_open: '10' });
  for (const bad of ['0', '501', 'abc', '1.5', '-3', '<b>7</b>']) {
    const res = await m.post(`/inboxes/${inboxId}/auto-assign`, { enabled: '1', max_open: bad }, HX);
    assert.equal(res.statusCode, 422, bad);
    assert.match(
      res.body,
      new RegExp(`<p class="field-error" id="max-open-${inboxId}-error">Enter a whole number from 1 to 500`),
    );
    assert.match(
      res.body,
      new RegExp(`name="max_open"[^>]*aria-invalid="true" aria-describedby="max-open-${inboxId}-error"`),
    );
    assert.doesNotMatch(res.body, /<b>7/, 'what was typed is shown escaped');
    assert.deepEqual(settings(h, inboxId), { autoAssign: 1, maxOpen: 10 });
  }
  const kept = await m.post(`/inboxes/${inboxId}/auto-assign`, { max_open: '999' }, HX);
  assert.match(kept.body, /name="max_open"[^>]*value="999"/, 'the typed value stays to be corrected');
  assert.doesNotMatch(
    kept.body,
    new RegExp(`id="auto-assign-${inboxId}" name="enabled" value="1" checked`),
    'so does the unchecked box',
  );
  const plain = await m.post(`/inboxes/${inboxId}/auto-assign`, { enabled: '1', max_open: '0' });
  assert.equal(plain.statusCode, 422, 'without htmx: the error page');
  assert.match(plain.body, /Enter a whole number from 1 to 500/);
  assert.deepEqual(settings(h, inboxId), { autoAssign: 1, maxOpen: 10 });
});

test('agents cannot, managers outside the inbox get 404, CSRF is required', async (t) => {
  const { h, ana, stranger, manager, inboxId } = await setup(t);
  const a = await signedIn(h.app, ana.email);
  assert.doesNotMatch((await a.get(`/conversations?inbox=${inboxId}`)).body, /Round-robin/);
  assert.equal((await a.post(`/inboxes/${inboxId}/auto-assign`, { enabled: '1', max_open: '' })).statusCode, 403);
  assert.equal((await a.post(`/inboxes/${inboxId}/auto-assign`, { enabled: '1', max_open: '' }, HX)).statusCode, 403);
  const s = await signedIn(h.app, stranger.email);
  assert.equal((await s.post(`/inboxes/${inboxId}/auto-assign`, { enabled: '1', max_open: '' })).statusCode, 404);
  const m = await signedIn(h.app, manager.email);
  assert.equal(
    (await m.post(`/inboxes/${inboxId}/auto-assign`, { enabled: '1', max_open: '' }, { csrf: false })).statusCode,
    403,
  );
  assert.equal((await m.post('/inboxes/999999/auto-assign', { enabled: '1', max_open: '' })).statusCode, 404);
  assert.equal((await m.post('/inboxes/abc/auto-assign', { enabled: '1', max_open: '' })).statusCode, 404);
  const signedOut = await new Client(h.app).post(`/inboxes/${inboxId}/auto-assign`, { enabled: '1', max_open: '' }, HX);
  assert.ok([401, 403].includes(signedOut.statusCode), `signed out: ${signedOut.statusCode}`);
  assert.deepEqual(settings(h, inboxId), { autoAssign: 0, maxOpen: null });
});

test('switched on in the browser, the next new conversation lands with an available agent, and the timeline says so', async (t) => {
  const { h, ana, manager, inboxId, number } = await setup(t);
  const m = await signedIn(h.app, manager.email);
  await m.post(`/inboxes/${inboxId}/auto-assign`, { enabled: '1', max_open: '' });
  setAvailability(h.app.domain, ana.actor, 'available');
  const conversationId = buildConversation(h, { number, texts: ['Where is my parcel?'] }).id;
  const a = await signedIn(h.app, ana.email);
  assert.match((await a.get('/conversations?view=mine')).body, new RegExp(`id="conversation-${conversationId}"`));
  const page = (await a.get(`/conversations/${conversationId}`)).body;
  assert.match(page, /Where is my parcel\?[\s\S]*Assigned to Ana automatically \(round-robin\)/);
  assert.deepEqual(
    h.sqlite.prepare('SELECT user_id AS userId, kind FROM notifications WHERE user_id = ? ORDER BY id').all(ana.id),
    [{ userId: ana.id, kind: 'assigned' }],
  );
  // With assignment mode off the form warns that round-robin has nothing to do.
  await m.post(`/inboxes/${inboxId}/assignment`, { enabled: '0' });
  assert.match(
    (await m.get(`/conversations?inbox=${inboxId}`)).body,
    /Round-robin assigns nothing while assignment is switched off/,
  );
});
