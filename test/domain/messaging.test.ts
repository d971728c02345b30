import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canSeeInbox } from '../../src/domain/inboxes/access.ts';
import { listInboxesFor, setMembers } from '../../src/domain/inboxes/service.ts';
import { receiveMessage } from '../../src/domain/messaging/inbound.ts';
import { keywordOf } from '../../src/domain/messaging/keywords.ts';
import { queueReply } from '../../src/domain/messaging/outbox.ts';
import { defaultKeywordTexts, keywordTextsOf } from '../../src/domain/messaging/texts.ts';
import { syncNumbers, type NumberConfig } from '../../src/domain/numbers/sync.ts';
import { buildConversation, buildInbox, buildNumber, buildUser, receiveText } from '../factories.ts';
import { buildTestApp, refusal, type TestApp } from '../helper.ts';

const SHOP = '+15551230000';
const CUSTOMER = '+15557654321';
const texts = () => defaultKeywordTexts;
const number = (over: Partial<NumberConfig> = {}): NumberConfig => ({
  e164: SHOP,
  smpp: 'sandbox',
  inbox: 'Support',
  registration: 'registered',
  throughput: 0,
  ...over,
});

async function setup(over: Pick<NumberConfig, 'registration'> = { registration: 'registered' }) {
  const h = await buildTestApp();
  const [admin, agent] = await Promise.all([buildUser(h, { role: 'admin' }), buildUser(h)]);
  const shop = buildNumber(h, { e164: SHOP, inbox: 'Support', ...over });
  return { h, admin, agent, shop };
}

const rows = (h: TestApp, sql: string, ...params: unknown[]) =>
  h.sqlite.prepare(sql).all(...params) as Record<string, unknown>[];

test('keywords: the whole message, any case, surrounding spaces and punctuation', () => {
  for (const text of [
    'STOP',
    ' stop ',
    'Stop!',
    'stopall',
    'Unsubscribe.',
    'cancel',
    'END',
    'quit',
    'Revoke',
    'OPTOUT',
    'opt out',
    'Opt-Out',
    '«STOP»',
  ]) {
    assert.equal(keywordOf(text), 'stop', text);
  }
  for (const text of ['START', 'unstop', 'Yes!']) assert.equal(keywordOf(text), 'start', text);
  assert.equal(keywordOf(' help? '), 'help');
  for (const text of ["don't stop", 'stop it', 'yes please', 'helpful', '']) assert.equal(keywordOf(text), null, text);
});

test("numbers from the config: shared inbox created when missing, personal ones in the owner's private inbox", async (t) => {
  const { h, agent } = await setup();
  t.after(() => h.close());
  const ana = await buildUser(h, { name: 'Ana', email: 'ana@example.test' });
  const result = syncNumbers(h.app.domain, [
    number(),
    number({ e164: '+15550000001', inbox: undefined, owner: 'Ana@Example.test' }),
    number({ e164: '+15550000002', inbox: undefined, owner: 'ghost@example.test' }),
  ]);
  assert.deepEqual(result.synced, [SHOP, '+15550000001']);
  assert.deepEqual(result.skipped, [{ e164: '+15550000002', reason: 'owner ghost@example.test is not a user' }]);
  const inboxes = rows(h, 'SELECT name, owner_user_id FROM inboxes ORDER BY id');
  assert.deepEqual(inboxes, [
    { name: 'Support', owner_user_id: null },
    { name: `personal-${ana.id}`, owner_user_id: ana.id },
  ]);
  syncNumbers(h.app.domain, [number({ registration: 'pending' })]);
  assert.equal(rows(h, 'SELECT registration FROM numbers WHERE e164 = ?', SHOP)[0]?.registration, 'pending');
  assert.deepEqual(listInboxesFor(h.app.domain, agent.actor), [], 'an agent is not made a member by the config');
});

test('an inbound text from an unknown sender creates a contact shown as the number and a conversation', async (t) => {
  const { h } = await setup();
  t.after(() => h.close());
  const first = receiveMessage(h.app.domain, { from: CUSTOMER, to: SHOP, text: 'Hi there' }, texts);
  assert.ok(first.stored);
  const second = receiveMessage(h.app.domain, { from: CUSTOMER, to: SHOP, text: 'Still there?' }, texts);
  assert.ok(second.stored);
  assert.equal(second.conversationId, first.conversationId, 'joins the open conversation');
  assert.deepEqual(rows(h, 'SELECT name, phone FROM contacts JOIN contact_phones ON contact_id = contacts.id'), [
    { name: null, phone: CUSTOMER },
  ]);
  assert.deepEqual(rows(h, 'SELECT direction, body, status FROM messages ORDER BY id'), [
    { direction: 'in', body: 'Hi there', status: 'received' },
    { direction: 'in', body: 'Still there?', status: 'received' },
  ]);
  assert.deepEqual(receiveMessage(h.app.domain, { from: CUSTOMER, to: '+15559999999', text: 'wrong number' }, texts), {
    stored: false,
    reason: 'unknown-number',
  });
});

test('a closed conversation reopens on a new text; a spam one stays spam', async (t) => {
  const { h } = await setup();
  t.after(() => h.close());
  const first = receiveMessage(h.app.domain, { from: CUSTOMER, to: SHOP, text: 'one' }, texts);
  assert.ok(first.stored);
  h.sqlite.prepare(`UPDATE conversations SET status = 'closed'`).run();
  receiveMessage(h.app.domain, { from: CUSTOMER, to: SHOP, text: 'two' }, texts);
  assert.deepEqual(rows(h, 'SELECT status FROM conversations'), [{ status: 'open' }]);
  assert.deepEqual(rows(h, 'SELECT kind FROM conversation_events'), [{ kind: 'reopened' }]);
  h.sqlite.prepare(`UPDATE conversations SET status = 'spam'`).run();
  receiveMessage(h.app.domain, { from: CUSTOMER, to: SHOP, text: 'buy now' }, texts);
  assert.deepEqual(rows(h, 'SELECT status FROM conversations'), [{ status: 'spam' }]);
});

