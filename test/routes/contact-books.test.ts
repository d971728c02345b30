import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { buildInbox, buildNumber, buildUser, receiveText } from '../factories.ts';
import { signedIn, type TestApp, testApp } from '../helper.ts';
import { HX } from './steps.ts';

const SHOP = '+15551230000';
const SALES = '+15551231111';
const PERSONAL = '+15551239999';
const CUSTOMER = '+15557654321';
const SECRETS = ['Pia Private', 'pia@private.test', 'Secret Co', 'PRIVATE NOTE'];

const value = (h: TestApp, sql: string, ...params: unknown[]) =>
  h.sqlite
    .prepare(sql)
    .pluck()
    .get(...params);
const contactOf = (h: TestApp, conversationId: number) =>
  value(h, 'SELECT contact_id FROM conversations WHERE id = ?', conversationId) as number;
const bookOf = (h: TestApp, contactId: number) =>
  value(h, 'SELECT book FROM contacts WHERE id = ?', contactId) as number;
const version = (h: TestApp, conversationId: number) =>
  String(value(h, 'SELECT version FROM conversations WHERE id = ?', conversationId));
const idIn = (location: unknown) => Number(/\/conversations\/(\d+)/.exec(String(location))![1]);

function hidesSecrets(body: string, where: string): void {
  for (const secret of SECRETS) assert.ok(!body.includes(secret), `${where} shows "${secret}"`);
}

/** Ana's personal number names a customer; Ben and the admin then deal with the same number in shared inboxes. */
async function setup(t: TestContext) {
  const h = await testApp(t, { contacts: { default_country: 'US' } });
  const admin = await buildUser(h, { role: 'admin', name: 'Ada' });
  const ana = await buildUser(h, { name: 'Ana' });
  const ben = await buildUser(h, { name: 'Ben' });
  const numbers = [
    buildNumber(h, { e164: SHOP, inbox: buildInbox(h, { name: 'Support', members: [ana, ben] }) }),
    buildNumber(h, { e164: SALES, inbox: buildInbox(h, { name: 'Sales', members: [ben] }) }),
    buildNumber(h, { e164: PERSONAL, owner: ana }),
  ];
  const numberId = (e164: string) => numbers.find((n) => n.e164 === e164)!.id;
  const personal = receiveText(h, { from: CUSTOMER, to: PERSONAL, text: 'Hi Ana, it is me' });
  const a = await signedIn(h.app, ana.email);
  const pia = contactOf(h, personal.conversationId);
  const named = await a.post(
    `/contacts/${pia}?conversation=${personal.conversationId}`,
    { name: 'Pia Private', phones: CUSTOMER, email: 'pia@private.test', company: 'Secret Co', notes: 'PRIVATE NOTE' },
    HX,
  );
  assert.equal(named.statusCode, 200);
  return { h, admin, ana, ben, a, pia, personalId: personal.conversationId, numberId };
}

