import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setMembers } from '../../src/domain/inboxes/service.ts';
import { receiveSms } from '../../src/domain/messaging/inbound.ts';
import { defaultKeywordTexts } from '../../src/domain/messaging/texts.ts';
import { syncNumbers } from '../../src/domain/numbers/sync.ts';
import { addUser, buildTestApp, signedIn } from '../helper.ts';

const SHOP = '+15551230000';

async function setup(registration: 'registered' | 'pending' = 'registered') {
  const h = await buildTestApp();
  const admin = await addUser(h.app, 'admin');
  const agent = await addUser(h.app, 'agent', 'Ana');
  const outsider = await addUser(h.app, 'agent', 'Bo');
  syncNumbers(h.app.domain, [{ e164: SHOP, smpp: 'sandbox', inbox: 'Support', registration, throughput: 0 }]);
  const inboxId = h.sqlite.prepare(`SELECT id FROM inboxes WHERE name = 'Support'`).pluck().get() as number;
  setMembers(h.app.domain, admin.actor, inboxId, [agent.id]);
  const inbound = receiveSms(h.app.domain, { from: '+15557654321', to: SHOP, text: 'Is my order <b>ready</b>?' }, () => defaultKeywordTexts);
  assert.ok(inbound.stored);
  return { h, admin, agent, outsider, inboxId, conversationId: inbound.conversationId };
}

test('the inbox lists the conversation; the conversation shows the text escaped and takes a reply', async (t) => {
  const { h, agent, inboxId, conversationId } = await setup();
  t.after(() => h.close());
  const client = await signedIn(h.app, agent.email);
  const list = await client.get(`/conversations?inbox=${inboxId}`);
  assert.equal(list.statusCode, 200);
  assert.match(list.body, /\+15557654321/);
  assert.match(list.body, /unknown number/);
  const page = await client.get(`/conversations/${conversationId}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Is my order &lt;b&gt;ready&lt;\/b&gt;\?/);
  const sent = await client.post(`/conversations/${conversationId}/messages`, { body: 'Yes, come by!' }, { headers: { 'hx-request': 'true' } });
  assert.equal(sent.statusCode, 200);
  assert.match(sent.body, /<form id="composer"/);
  assert.match(sent.body, /<hx-upsert hx-target="#timeline-\d+"/);
  assert.match(sent.body, /Yes, come by!/);
  assert.match(sent.body, /Queued/, 'not shown as sent before the SMSC acknowledged it');
  assert.equal(h.sqlite.prepare(`SELECT status FROM messages WHERE body = 'Yes, come by!'`).pluck().get(), 'queued');
});

test('refused replies come back in place with the reason, and nothing is queued', async (t) => {
  const { h, agent, conversationId } = await setup('pending');
  t.after(() => h.close());
  const client = await signedIn(h.app, agent.email);
  const page = await client.get(`/conversations/${conversationId}`);
  assert.match(page.body, /carrier registration \(10DLC\) is pending/, 'the banner says what to do');
  const inboxId = h.sqlite.prepare(`SELECT inbox_id FROM conversations WHERE id = ?`).pluck().get(conversationId);
  assert.match((await client.get(`/conversations?inbox=${inboxId}`)).body, /Texts from \+15551230000 are blocked/, 'the inbox shows it too');
  const refused = await client.post(`/conversations/${conversationId}/messages`, { body: 'Hello' }, { headers: { 'hx-request': 'true' } });
  assert.equal(refused.statusCode, 422);
  assert.match(refused.body, /<form id="composer"/);
  assert.match(refused.body, /aria-invalid="true"/);
  assert.match(refused.body, /carriers block texts from unregistered numbers/);
  assert.match(refused.body, />Hello<\/textarea>/, 'what was typed is kept');
  assert.equal(h.sqlite.prepare(`SELECT count(*) FROM messages WHERE direction = 'out'`).pluck().get(), 0);
});

test('someone outside the inbox gets 404 for the conversation and cannot reply by id', async (t) => {
  const { h, outsider, conversationId } = await setup();
  t.after(() => h.close());
  const client = await signedIn(h.app, outsider.email);
  assert.equal((await client.get(`/conversations/${conversationId}`)).statusCode, 404);
  assert.equal((await client.post(`/conversations/${conversationId}/messages`, { body: 'Hi' })).statusCode, 404);
  assert.equal((await client.get('/conversations/abc')).statusCode, 404);
  assert.equal(h.sqlite.prepare(`SELECT count(*) FROM messages WHERE direction = 'out'`).pluck().get(), 0);
});

test('the composer counts characters left and SMS as the agent types, GSM or Unicode', async (t) => {
  const { h, agent, conversationId } = await setup();
  t.after(() => h.close());
  const client = await signedIn(h.app, agent.email);
  const page = await client.get(`/conversations/${conversationId}`);
  assert.match(page.body, /160 characters left · 1 SMS/);
  const count = (body: string) => client.post('/compose/count', { body }, { headers: { 'hx-request': 'true' } }).then((r) => r.body);
  assert.match(await count('Hello'), /155 characters left · 1 SMS/);
  assert.match(await count('€'), /158 characters left/, '€ costs two septets');
  assert.match(await count('x'.repeat(161)), /145 characters left · 2 SMS/);
  assert.match(await count('Hi 😀'), /65 characters left · 1 SMS \(emoji/);
});
