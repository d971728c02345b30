import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildConversation, buildInbox, buildNumber, buildUser } from '../factories.ts';
import { signedIn, testApp } from '../helper.ts';
import { HX } from './steps.ts';

test('the send key is stored per user and put on the composer and the note form; anything else is refused', async (t) => {
  const h = await testApp(t);
  const ana = await buildUser(h, { name: 'Ana' });
  const ben = await buildUser(h, { name: 'Ben' });
  buildInbox(h, { name: 'Support', members: [ana, ben] });
  const number = buildNumber(h, { e164: '+15551230000', inbox: 'Support' });
  const { id } = buildConversation(h, { number, from: '+15557654321', texts: ['Hi'] });
  const a = await signedIn(h.app, ana.email);
  const b = await signedIn(h.app, ben.email);
  const keysOn = async (client: typeof a) =>
    [...(await client.get(`/conversations/${id}`)).body.matchAll(/data-send-key="([a-z_]+)"/g)].map((m) => m[1]);

  assert.deepEqual(await keysOn(a), ['ctrl_enter', 'ctrl_enter'], 'Ctrl+Enter sends until chosen otherwise');
  assert.match(
    (await a.get('/settings')).body,
    /id="send-key-ctrl_enter" type="radio" name="send_key" value="ctrl_enter" checked/,
  );

  const saved = await a.post('/settings/send-key', { send_key: 'enter' }, HX);
  assert.equal(saved.statusCode, 200);
  assert.match(saved.body, /^<section id="settings-send-key"/);
  assert.match(saved.body, /value="enter" checked/);
  assert.match(saved.body, /role="status">Saved/);
  assert.deepEqual(await keysOn(a), ['enter', 'enter']);
  assert.match((await a.get(`/conversations/${id}`)).body, /Enter sends, Shift\+Enter starts a new line/);
  assert.deepEqual(await keysOn(b), ['ctrl_enter', 'ctrl_enter'], 'Ben’s stays his own');

  const wrong = await a.post('/settings/send-key', { send_key: 'space' }, HX);
  assert.equal(wrong.statusCode, 422);
  assert.match(wrong.body, /Choose one of the two ways to send\./);
  const noToken = await a.post('/settings/send-key', { send_key: 'ctrl_enter' }, { csrf: false });
  assert.equal(noToken.statusCode, 403);
  assert.deepEqual(await keysOn(a), ['enter', 'enter'], 'neither changed it');

  // Without JavaScript the whole settings page comes back.
  const page = await a.post('/settings/send-key', { send_key: 'ctrl_enter' });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /<h2 id="send-key-heading">/);
  assert.deepEqual(await keysOn(a), ['ctrl_enter', 'ctrl_enter']);
});
