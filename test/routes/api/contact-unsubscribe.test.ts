import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Problem } from '../../../src/routes/api/v1/problem.ts';
import { buildConversation, buildInbox, buildNumber, buildToken, buildUser } from '../../factories.ts';
import { testApp } from '../../helper.ts';
import { api } from './client.ts';

test('unsubscribing a contact opts each of their numbers out of every number the user may text them from, once', async (t) => {
  const w = await testApp(t);
  const agent = await buildUser(w);
  const support = buildInbox(w, { members: [agent] });
  const first = buildNumber(w, { inbox: support });
  const second = buildNumber(w, { inbox: support });
  const elsewhere = buildNumber(w, { inbox: buildInbox(w) });
  const talk = buildConversation(w, { number: first, from: '+15551230001' });
  const hidden = buildConversation(w, { number: elsewhere, from: '+15551230099' });
  const token = buildToken(w, { user: agent, scopes: ['contacts:read', 'contacts:write', 'conversations:read'] });
  const contactId = (await api(w.app, token, 'GET', `/api/v1/conversations/${talk.id}`)).json<{ contactId: number }>()
    .contactId;
  const patched = await api(w.app, token, 'PATCH', `/api/v1/contacts/${contactId}`, {
    phones: ['+15551230001', '+15551230002'],
  });
  assert.equal(patched.statusCode, 200, patched.body);

  const events = () =>
    w.sqlite
      .prepare("SELECT conversation_id AS c, actor_user_id AS by FROM conversation_events WHERE kind = 'unsubscribed'")
      .all();
  const optOuts = () =>
    w.sqlite
      .prepare(
        `SELECT o.phone, n.e164 AS number, o.source, o.by_user_id AS by FROM opt_outs o
         JOIN numbers n ON n.id = o.number_id ORDER BY o.phone, n.e164`,
      )
      .all();
  const expected = ['+15551230001', '+15551230002'].flatMap((phone) =>
    [first.e164, second.e164].sort().map((number) => ({ phone, number })),
  );

  const res = await api(w.app, token, 'POST', `/api/v1/contacts/${contactId}/unsubscribe`);
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json(), { contactId, optOuts: expected });
  assert.deepEqual(
    optOuts(),
    expected.map((e) => ({ ...e, source: 'manual', by: agent.id })),
    'never a number the agent may not text from',
  );
  assert.deepEqual(events(), [{ c: talk.id, by: agent.id }], 'the conversation it ends says so');
  const conversation = await api(w.app, token, 'GET', `/api/v1/conversations/${talk.id}`);
  assert.equal(conversation.json<{ optedOut: boolean }>().optedOut, true);

  const again = await api(w.app, token, 'POST', `/api/v1/contacts/${contactId}/unsubscribe`);
  assert.equal(again.statusCode, 200, 'idempotent');
  assert.deepEqual(again.json(), { contactId, optOuts: expected });
  assert.equal(optOuts().length, 4);
  assert.equal(events().length, 1, 'nothing new to say');

  // A contact the agent may not read: as if it did not exist, and nothing is written.
  const admin = buildToken(w, { user: await buildUser(w, { role: 'admin' }) });
  const theirs = (await api(w.app, admin, 'GET', `/api/v1/conversations/${hidden.id}`)).json<{ contactId: number }>()
    .contactId;
  for (const id of [theirs, 999_999]) {
    const refused = await api(w.app, token, 'POST', `/api/v1/contacts/${id}/unsubscribe`);
    assert.equal(refused.statusCode, 404);
    assert.equal(refused.json<Problem>().type, 'https://switchboard.dev/problems/not-found');
  }
  assert.equal(optOuts().length, 4);
});
