import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { buildConversation, buildInbox, buildUser } from '../factories.ts';
import { signedIn, type TestApp, testApp } from '../helper.ts';
import { HX } from './steps.ts';

async function setup(t: TestContext) {
  const h = await testApp(t);
  const manager = await buildUser(h, { role: 'manager', name: 'Mia' });
  const ana = await buildUser(h, { name: 'Ana' });
  const ben = await buildUser(h, { name: 'Ben' });
  const support = buildInbox(h, { name: 'Support', members: [manager, ana, ben] }).id;
  return { h, manager, ana, ben, support, conversationId: buildConversation(h, { inbox: 'Support' }).id };
}

const count = (h: TestApp) => h.sqlite.prepare('SELECT count(*) FROM canned_replies').pluck().get();
/** The id of the canned reply with this keyword (the page links it; the test reads it back). */
const cannedId = (h: TestApp, keyword: string) =>
  h.sqlite.prepare('SELECT id FROM canned_replies WHERE keyword = ?').pluck().get(keyword) as number;

test('the canned replies page: create, refuse in place, edit, delete; agents keep only their own', async (t) => {
  const { h, manager, ana, support } = await setup(t);
  const m = await signedIn(h.app, manager.email);
  const page = await m.get('/canned');
  assert.match(page.body, /Everyone in Support/);
  assert.match(page.body, /\{\{contact\.first_name\}\}/, 'the placeholders are listed');
  const created = await m.post('/canned', {
    scope: String(support),
    title: 'Greeting',
    keyword: 'hello',
    body: 'Hi {{contact.first_name}}!',
  });
  assert.equal(created.statusCode, 303);
  const bad = await m.post('/canned', {
    scope: String(support),
    title: 'Oops',
    keyword: 'oops',
    body: 'Hi {{contact.nick}}',
  });
  assert.equal(bad.statusCode, 422);
  assert.match(bad.body, /\{\{contact\.nick\}\} is not a placeholder we can fill/);
  assert.match(bad.body, /value="Oops"/, 'what was typed is kept');
  const taken = await m.post('/canned', { scope: String(support), title: 'Again', keyword: 'Hello', body: 'x' });
  assert.equal(taken.statusCode, 409);
  assert.equal(count(h), 1);
  const id = cannedId(h, 'hello');
  assert.equal((await m.post(`/canned/${id}`, { title: 'Greeting', keyword: 'hi', body: 'Hello!' })).statusCode, 303);
  assert.equal((await m.post(`/canned/${id}`, {}, { csrf: false })).statusCode, 403, 'CSRF');

  const a = await signedIn(h.app, ana.email);
  const agentPage = (await a.get('/canned')).body;
  assert.doesNotMatch(agentPage, /Everyone in Support/);
  assert.doesNotMatch(agentPage, /Delete Greeting/);
  assert.equal((await a.post(`/canned/${id}/delete`, {})).statusCode, 403);
  assert.equal(
    (await a.post('/canned', { scope: String(support), title: 'x', keyword: 'x', body: 'x' })).statusCode,
    403,
  );
  assert.equal(
    (await a.post('/canned', { scope: 'personal', title: 'Mine', keyword: 'mine', body: 'Cheers, {{agent.name}}' }))
      .statusCode,
    303,
  );
  const mine = cannedId(h, 'mine');
  assert.equal(
    (await m.post(`/canned/${mine}/delete`, {})).statusCode,
    404,
    'someone else’s quick reply does not exist for me',
  );
  assert.equal((await m.post(`/canned/${id}/delete`, {})).statusCode, 303);
  assert.equal(count(h), 1);
});

test('the composer: picker search, /keyword suggestions, insert filled in place of the typed keyword', async (t) => {
  const { h, manager, ana, ben, support, conversationId } = await setup(t);
  const m = await signedIn(h.app, manager.email);
  await m.post('/canned', {
    scope: String(support),
    title: 'Greeting',
    keyword: 'hello',
    body: 'Hi {{contact.first_name}}, this is {{agent.name}}.',
  });
  const a = await signedIn(h.app, ana.email);
  await a.post('/canned', { scope: 'personal', title: 'Sign-off', keyword: 'bye', body: 'Cheers!' });
  const hello = cannedId(h, 'hello');
  const bye = cannedId(h, 'bye');

  const picker = await a.get(`/conversations/${conversationId}/canned?q=greet`, HX.headers);
  assert.match(picker.body, /Insert “Greeting” \(\/hello\)/);
  assert.doesNotMatch(picker.body, /Sign-off/);
  const suggest = await a.post(
    '/compose/count',
    { body: 'Thanks for waiting /he', conversation: String(conversationId) },
    HX,
  );
  assert.match(suggest.body, /hx-target="#canned-suggest"/);
  assert.match(suggest.body, /Insert “Greeting”/);
  const none = await a.post('/compose/count', { body: 'a/he', conversation: String(conversationId) }, HX);
  assert.doesNotMatch(none.body, /Insert/, 'only a word that starts with /');

  const inserted = await a.post(
    `/conversations/${conversationId}/canned/${hello}/insert`,
    { body: 'Thanks for waiting /he' },
    HX,
  );
  assert.equal(inserted.statusCode, 200);
  assert.match(inserted.body, />Thanks for waiting Hi, this is Ana\.<\/textarea>/);
  const appended = await a.post(`/conversations/${conversationId}/canned/${bye}/insert`, { body: 'See you' }, HX);
  assert.match(appended.body, />See you\nCheers!<\/textarea>/);

  const b = await signedIn(h.app, ben.email);
  assert.doesNotMatch(
    (await b.get(`/conversations/${conversationId}/canned`, HX.headers)).body,
    /Sign-off/,
    'Ana’s quick reply is hers',
  );
  assert.equal(
    (await b.post(`/conversations/${conversationId}/canned/${bye}/insert`, { body: '' }, HX)).statusCode,
    404,
  );
});

test('a canned reply with $ signs is inserted as written', async (t) => {
  const { h, ana, conversationId } = await setup(t);
  const a = await signedIn(h.app, ana.email);
  await a.post('/canned', {
    scope: 'personal',
    title: 'Price',
    keyword: 'price',
    body: "It costs $& now, $' later, $1 or $$",
  });
  const id = cannedId(h, 'price');
  const res = await a.post(`/conversations/${conversationId}/canned/${id}/insert`, { body: 'Hello /pri' }, HX);
  assert.match(res.body, />Hello It costs \$&amp; now, \$&#39; later, \$1 or \$\$<\/textarea>/);
});
