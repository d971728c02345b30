import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setMembers } from '../../src/domain/inboxes/service.ts';
import { receiveSms } from '../../src/domain/messaging/inbound.ts';
import { defaultKeywordTexts } from '../../src/domain/messaging/texts.ts';
import { syncNumbers } from '../../src/domain/numbers/sync.ts';
import { addUser, buildTestApp, signedIn, type TestApp } from '../helper.ts';

const SHOP = '+15551230000';
const SALES = '+15551231111';
const PERSONAL = '+15551239999';
const CUSTOMER = '+15557654321';
const HX = { headers: { 'hx-request': 'true' } };
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
async function setup() {
  const h = await buildTestApp({ contacts: { default_country: 'US' } });
  const admin = await addUser(h.app, 'admin', 'Ada');
  const ana = await addUser(h.app, 'agent', 'Ana');
  const ben = await addUser(h.app, 'agent', 'Ben');
  const numbers = (personalInbox?: string) => [
    { e164: SHOP, smpp: 'sandbox', inbox: 'Support', registration: 'registered' as const, throughput: 0 },
    { e164: SALES, smpp: 'sandbox', inbox: 'Sales', registration: 'registered' as const, throughput: 0 },
    personalInbox
      ? { e164: PERSONAL, smpp: 'sandbox', inbox: personalInbox, registration: 'registered' as const, throughput: 0 }
      : { e164: PERSONAL, smpp: 'sandbox', owner: ana.email, registration: 'registered' as const, throughput: 0 },
  ];
  syncNumbers(h.app.domain, numbers());
  const inbox = (name: string) => value(h, 'SELECT id FROM inboxes WHERE name = ?', name) as number;
  setMembers(h.app.domain, admin.actor, inbox('Support'), [ana.id, ben.id]);
  setMembers(h.app.domain, admin.actor, inbox('Sales'), [ben.id]);
  const personal = receiveSms(
    h.app.domain,
    { from: CUSTOMER, to: PERSONAL, text: 'Hi Ana, it is me' },
    () => defaultKeywordTexts,
  );
  assert.ok(personal.stored);
  const a = await signedIn(h.app, ana.email);
  const pia = contactOf(h, personal.conversationId);
  const named = await a.post(
    `/contacts/${pia}?conversation=${personal.conversationId}`,
    { name: 'Pia Private', phones: CUSTOMER, email: 'pia@private.test', company: 'Secret Co', notes: 'PRIVATE NOTE' },
    HX,
  );
  assert.equal(named.statusCode, 200);
  const numberId = (e164: string) => value(h, 'SELECT id FROM numbers WHERE e164 = ?', e164) as number;
  return { h, admin, ana, ben, a, pia, personalId: personal.conversationId, numberId, numbers };
}

test('a personal inbox’s contact details stay with its owner: a colleague texting the number from a shared inbox sees none of them', async (t) => {
  const { h, admin, ana, ben, a, pia, personalId, numberId } = await setup();
  t.after(() => h.close());
  const b = await signedIn(h.app, ben.email);
  const started = await b.post('/conversations/new', {
    from: String(numberId(SHOP)),
    to: CUSTOMER,
    body: 'Hello from Support',
  });
  assert.equal(started.statusCode, 303);
  const shared = idIn(started.headers.location);
  const answered = receiveSms(
    h.app.domain,
    { from: CUSTOMER, to: SHOP, text: 'Thanks, Support' },
    () => defaultKeywordTexts,
  );
  const sales = receiveSms(
    h.app.domain,
    { from: CUSTOMER, to: SALES, text: 'And a question for Sales' },
    () => defaultKeywordTexts,
  );
  assert.ok(answered.stored && sales.stored);
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
  const own = (await a.get(`/conversations/${personalId}`)).body;
  for (const secret of SECRETS) assert.ok(own.includes(secret), `Ana still sees "${secret}"`);
  assert.doesNotMatch(own, /Carl Team|team note/);
  const teamView = (await a.get(`/conversations/${shared}`)).body;
  assert.match(teamView, /Carl Team/);
  hidesSecrets(teamView, 'Ana’s view of the shared conversation');
  const later = receiveSms(h.app.domain, { from: CUSTOMER, to: PERSONAL, text: 'Me again' }, () => defaultKeywordTexts);
  assert.ok(later.stored);
  assert.equal(contactOf(h, later.conversationId), pia, 'a text to the personal number stays with Ana’s contact');
});

test('a number’s history shows the shared inbox the messages, not the name its owner gave the customer', async (t) => {
  const { h, ben, personalId, numberId, numbers } = await setup();
  t.after(() => h.close());
  syncNumbers(h.app.domain, numbers('Support'));
  const b = await signedIn(h.app, ben.email);
  const old = await b.get(`/conversations/${personalId}`);
  assert.equal(old.statusCode, 200);
  assert.match(old.body, /Hi Ana, it is me/);
  hidesSecrets(old.body, 'the history conversation');
  hidesSecrets((await b.get(`/conversations?view=history&number=${numberId(PERSONAL)}`)).body, 'the history list');
});

test('starting from a personal number with a team contact uses the owner’s own contact, named like the team’s', async (t) => {
  const { h, ana, numberId } = await setup();
  t.after(() => h.close());
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