test('a personal inbox’s contact details stay with its owner: a colleague texting the number from a shared inbox sees none of them', async (t) => {
  const { h, admin, ana, ben, a, pia, personalId, numberId } = await setup(t);
  const b = await signedIn(h.app, ben.email);
  const started = await b.post('/conversations/new', {
    from: String(numberId(SHOP)),
    to: CUSTOMER,
    body: 'Hello from Support',
  });
  assert.equal(started.statusCode, 303);
  const shared = idIn(started.headers.location);
  const answered = receiveText(h, { from: CUSTOMER, to: SHOP, text: 'Thanks, Support' });
  const sales = receiveText(h, { from: CUSTOMER, to: SALES, text: 'And a question for Sales' });
  assert.equal(answered.conversationId, shared, 'the text continues the conversation Ben started');

  const team = contactOf(h, shared);
  assert.notEqual(team, pia, 'the shared inbox has its own contact for the number');
  assert.equal(bookOf(h, team), 0);
  assert.equal(contactOf(h, sales.conversationId), team, 'another shared inbox finds the team’s contact');
  assert.equal(bookOf(h, pia), ana.id);
  assert.equal(contactOf(h, personalId), pia);

  const ad = await signedIn(h.app, admin.email);
  for (const [who, c] of [
    ['Ben', b],
    ['the admin', ad],
  ] as const) {
    hidesSecrets((await c.get(`/conversations/${shared}`)).body, `${who}'s conversation page`);
    hidesSecrets((await c.get(`/conversations/${sales.conversationId}`)).body, `${who}'s Sales conversation`);
    hidesSecrets((await c.get('/conversations')).body, `${who}'s inbox list`);
    hidesSecrets((await c.get('/favourites')).body, `${who}'s favourites`);
    for (const q of ['Pia', 'Secret', '+1555765'])
      hidesSecrets(
        (await c.get(`/contacts/search?conversation=${shared}&q=${encodeURIComponent(q)}`)).body,
        `${who}'s search for ${q}`,
      );
    assert.equal(
      (await c.get(`/conversations/new?contact=${pia}`)).statusCode,
      404,
      `${who} cannot start from Ana's contact by id`,
    );
    assert.equal((await c.post(`/contacts/${pia}`, { name: 'Hijacked' })).statusCode, 404);
    assert.equal((await c.post(`/contacts/${pia}/favourite`, { favourite: '1' })).statusCode, 404);
    assert.equal(
      (await c.post(`/conversations/${shared}/contact`, { version: version(h, shared), contact: String(pia) }, HX))
        .statusCode,
      404,
      `${who} cannot link to it by id`,
    );
    assert.equal(
      (await c.post('/conversations/new', { from: String(numberId(SHOP)), contact: String(pia), body: 'x' }))
        .statusCode,
      404,
    );
  }
  assert.equal(value(h, 'SELECT name FROM contacts WHERE id = ?', pia), 'Pia Private', 'nothing changed it');
  assert.equal(contactOf(h, shared), team);

  // The team names its contact; Ana keeps her own details, and sees the team's only in the shared inbox.
  await b.post(
    `/contacts/${team}?conversation=${shared}`,
    { name: 'Carl Team', phones: CUSTOMER, notes: 'team note' },
    HX,
  );
  // The conversation's pane: the list beside it shows the shared inbox's conversations, which Ana may see.
  const page = (await a.get(`/conversations/${personalId}`)).body;
  const own = page.slice(page.indexOf('id="conversation-pane"'));
  for (const secret of SECRETS) assert.ok(own.includes(secret), `Ana still sees "${secret}"`);
  assert.doesNotMatch(own, /Carl Team|team note/);
  const teamView = (await a.get(`/conversations/${shared}`)).body;
  assert.match(teamView, /Carl Team/);
  hidesSecrets(teamView, 'Ana’s view of the shared conversation');
  const later = receiveText(h, { from: CUSTOMER, to: PERSONAL, text: 'Me again' });
  assert.equal(contactOf(h, later.conversationId), pia, 'a text to the personal number stays with Ana’s contact');
});

test('a number’s history shows the shared inbox the messages, not the name its owner gave the customer', async (t) => {
  const { h, ben, personalId, numberId } = await setup(t);
  buildNumber(h, { e164: PERSONAL, inbox: 'Support' });
  const b = await signedIn(h.app, ben.email);
  const old = await b.get(`/conversations/${personalId}`);
  assert.equal(old.statusCode, 200);
  assert.match(old.body, /Hi Ana, it is me/);
  hidesSecrets(old.body, 'the history conversation');
  hidesSecrets((await b.get(`/conversations?view=history&number=${numberId(PERSONAL)}`)).body, 'the history list');
});

test('starting from a personal number with a team contact uses the owner’s own contact, named like the team’s', async (t) => {
  const { h, ana, numberId } = await setup(t);
  const a = await signedIn(h.app, ana.email);
  const handMade = await a.post('/contacts', { name: 'Walk-in Willa', phones: '555 444 3333', notes: 'team only' });
  assert.equal(handMade.statusCode, 303);
  const willa = value(h, `SELECT id FROM contacts WHERE name = 'Walk-in Willa'`) as number;
  const started = await a.post('/conversations/new', {
    from: String(numberId(PERSONAL)),
    contact: String(willa),
    body: 'Hi Willa',
  });
  assert.equal(started.statusCode, 303);
  const mine = contactOf(h, idIn(started.headers.location));
  assert.notEqual(mine, willa);
  assert.deepEqual(h.sqlite.prepare('SELECT book, name, notes FROM contacts WHERE id = ?').get(mine), {
    book: ana.id,
    name: 'Walk-in Willa',
    notes: null,
  });
  assert.deepEqual(h.sqlite.prepare('SELECT book, phone FROM contact_phones WHERE contact_id = ?').all(mine), [
    { book: ana.id, phone: '+15554443333' },
  ]);
});