test('STOP opts out with one confirmation; nothing more is sent until START', async (t) => {
  const { h, admin } = await setup();
  t.after(() => h.close());
  const custom = keywordTextsOf({
    stop_text: 'Bye from Acme.',
    start_text: undefined,
    help_text: 'Acme help: call us.',
  });
  const stop = receiveMessage(h.app.domain, { from: CUSTOMER, to: SHOP, text: 'Stop.' }, () => custom);
  assert.ok(stop.stored && stop.autoReplyId !== null);
  assert.deepEqual(rows(h, `SELECT body, status, author_user_id FROM messages WHERE direction = 'out'`), [
    { body: 'Bye from Acme.', status: 'queued', author_user_id: null },
  ]);
  assert.deepEqual(rows(h, 'SELECT phone, source FROM opt_outs'), [{ phone: CUSTOMER, source: 'keyword' }]);
  assert.equal(
    refusal(() => queueReply(h.app.domain, admin.actor, stop.conversationId, 'Are you sure?')),
    '422 sms.opted_out',
  );
  assert.equal(
    rows(h, `SELECT count(*) AS n FROM messages WHERE direction = 'out'`)[0]?.n,
    1,
    'the refused reply was not written',
  );

  const help = receiveMessage(h.app.domain, { from: CUSTOMER, to: SHOP, text: 'HELP' }, () => custom);
  assert.ok(help.stored && help.autoReplyId !== null, 'HELP is answered even while opted out');

  receiveMessage(h.app.domain, { from: CUSTOMER, to: SHOP, text: 'start' }, () => custom);
  assert.deepEqual(rows(h, 'SELECT * FROM opt_outs'), []);
  assert.deepEqual(rows(h, 'SELECT kind FROM conversation_events ORDER BY id'), [
    { kind: 'opted_out' },
    { kind: 'opted_in' },
  ]);
  assert.deepEqual(queueReply(h.app.domain, admin.actor, stop.conversationId, 'Welcome back').messageId > 0, true);
  const bodies = rows(h, `SELECT body FROM messages WHERE direction = 'out' ORDER BY id`).map((r) => r.body);
  assert.deepEqual(bodies, ['Bye from Acme.', 'Acme help: call us.', defaultKeywordTexts.start, 'Welcome back']);
});

test('a number that is pending or unregistered refuses replies with the reason; inbound still works', async (t) => {
  for (const registration of ['pending', 'unregistered'] as const) {
    const { h, admin } = await setup({ registration });
    t.after(() => h.close());
    const inbound = receiveMessage(h.app.domain, { from: CUSTOMER, to: SHOP, text: 'STOP' }, texts);
    assert.ok(inbound.stored);
    assert.equal(inbound.autoReplyId, null, 'not even a keyword answer goes out');
    h.sqlite.prepare('DELETE FROM opt_outs').run();
    assert.equal(
      refusal(() => queueReply(h.app.domain, admin.actor, inbound.conversationId, 'Hello')),
      '422 sms.unregistered',
    );
    assert.equal(rows(h, `SELECT count(*) AS n FROM messages WHERE direction = 'out'`)[0]?.n, 0);
  }
});

test('replies need access to the inbox and a real body', async (t) => {
  const { h, admin, agent, shop } = await setup();
  t.after(() => h.close());
  const inbound = receiveText(h, { from: CUSTOMER, to: shop, text: 'Hi' });
  assert.equal(
    refusal(() => queueReply(h.app.domain, agent.actor, inbound.conversationId, 'Hello')),
    '404 error.not_found',
  );
  setMembers(h.app.domain, admin.actor, shop.inboxId, [agent.id]);
  assert.equal(
    refusal(() => queueReply(h.app.domain, agent.actor, inbound.conversationId, '   ')),
    '422 sms.body_empty',
  );
  assert.equal(
    refusal(() => queueReply(h.app.domain, agent.actor, inbound.conversationId, 'x'.repeat(1601))),
    '422 sms.body_long',
  );
  assert.equal(
    refusal(() => queueReply(h.app.domain, agent.actor, 999_999, 'Hello')),
    '404 error.not_found',
  );
  assert.equal(
    refusal(() => queueReply(h.app.domain, agent.actor, inbound.conversationId, 'Hello')),
    'ok',
  );
  const other = buildInbox(h);
  assert.equal(canSeeInbox(h.app.domain, agent.actor, other.id), false);
});

test("a text to a personal number lands in the owner's private inbox, which even admins do not see", async (t) => {
  const { h, admin } = await setup();
  t.after(() => h.close());
  const ana = await buildUser(h, { name: 'Ana' });
  const { id: conversationId, inboxId } = buildConversation(h, { number: buildNumber(h, { owner: ana }) });
  assert.equal(canSeeInbox(h.app.domain, ana.actor, inboxId), true);
  assert.equal(canSeeInbox(h.app.domain, admin.actor, inboxId), false);
  assert.equal(
    refusal(() => queueReply(h.app.domain, admin.actor, conversationId, 'Peek')),
    '404 error.not_found',
  );
  assert.equal(
    refusal(() => queueReply(h.app.domain, ana.actor, conversationId, 'Hi back')),
    'ok',
  );
});
