import assert from 'node:assert/strict';
import { test } from 'node:test';
import { knownEmoji, searchEmoji } from '../../src/domain/emoji/catalog.ts';
import { buildInbox, buildNumber, buildUser, receiveText } from '../factories.ts';
import { signedIn, testApp } from '../helper.ts';
import { HX } from './steps.ts';

test('the emoji catalogue: search by name or keyword in the reader’s language; only known emoji pass', () => {
  assert.equal(searchEmoji('thumbs up', 'en')[0]?.label, 'thumbs up');
  assert.ok(searchEmoji('daumen', 'de').some((e) => knownEmoji(e.unicode) === knownEmoji('👍')));
  assert.ok(searchEmoji('', 'en').length > 0);
  assert.equal(knownEmoji('👍'), knownEmoji('👍\uFE0F'), 'with or without the variation selector');
  assert.equal(knownEmoji('<b>'), null);
  assert.equal(knownEmoji('👍👍'), null);
});

test('reactions: members react and take it back, everyone sees who; nothing goes to the customer; others get 404', async (t) => {
  const h = await testApp(t);
  const ana = await buildUser(h, { name: 'Ana' });
  const ben = await buildUser(h, { name: 'Ben' });
  const otto = await buildUser(h, { name: 'Otto' });
  buildInbox(h, { name: 'Other', members: [otto] });
  const support = buildInbox(h, { name: 'Support', members: [ana, ben] });
  const text = receiveText(h, { to: buildNumber(h, { inbox: support }), text: 'Thank you so much!' });
  const a = await signedIn(h.app, ana.email);
  const b = await signedIn(h.app, ben.email);
  assert.equal((await a.post(`/messages/${text.messageId}/reactions`, { emoji: '❤️' }, HX)).statusCode, 204);
  assert.equal((await b.post(`/messages/${text.messageId}/reactions`, { emoji: '❤️' }, HX)).statusCode, 204);
  assert.equal((await b.post(`/messages/${text.messageId}/reactions`, { emoji: '👍' }, HX)).statusCode, 204);
  let page = (await a.get(`/conversations/${text.conversationId}`)).body;
  assert.match(page, /aria-pressed="true" aria-label="❤️ 2: Ana, Ben"/);
  assert.match(page, /aria-pressed="false" aria-label="👍️? 1: Ben"/);
  await a.post(`/messages/${text.messageId}/reactions`, { emoji: '❤️' }, HX);
  page = (await a.get(`/conversations/${text.conversationId}`)).body;
  assert.match(page, /aria-pressed="false" aria-label="❤️ 1: Ben"/, 'Ana took hers back');
  assert.equal(
    h.sqlite.prepare(`SELECT count(*) FROM messages WHERE direction = 'out'`).pluck().get(),
    0,
    'nothing is texted to the customer',
  );

  const before = h.sqlite.prepare('SELECT count(*) FROM message_reactions').pluck().get();
  const o = await signedIn(h.app, otto.email);
  assert.equal((await o.post(`/messages/${text.messageId}/reactions`, { emoji: '👍' }, HX)).statusCode, 404);
  assert.equal((await a.post(`/messages/${text.messageId}/reactions`, { emoji: 'lol' }, HX)).statusCode, 422);
  assert.equal((await a.post('/messages/999999/reactions', { emoji: '👍' }, HX)).statusCode, 404);
  assert.equal(
    (await a.post(`/messages/${text.messageId}/reactions`, { emoji: '👍' }, { csrf: false })).statusCode,
    403,
  );
  assert.equal(h.sqlite.prepare('SELECT count(*) FROM message_reactions').pluck().get(), before);

  // The picker: recently used first, then search.
  assert.equal((await a.post('/emoji/recent', { emoji: '🎉' }, HX)).statusCode, 204);
  const picker = await a.get(`/emoji?for=reply-body`, HX.headers);
  assert.equal(/data-insert-emoji="([^"]+)"/.exec(picker.body)?.[1], '🎉', 'the last one used comes first');
  const reactPicker = await a.get(`/emoji?react=${text.messageId}&q=party`, HX.headers);
  assert.match(reactPicker.body, /React with party popper/);
});
