import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { UNDO_MS } from '../../src/domain/conversations/actions.ts';
import { buildConversation, buildInbox, buildNumber, buildUser } from '../factories.ts';
import { type Client, signedIn, type TestApp, testApp } from '../helper.ts';
import { HX } from './steps.ts';

async function setup(t: TestContext) {
  const h = await testApp(t, { contacts: { default_country: 'US' } });
  const ana = await buildUser(h, { name: 'Ana' });
  const ben = await buildUser(h, { name: 'Ben' });
  buildInbox(h, { name: 'Support', members: [ana, ben] });
  const number = buildNumber(h, { e164: '+15551230000', inbox: 'Support' });
  const { id } = buildConversation(h, { number, from: '+15557654321', texts: ['Buy now!!!'] });
  return { h, ana, ben, id, a: await signedIn(h.app, ana.email), b: await signedIn(h.app, ben.email) };
}

const row = (h: TestApp, id: number) =>
  h.sqlite.prepare('SELECT status, assignee_id, version FROM conversations WHERE id = ?').get(id) as {
    status: string;
    assignee_id: number | null;
    version: number;
  };
const kinds = (h: TestApp, id: number) =>
  (
    h.sqlite.prepare('SELECT kind FROM conversation_events WHERE conversation_id = ? ORDER BY id').all(id) as {
      kind: string;
    }[]
  ).map((e) => e.kind);

/** The Undo the answer to a close or spam carries: its form's event and version, as the browser would send them. */
function undoForm(body: string): { event: string; version: string } {
  const form = /<form[^>]*\/undo"[^>]*>.*?name="version" value="(\d+)".*?name="event" value="(\d+)"/s.exec(body);
  assert.ok(form, 'the answer carries an Undo');
  return { version: form[1]!, event: form[2]! };
}

const act = (h: TestApp, client: Client, id: number, form: Record<string, string>) =>
  client.post(`/conversations/${id}/status`, { version: String(row(h, id).version), ...form }, HX);

test('"Marked as spam · Undo": the undo restores status and assignee as they were, on the timeline', async (t) => {
  const { h, ana, id, a } = await setup(t);
  await a.post(`/conversations/${id}/assign`, { version: String(row(h, id).version), assignee: String(ana.id) }, HX);
  const before = row(h, id);
  const spam = await act(h, a, id, { status: 'spam' });
  assert.equal(spam.statusCode, 200);
  assert.match(spam.body, /<hx-partial hx-target="#toasts"[^>]*>[\s\S]*Marked as spam[\s\S]*>Undo</);
  assert.equal(row(h, id).status, 'spam');

  const undone = await a.post(`/conversations/${id}/undo`, undoForm(spam.body), HX);
  assert.equal(undone.statusCode, 200);
  assert.match(undone.body, /Assigned to Ana/);
  const after = row(h, id);
  assert.deepEqual([after.status, after.assignee_id], [before.status, before.assignee_id]);
  assert.equal(after.version, before.version + 2, 'the undo is a change of its own');
  assert.deepEqual(kinds(h, id).slice(-2), ['marked_spam', 'undid_spam']);
  assert.match((await a.get(`/conversations/${id}`)).body, /Ana took back marking it as spam/);

  // Closing is undone the same way; reopening has nothing to undo.
  const closed = await act(h, a, id, { status: 'closed' });
  assert.match(closed.body, /Closed[\s\S]*>Undo</);
  assert.equal((await a.post(`/conversations/${id}/undo`, undoForm(closed.body), HX)).statusCode, 200);
  assert.equal(row(h, id).status, 'open');
  await act(h, a, id, { status: 'closed' });
  assert.doesNotMatch((await act(h, a, id, { status: 'open' })).body, /\/undo"/);
});

test('an undo is refused clearly when stale, too late, someone else’s, forged or without its CSRF token', async (t) => {
  const { h, ben, id, a, b } = await setup(t);
  const spam = await act(h, a, id, { status: 'spam' });
  const form = undoForm(spam.body);

  const noToken = await a.post(`/conversations/${id}/undo`, form, { ...HX, csrf: false });
  assert.equal(noToken.statusCode, 403);
  const notTheirs = await b.post(`/conversations/${id}/undo`, form, HX);
  assert.equal(notTheirs.statusCode, 403, 'only who marked it takes it back');
  const unknown = await a.post(`/conversations/${id}/undo`, { ...form, event: 'x' }, HX);
  assert.equal(unknown.statusCode, 422);
  assert.match(unknown.body, /There is nothing to undo here/);
  assert.equal(row(h, id).status, 'spam');

  // Too late: the clock has moved on.
  const now = h.app.domain.now;
  h.app.domain.now = () => now() + UNDO_MS + 1;
  const late = await a.post(`/conversations/${id}/undo`, form, HX);
  h.app.domain.now = now;
  assert.equal(late.statusCode, 409);
  assert.match(late.body, /Too late to undo/);

  // Stale: a teammate changed it since; the header shows how it is now.
  await b.post(`/conversations/${id}/assign`, { version: String(row(h, id).version), assignee: String(ben.id) }, HX);
  assert.equal(row(h, id).assignee_id, ben.id);
  const stale = await a.post(`/conversations/${id}/undo`, form, HX);
  assert.equal(stale.statusCode, 409);
  assert.match(stale.body, /This can no longer be undone: the conversation changed since/);
  assert.match(stale.body, /role="alert"/);
  assert.equal(row(h, id).status, 'spam', 'nothing was undone');
  assert.deepEqual(kinds(h, id).slice(-2), ['marked_spam', 'self_assigned']);
});
