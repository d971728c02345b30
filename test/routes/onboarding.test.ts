import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getConversation } from '../../src/domain/conversations/queries.ts';
import { queueReply } from '../../src/domain/messaging/outbox.ts';
import { buildConversation, buildInbox, buildNumber, buildUser } from '../factories.ts';
import { Client, signedIn, testApp } from '../helper.ts';
import { alertOf, HX } from './steps.ts';

const checklist = (body: string) => /<section id="getting-started"[\s\S]*?<\/section>/.exec(body)?.[0] ?? '';
const stepsOf = (html: string) =>
  [...html.matchAll(/<li class="(done|to-do)">[\s\S]*?<a href="[^"]*">([^<]*)<\/a>/g)].map((m) => `${m[2]}: ${m[1]}`);

test('the first admin joins the inboxes there are (the sandbox’s Support) and lands on the conversation list', async (t) => {
  const h = await testApp(t);
  const support = buildInbox(h, { name: 'Support' });
  const { id } = buildConversation(h, { inbox: support, texts: ['Anyone there?'] });
  const client = new Client(h.app);
  await client.get(`/setup?token=${h.app.setup.token}`);
  const done = await client.post('/setup', {
    token: h.app.setup.token!,
    name: 'Ada',
    email: 'ada@example.test',
    password: 'a long enough password',
  });
  assert.equal(done.statusCode, 303);
  const home = await client.get(done.headers.location as string);
  assert.equal(home.statusCode, 303);
  assert.equal(home.headers.location, '/conversations', 'sign-in lands on the conversations');
  const list = await client.get('/conversations');
  assert.match(list.body, /Anyone there\?/);

  // A member of Support, so Assign offers her and she can take it.
  const page = await client.get(`/conversations/${id}`);
  assert.match(page.body, /<option value="\d+"[^>]*>Ada<\/option>/);
  const version = String(getConversation(h.app.domain, { id: 1, role: 'admin' }, id).version);
  const assigned = await client.post(`/conversations/${id}/assign`, { version, assignee: '1' }, HX);
  assert.equal(assigned.statusCode, 200);
  assert.match(assigned.body, /Assigned to Ada/);
});

test('an assignment with nobody to pick says so, not that someone changed the conversation', async (t) => {
  const h = await testApp(t);
  const admin = await buildUser(h, { role: 'admin', name: 'Ada' });
  const { id } = buildConversation(h, { inbox: buildInbox(h, { name: 'Empty' }) });
  const client = await signedIn(h.app, admin.email);
  const version = () => String(getConversation(h.app.domain, admin.actor, id).version);
  const refused = await client.post(`/conversations/${id}/assign`, { version: version(), assignee: '' }, HX);
  assert.equal(refused.statusCode, 422);
  assert.match(alertOf(refused.body), /Nobody can be assigned here yet: this inbox has no members/);
  assert.doesNotMatch(refused.body, /Someone changed this conversation/);

  const german = await signedIn(h.app, (await buildUser(h, { role: 'admin' })).email);
  const inGerman = await german.post(
    `/conversations/${id}/assign`,
    { version: version(), assignee: '' },
    { headers: { ...HX.headers, 'accept-language': 'de' } },
  );
  assert.equal(inGerman.statusCode, 422);
  assert.match(alertOf(inGerman.body), /Hier kann noch niemand zugewiesen werden/);
});

test('admins see a getting-started checklist that ticks itself from the data and may be put away once done', async (t) => {
  const h = await testApp(t);
  const admin = await buildUser(h, { role: 'admin', name: 'Ada' });
  const inbox = buildInbox(h, { name: 'Support', members: [admin] });
  const { id } = buildConversation(h, { number: buildNumber(h, { inbox }) });
  const client = await signedIn(h.app, admin.email);
  const shown = async () => checklist((await client.get('/conversations')).body);

  assert.deepEqual(stepsOf(await shown()), [
    'Add a teammate: to-do',
    'Connect a carrier: to-do',
    'Send a test text: to-do',
  ]);
  assert.doesNotMatch(await shown(), /Dismiss the checklist/, 'not before everything is done');
  const early = await client.post('/getting-started/dismiss', {}, HX);
  assert.equal(early.statusCode, 422);
  assert.match(alertOf(early.body), /stays until everything on it is done/);

  const agent = await buildUser(h, { name: 'Ben' });
  assert.equal(checklist((await (await signedIn(h.app, agent.email)).get('/conversations')).body), '', 'admins only');
  buildNumber(h, { inbox, smpp: 'carrier' });
  queueReply(h.app.domain, admin.actor, id, 'Testing 1 2 3');
  assert.deepEqual(stepsOf(await shown()), [
    'Add a teammate: done',
    'Connect a carrier: done',
    'Send a test text: done',
  ]);
  assert.match(await shown(), /All set/);

  assert.equal((await client.post('/getting-started/dismiss', {}, HX)).statusCode, 200);
  assert.equal(await shown(), '', 'put away for good');
  assert.equal((await client.post('/getting-started/dismiss', {}, { csrf: false })).statusCode, 403, 'CSRF');
  const agentClient = await signedIn(h.app, agent.email);
  assert.equal((await agentClient.post('/getting-started/dismiss', {}, HX)).statusCode, 403, 'admins only');
});
