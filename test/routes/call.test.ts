import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildConversation, buildInbox, buildUser } from '../factories.ts';
import { signedIn, testApp } from '../helper.ts';
import { alertOf, HX } from './steps.ts';

test('the contact panel links to tel: (or the click-to-call URL); following a link is what logs the call', async (t) => {
  const h = await testApp(t);
  const ana = await buildUser(h, { name: 'Ana' });
  const { id, phone } = buildConversation(h, { inbox: buildInbox(h, { members: [ana] }) });
  const client = await signedIn(h.app, ana.email);
  const events = () =>
    h.sqlite.prepare('SELECT kind FROM conversation_events WHERE conversation_id = ? ORDER BY id').pluck().all(id);

  const page = await client.get(`/conversations/${id}`);
  assert.match(page.body, new RegExp(`<a class="button" href="tel:\\${phone}"[^>]*>Call</a>`));
  assert.doesNotMatch(page.body, />Start a meeting</, 'no meeting link without contacts.meeting_url');
  assert.deepEqual(events(), [], 'showing the link logs nothing');

  assert.equal((await client.post(`/conversations/${id}/call`, { kind: 'call' }, HX)).statusCode, 204);
  assert.deepEqual(events(), ['call_started']);
  const noMeeting = await client.post(`/conversations/${id}/call`, { kind: 'meeting' }, HX);
  assert.equal(noMeeting.statusCode, 422);
  assert.match(alertOf(noMeeting.body), /meeting/i);
  assert.equal((await client.post(`/conversations/${id}/call`, { kind: 'call' }, { csrf: false })).statusCode, 403);
  const outsider = await signedIn(h.app, (await buildUser(h)).email);
  assert.equal((await outsider.post(`/conversations/${id}/call`, { kind: 'call' }, HX)).statusCode, 404);
  assert.deepEqual(events(), ['call_started'], 'refusals log nothing');

  h.configStore.current = {
    ...h.configStore.current,
    contacts: {
      ...h.configStore.current.contacts,
      call_url: 'https://pbx.example/dial?to={number}&ext={extension}',
      meeting_url: 'https://meet.example/{conversation}?name={name}',
    },
  };
  const links = (await client.get(`/conversations/${id}`)).body;
  assert.match(
    links,
    new RegExp(`href="https://pbx.example/dial\\?to=${encodeURIComponent(phone)}&amp;ext="[^>]*>Call<`),
  );
  assert.match(links, new RegExp(`href="https://meet.example/${id}\\?name=[^"]*" target="_blank" rel="noopener"`));
});
