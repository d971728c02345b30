import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { setAssignmentMode, setMovingEnabled } from '../../src/domain/inboxes/service.ts';
import { buildConversation, buildInbox, buildNumber, buildUser, receiveText } from '../factories.ts';
import { type Client, signedIn, type TestApp, testApp } from '../helper.ts';
import { HX } from './steps.ts';

const SHOP = '+15551230000';
const CUSTOMER = '+15557654321';

async function setup(t: TestContext) {
  const h = await testApp(t, { contacts: { default_country: 'US' } });
  const admin = await buildUser(h, { role: 'admin', name: 'Ada' });
  const ana = await buildUser(h, { name: 'Ana' });
  const ben = await buildUser(h, { name: 'Ben' });
  const manager = await buildUser(h, { role: 'manager', name: 'Mia' });
  const outsider = await buildUser(h, { name: 'Otto' });
  const inboxId = buildInbox(h, { name: 'Support', members: [ana, ben, manager] }).id;
  const number = buildNumber(h, { e164: SHOP, inbox: 'Support' });
  const sales = buildInbox(h, { name: 'Sales', members: [ana] });
  const other = buildInbox(h, { name: 'Other', members: [outsider] });
  const conversation = buildConversation(h, { number, from: CUSTOMER, texts: ['Where is my order?'] });
  return {
    h,
    admin,
    ana,
    ben,
    manager,
    outsider,
    inboxId,
    numberId: number.id,
    salesId: sales.id,
    otherId: other.id,
    conversationId: conversation.id,
  };
}

const one = (h: TestApp, sql: string, ...params: unknown[]) =>
  h.sqlite.prepare(sql).get(...params) as Record<string, unknown>;
const version = (h: TestApp, id: number) =>
  one(h, 'SELECT version FROM conversations WHERE id = ?', id).version as number;
/** What a control on the conversation page sends, by htmx: its form and the version the page was drawn at. */
const act = (h: TestApp, client: Client, id: number, action: string, form: Record<string, string>) =>
  client.post(`/conversations/${id}/${action}`, { version: String(version(h, id)), ...form }, HX);
const snapshot = (h: TestApp) =>
  JSON.stringify([
    h.sqlite.prepare('SELECT * FROM conversations ORDER BY id').all(),
    h.sqlite.prepare('SELECT * FROM conversation_events ORDER BY id').all(),
    h.sqlite.prepare('SELECT * FROM conversation_tags').all(),
    h.sqlite.prepare('SELECT * FROM contacts').all(),
    h.sqlite.prepare('SELECT * FROM contact_phones').all(),
  ]);

test('assign, unassign and reassign, each on the timeline; a stale page is refused with how things are now', async (t) => {
  const { h, ana, ben, conversationId } = await setup(t);
  const a = await signedIn(h.app, ana.email);
  const b = await signedIn(h.app, ben.email);
  const v = String(version(h, conversationId));
  const first = await a.post(`/conversations/${conversationId}/assign`, { version: v, assignee: String(ana.id) }, HX);
  assert.equal(first.statusCode, 200);
  assert.match(first.body, /Assigned to Ana/);
  const second = await b.post(`/conversations/${conversationId}/assign`, { version: v, assignee: String(ben.id) }, HX);
  assert.equal(second.statusCode, 409, 'the second click on the same page loses');
  assert.match(second.body, /Someone changed this conversation/);
  assert.match(second.body, /Assigned to Ana/, 'and sees who won');
  assert.equal(one(h, 'SELECT assignee_id FROM conversations WHERE id = ?', conversationId).assignee_id, ana.id);
  const reassign = await act(h, a, conversationId, 'assign', { assignee: String(ben.id) });
  assert.match(reassign.body, /Assigned to Ben/);
  await act(h, b, conversationId, 'assign', { assignee: '' });
  const kinds = h.sqlite
    .prepare('SELECT kind FROM conversation_events WHERE conversation_id = ? ORDER BY id')
    .pluck()
    .all(conversationId);
  assert.deepEqual(kinds, ['self_assigned', 'assigned', 'unassigned']);
  const page = await a.get(`/conversations/${conversationId}`);
  assert.match(page.body, /Ana assigned it to themselves/);
  assert.match(page.body, /Ben unassigned it/);
});

test('assignment needs the inbox assignment mode and a member as assignee', async (t) => {
  const { h, admin, ana, outsider, inboxId, conversationId } = await setup(t);
  const a = await signedIn(h.app, ana.email);
  const before = snapshot(h);
  const notMember = await act(h, a, conversationId, 'assign', { assignee: String(outsider.id) });
  assert.equal(notMember.statusCode, 422);
  assert.match(notMember.body, /Only members of this inbox can be assigned/);
  assert.equal(snapshot(h), before, 'nothing written');
  setAssignmentMode(h.app.domain, admin.actor, inboxId, false);
  const before2 = snapshot(h);
  const off = await act(h, a, conversationId, 'assign', { assignee: String(ana.id) });
  assert.equal(off.statusCode, 422);
  assert.match(off.body, /Assignment is switched off/);
  assert.equal(snapshot(h), before2, 'nothing written');
});

test('another inbox’s conversation, unknown ids, missing CSRF and bad values: 4xx and no change', async (t) => {
  const { h, ana, outsider, conversationId } = await setup(t);
  const o = await signedIn(h.app, outsider.email);
  const a = await signedIn(h.app, ana.email);
  const before = snapshot(h);
  const v = String(version(h, conversationId));
  for (const path of ['assign', 'status', 'move', 'tags', 'pin', 'unread', 'unsubscribe', 'contact']) {
    const res = await o.post(`/conversations/${conversationId}/${path}`, {
      version: v,
      assignee: String(outsider.id),
      status: 'closed',
      tag: 'x',
      inbox: '1',
      contact: '1',
    });
    assert.equal(res.statusCode, 404, `${path}: someone else's conversation does not exist for them`);
  }
  assert.equal((await o.get(`/conversations/${conversationId}`)).statusCode, 404);
  assert.equal(
    (await a.post('/conversations/999999/assign', { version: '0', assignee: String(ana.id) })).statusCode,
    404,
  );
  assert.equal((await a.post('/conversations/abc/status', { version: v, status: 'closed' })).statusCode, 404);
  assert.equal(
    (await a.post(`/conversations/${conversationId}/status`, { version: v, status: 'closed' }, { csrf: false }))
      .statusCode,
    403,
  );
  assert.equal(
    (await a.post(`/conversations/${conversationId}/status`, { version: v, status: 'deleted' }, HX)).statusCode,
    422,
  );
  assert.equal(
    (await a.post(`/conversations/${conversationId}/status`, { version: 'old', status: 'closed' }, HX)).statusCode,
    409,
  );
  assert.equal((await a.post(`/conversations/${conversationId}/tags`, { tag: '   ' }, HX)).statusCode, 422);
  assert.equal((await a.post(`/conversations/${conversationId}/tags/999/remove`, {}, HX)).statusCode, 409);
  assert.equal((await a.post(`/conversations/${conversationId}/pin/move`, { index: 'x' }, HX)).statusCode, 422);
  assert.equal((await a.get('/conversations?inbox=abc')).statusCode, 400);
  assert.equal((await a.get('/conversations?from=yesterday')).statusCode, 400);
  assert.equal((await a.get(`/conversations?view=spam`)).statusCode, 403, 'agents do not see spam');
  assert.equal(snapshot(h), before);
});

test('close, reopen, spam: lists follow; later texts from a spammer stay in Spam; only managers undo spam', async (t) => {
  const { h, ana, manager, inboxId, conversationId } = await setup(t);
  const a = await signedIn(h.app, ana.email);
  const inboxList = () => a.get(`/conversations?inbox=${inboxId}`);
  assert.match((await inboxList()).body, new RegExp(`id="conversation-${conversationId}"`));
  await act(h, a, conversationId, 'status', { status: 'closed' });
  assert.doesNotMatch((await inboxList()).body, new RegExp(`id="conversation-${conversationId}"`));
  assert.match((await a.get('/conversations?view=closed')).body, new RegExp(`id="conversation-${conversationId}"`));
  receiveText(h, { from: CUSTOMER, to: SHOP, text: 'Hello again' });
  assert.equal(
    one(h, 'SELECT status FROM conversations WHERE id = ?', conversationId).status,
    'open',
    'a new text reopens it',
  );
  await act(h, a, conversationId, 'status', { status: 'spam' });
  assert.doesNotMatch((await inboxList()).body, new RegExp(`id="conversation-${conversationId}"`));
  assert.doesNotMatch(
    (await a.get('/conversations?view=closed')).body,
    new RegExp(`id="conversation-${conversationId}"`),
  );
  const later = receiveText(h, { from: CUSTOMER, to: SHOP, text: 'Buy now!!!' });
  assert.ok(later.conversationId === conversationId);
  assert.equal(one(h, 'SELECT status FROM conversations WHERE id = ?', conversationId).status, 'spam');
  assert.doesNotMatch((await inboxList()).body, /Buy now/);
  const undo = await act(h, a, conversationId, 'status', { status: 'open' });
  assert.equal(undo.statusCode, 403, 'an agent cannot undo spam');
  const m = await signedIn(h.app, manager.email);
  assert.match((await m.get('/conversations?view=spam')).body, /Buy now/);
  const undone = await act(h, m, conversationId, 'status', { status: 'open' });
  assert.equal(undone.statusCode, 200);
  assert.match((await inboxList()).body, /Buy now/);
});

test('moving needs the admin’s switch and a target inbox the user works in; history stays', async (t) => {
  const { h, admin, ana, inboxId, salesId, otherId, conversationId } = await setup(t);
  const a = await signedIn(h.app, ana.email);
  const refused = await act(h, a, conversationId, 'move', { inbox: String(salesId) });
  assert.equal(refused.statusCode, 422);
  assert.match(refused.body, /not enabled moving/);
  setMovingEnabled(h.app.domain, admin.actor, inboxId, true);
  const notMine = await act(h, a, conversationId, 'move', { inbox: String(otherId) });
  assert.equal(notMine.statusCode, 422);
  const moved = await act(h, a, conversationId, 'move', { inbox: String(salesId) });
  assert.equal(moved.statusCode, 200);
  assert.equal(one(h, 'SELECT inbox_id FROM conversations WHERE id = ?', conversationId).inbox_id, salesId);
  assert.match(
    (await a.get(`/conversations/${conversationId}`)).body,
    /Where is my order\?[\s\S]*Ana moved it from Support to Sales/,
  );
  receiveText(h, { from: CUSTOMER, to: SHOP, text: 'Any news?' });
  assert.equal(
    h.sqlite.prepare('SELECT count(*) FROM conversations').pluck().get(),
    1,
    'the customer’s next text follows it to Sales',
  );
});

test('read and unread are per user; the navigation counts unread conversations', async (t) => {
  const { h, ana, ben, conversationId } = await setup(t);
  const a = await signedIn(h.app, ana.email);
  const b = await signedIn(h.app, ben.email);
  assert.match((await a.get('/conversations')).body, /data-count="1"/);
  await a.get(`/conversations/${conversationId}`);
  assert.match((await a.get('/conversations')).body, /data-count="0"/, 'read for Ana');
  assert.match((await b.get('/conversations')).body, /data-count="1"/, 'still unread for Ben');
  await a.post(`/conversations/${conversationId}/unread`, { version: '0' }, HX);
  assert.match((await a.get('/conversations?unread=1')).body, new RegExp(`id="conversation-${conversationId}"`));
  assert.match((await a.get('/conversations')).body, /<title>\(1\) Inbox/);
});

test('tags: add existing or new (any case), remove, filter by tag, hide in lists', async (t) => {
  const { h, ana, conversationId } = await setup(t);
  const a = await signedIn(h.app, ana.email);
  await a.post(`/conversations/${conversationId}/tags`, { tag: 'VIP' }, HX);
  const again = await a.post(`/conversations/${conversationId}/tags`, { tag: 'vip' }, HX);
  assert.equal(again.statusCode, 409);
  assert.match(again.body, /already has the tag/);
  await a.post(`/conversations/${conversationId}/tags`, { tag: 'refund' }, HX);
  const tagId = h.sqlite.prepare(`SELECT id FROM tags WHERE name = 'VIP'`).pluck().get() as number;
  assert.match((await a.get(`/conversations?tag=${tagId}`)).body, /class="tag">VIP</);
  await a.post('/settings/tags', { hide: '1' });
  assert.doesNotMatch((await a.get(`/conversations?tag=${tagId}`)).body, /class="tag">VIP</);
  await a.post(`/conversations/${conversationId}/tags/${tagId}/remove`, {}, HX);
  assert.doesNotMatch(
    (await a.get(`/conversations?tag=${tagId}`)).body,
    new RegExp(`id="conversation-${conversationId}"`),
  );
});

test('pins are per user, on top of the list, and reorder', async (t) => {
  const { h, ana, ben, conversationId } = await setup(t);
  const second = receiveText(h, { from: '+15550000002', to: SHOP, text: 'second' });
  const a = await signedIn(h.app, ana.email);
  await a.post(`/conversations/${conversationId}/pin`, {}, HX);
  await a.post(`/conversations/${second.conversationId}/pin`, {}, HX);
  const pinned = (await a.get('/conversations')).body;
  const section = pinned.slice(pinned.indexOf('id="pinned-list"'), pinned.indexOf('id="conversation-list"'));
  assert.ok(
    section.indexOf(`conversation-${conversationId}`) < section.indexOf(`conversation-${second.conversationId}`),
  );
  await a.post(`/conversations/${second.conversationId}/pin/move`, { index: '0' }, HX);
  const reordered = (await a.get('/conversations')).body;
  const after = reordered.slice(reordered.indexOf('id="pinned-list"'), reordered.indexOf('id="conversation-list"'));
  assert.ok(after.indexOf(`conversation-${second.conversationId}`) < after.indexOf(`conversation-${conversationId}`));
  const b = await signedIn(h.app, ben.email);
  assert.match((await b.get('/conversations')).body, /id="pinned"[^>]* hidden/, 'Ben has no pins');
});

test('contact panel: edit, link to another contact, new contact, favourites, unsubscribe, call', async (t) => {
  const { h, ana, conversationId } = await setup(t);
  const a = await signedIn(h.app, ana.email);
  const contactId = one(h, 'SELECT contact_id FROM conversations WHERE id = ?', conversationId).contact_id as number;
  const saved = await a.post(
    `/contacts/${contactId}?conversation=${conversationId}`,
    {
      name: 'Carla <b>Customer</b>',
      phones: `${CUSTOMER}\n(555) 234-5678`,
      email: 'carla@example.com',
      company: 'Acme',
      notes: '',
    },
    HX,
  );
  assert.equal(saved.statusCode, 200);
  assert.match(saved.body, /Carla &lt;b&gt;Customer&lt;\/b&gt;/);
  assert.match(saved.body, /\(555\) 234-5678, \(555\) 765-4321/, 'shown national: the numbers of the user’s country');
  assert.deepEqual(
    h.sqlite.prepare('SELECT phone FROM contact_phones WHERE contact_id = ? ORDER BY phone').pluck().all(contactId),
    ['+15552345678', CUSTOMER],
    'a 10-digit national number is stored in E.164',
  );
  const bad = await a.post(
    `/contacts/${contactId}?conversation=${conversationId}`,
    { name: 'X', phones: 'call me', email: 'nope' },
    HX,
  );
  assert.equal(bad.statusCode, 422);
  assert.equal(
    one(h, 'SELECT name FROM contacts WHERE id = ?', contactId).name,
    'Carla <b>Customer</b>',
    'nothing half-saved',
  );
  const fav = await a.post(`/contacts/${contactId}/favourite?conversation=${conversationId}`, { favourite: '1' }, HX);
  assert.match(fav.body, /aria-pressed="true"/);
  assert.match((await a.get('/favourites')).body, /Carla &lt;b&gt;Customer/);
  const created = await act(h, a, conversationId, 'contact/new', { name: 'Dora' });
  assert.equal(created.statusCode, 200);
  assert.match((await a.get(`/conversations/${conversationId}`)).body, /Ana linked it to the contact Dora/);
  const search = await a.get(`/contacts/search?conversation=${conversationId}&q=Carla`);
  assert.match(search.body, /Link to Carla/);
  const relinked = await act(h, a, conversationId, 'contact', { contact: String(contactId) });
  assert.equal(relinked.statusCode, 200);
  assert.equal(one(h, 'SELECT contact_id FROM conversations WHERE id = ?', conversationId).contact_id, contactId);
  assert.match(
    (await a.get(`/conversations/${conversationId}`)).body,
    new RegExp(`<a class="button" href="tel:\\${CUSTOMER}" data-log-call=`),
  );
  const call = await a.post(`/conversations/${conversationId}/call`, { kind: 'call' });
  assert.equal(call.statusCode, 204);
  const unsub = await a.post(`/conversations/${conversationId}/unsubscribe`, {}, HX);
  assert.equal(unsub.statusCode, 200);
  const page = (await a.get(`/conversations/${conversationId}`)).body;
  assert.match(page, /Unsubscribed by Ana/);
  assert.match(page, /Ana started a call to \(555\) 765-4321/);
  const reply = await a.post(`/conversations/${conversationId}/messages`, { body: 'Hello?' }, HX);
  assert.equal(reply.statusCode, 422, 'nothing is sent to someone unsubscribed');
});

test('new conversation: a typed national number, a saved contact; an open one is continued', async (t) => {
  const { h, ana, numberId } = await setup(t);
  const a = await signedIn(h.app, ana.email);
  const form = await a.get('/conversations/new');
  assert.match(form.body, /Send from/);
  const bad = await a.post('/conversations/new', { from: String(numberId), to: '12', body: 'Hi' });
  assert.equal(bad.statusCode, 422);
  assert.match(bad.body, /Enter a phone number/);
  const started = await a.post('/conversations/new', {
    from: String(numberId),
    to: '(555) 345-6789',
    body: 'Your order shipped',
  });
  assert.equal(started.statusCode, 303);
  const id = Number(/\/conversations\/(\d+)/.exec(started.headers.location as string)![1]);
  const row = one(h, 'SELECT phone, assignee_id FROM conversations WHERE id = ?', id);
  assert.deepEqual(row, { phone: '+15553456789', assignee_id: ana.id });
  const page = (await a.get(`/conversations/${id}`)).body;
  assert.match(page, /unknown number/);
  assert.match(page, /Your order shipped/);
  const again = await a.post('/conversations/new', {
    from: String(numberId),
    to: '+15553456789',
    body: 'Tracking: 123',
  });
  assert.equal(again.headers.location, `/conversations/${id}`, 'the open conversation is continued');
  const contactId = one(h, 'SELECT contact_id FROM conversations WHERE id = ?', id).contact_id as number;
  const viaContact = await a.post('/conversations/new', {
    from: String(numberId),
    contact: String(contactId),
    to: '',
    body: 'One more',
  });
  assert.equal(viaContact.headers.location, `/conversations/${id}`);
  const other = await a.post('/conversations/new', { from: '999', to: '+15553456789', body: 'x' });
  assert.equal(other.statusCode, 422);
});

test('lists: views, filters in the URL, keyset pages without repeats', async (t) => {
  const { h, ana } = await setup(t);
  for (let i = 0; i < 120; i++) receiveText(h, { to: SHOP, text: `message ${i}` });
  const a = await signedIn(h.app, ana.email);
  const seen = new Set<string>();
  let url: string | null = '/conversations';
  let pages = 0;
  while (url) {
    const res = await a.get(url, pages === 0 ? {} : HX.headers);
    assert.equal(res.statusCode, 200);
    for (const m of res.body.matchAll(/<li id="conversation-(\d+)"/g)) {
      assert.ok(!seen.has(m[1]!), 'no conversation twice');
      seen.add(m[1]!);
    }
    url = /hx-get="([^"]+)"/.exec(res.body)?.[1]?.replace(/&amp;/g, '&') ?? null;
    pages++;
  }
  assert.equal(seen.size, 121);
  assert.equal(pages, 3);
  const oldest = await a.get('/conversations?sort=oldest');
  assert.match(oldest.body, /Where is my order\?/);
  assert.match(oldest.body, /Reset filters/);
  const mine = (await a.get('/conversations?view=mine')).body;
  assert.doesNotMatch(mine, /<li id="conversation-/);
  assert.match(mine, /No open conversations are assigned to you/);
});

test('a manager switches assignment mode; only an admin switches moving; agents neither', async (t) => {
  const { h, admin, ana, manager, inboxId } = await setup(t);
  const a = await signedIn(h.app, ana.email);
  const m = await signedIn(h.app, manager.email);
  const ad = await signedIn(h.app, admin.email);
  const flags = () => one(h, 'SELECT assignment_enabled AS a, moving_enabled AS m FROM inboxes WHERE id = ?', inboxId);
  assert.doesNotMatch((await a.get(`/conversations?inbox=${inboxId}`)).body, /Switch assignment/);
  assert.equal((await a.post(`/inboxes/${inboxId}/assignment`, { enabled: '0' })).statusCode, 403);
  assert.equal((await m.post(`/inboxes/${inboxId}/moving`, { enabled: '1' })).statusCode, 403);
  assert.deepEqual(flags(), { a: 1, m: 0 });
  assert.match((await m.get(`/conversations?inbox=${inboxId}`)).body, /Switch assignment off/);
  assert.equal((await m.post(`/inboxes/${inboxId}/assignment`, { enabled: '0' })).statusCode, 303);
  assert.equal((await ad.post(`/inboxes/${inboxId}/moving`, { enabled: '1' })).statusCode, 303);
  assert.deepEqual(flags(), { a: 0, m: 1 });
  assert.equal((await m.post('/inboxes/999/assignment', { enabled: '1' })).statusCode, 404);
});

test('personal numbers: a list of my own, narrowed by number; after the number joins a shared inbox its history is readable there', async (t) => {
  const { h, ana, ben, outsider, inboxId } = await setup(t);
  const PERSONAL = '+15551239999';
  const numberId = buildNumber(h, { e164: PERSONAL, owner: ana }).id;
  const before = receiveText(h, { from: CUSTOMER, to: PERSONAL, text: 'Private hello' });
  const a = await signedIn(h.app, ana.email);
  const b = await signedIn(h.app, ben.email);
  assert.match((await a.get(`/conversations?view=personal&number=${numberId}`)).body, /Private hello/);
  assert.doesNotMatch(
    (await a.get('/conversations')).body,
    /Private hello/,
    'personal texts stay out of the shared lists',
  );
  assert.equal((await b.get(`/conversations/${before.conversationId}`)).statusCode, 404);

  buildNumber(h, { e164: PERSONAL, inbox: 'Support' });
  const list = await b.get(`/conversations?inbox=${inboxId}&number=${numberId}`);
  assert.match(list.body, /Earlier conversations of this number/);
  const history = await b.get(`/conversations?view=history&number=${numberId}`);
  assert.match(history.body, /History of \(555\) 123-9999/);
  assert.match(history.body, /Private hello/);
  const old = await b.get(`/conversations/${before.conversationId}`);
  assert.equal(old.statusCode, 200);
  assert.match(old.body, /can only be read here/);
  assert.doesNotMatch(old.body, /Send reply/);
  assert.equal(
    (await b.post(`/conversations/${before.conversationId}/status`, { version: '0', status: 'closed' })).statusCode,
    404,
    'nothing can be done to it',
  );
  const after = receiveText(h, { from: CUSTOMER, to: PERSONAL, text: 'Now to the team' });
  assert.ok(after.conversationId !== before.conversationId, 'the sender starts afresh in the shared inbox');
  const o = await signedIn(h.app, outsider.email);
  assert.equal((await o.get(`/conversations?view=history&number=${numberId}`)).statusCode, 404);
  assert.equal((await o.get(`/conversations/${before.conversationId}`)).statusCode, 404);
});

test('favourites page: add a contact by hand (errors in place), start a conversation with a favourite', async (t) => {
  const { h, ana } = await setup(t);
  const a = await signedIn(h.app, ana.email);
  const bad = await a.post('/contacts', { name: 'Eve', phones: 'not a number' });
  assert.equal(bad.statusCode, 422);
  assert.match(
    bad.body,
    /“not a number” is not a phone number\. Write it as dialled at home, such as \(201\) 555-0123, or with its country code, such as \+1 201 555 0123\./,
  );
  assert.match(bad.body, /value="Eve"/, 'what was typed is kept');
  assert.equal(h.sqlite.prepare(`SELECT count(*) FROM contacts WHERE name = 'Eve'`).pluck().get(), 0);
  const taken = await a.post('/contacts', { name: 'Eve', phones: CUSTOMER });
  assert.equal(taken.statusCode, 409, 'a number belongs to one contact');
  assert.equal(
    (await a.post('/contacts', { name: 'Eve', phones: '555 222 3333', company: 'Evil Corp' })).statusCode,
    303,
  );
  const page = (await a.get('/favourites')).body;
  assert.match(page, /Eve/);
  const id = h.sqlite.prepare(`SELECT id FROM contacts WHERE name = 'Eve'`).pluck().get() as number;
  assert.match(page, new RegExp(`/conversations/new\\?contact=${id}`));
  assert.match((await a.get(`/conversations/new?contact=${id}`)).body, /To Eve/);
});

test('a contact is seen only by who sees one of their conversations (or by everyone, when they have none)', async (t) => {
  const { h, ana, outsider, conversationId, numberId } = await setup(t);
  const o = await signedIn(h.app, outsider.email);
  const contactId = one(h, 'SELECT contact_id FROM conversations WHERE id = ?', conversationId).contact_id as number;
  const before = snapshot(h);
  assert.equal((await o.get(`/conversations/new?contact=${contactId}`)).statusCode, 404);
  assert.equal((await o.post(`/contacts/${contactId}`, { name: 'Hijacked' })).statusCode, 404);
  assert.equal((await o.post(`/contacts/${contactId}/favourite`, { favourite: '1' })).statusCode, 404);
  assert.equal(
    (await o.post('/conversations/new', { from: String(numberId), contact: String(contactId), body: 'x' })).statusCode,
    404,
  );
  assert.equal(snapshot(h), before);
  const a = await signedIn(h.app, ana.email);
  await a.post(`/contacts/${contactId}?conversation=${conversationId}`, { name: 'Carla', phones: CUSTOMER }, HX);
  const handMade = await o.post('/contacts', { name: 'Walk-in Willa', phones: '555 444 3333' });
  assert.equal(handMade.statusCode, 303, 'an address-book entry without conversations is everyone’s');
  const willa = h.sqlite.prepare(`SELECT id FROM contacts WHERE name = 'Walk-in Willa'`).pluck().get() as number;
  assert.equal((await a.get(`/conversations/new?contact=${willa}`)).statusCode, 200);
});

test('review fixes: a moved conversation’s news goes to its new inbox; contacts do not leak through numbers or links', async (t) => {
  const { h, admin, ana, outsider, inboxId, salesId, conversationId, numberId } = await setup(t);
  setMovingEnabled(h.app.domain, admin.actor, inboxId, true);
  const a = await signedIn(h.app, ana.email);
  await act(h, a, conversationId, 'move', { inbox: String(salesId) });
  const seen: number[] = [];
  h.app.domain.events.on('message.created', ({ inboxId: to }) => seen.push(to));
  receiveText(h, { from: CUSTOMER, to: SHOP, text: 'after the move' });
  assert.deepEqual(seen, [salesId], 'pushed to the inbox the conversation is in now');
  const again = await a.post('/conversations/new', { from: String(numberId), to: CUSTOMER, body: 'Following up' });
  assert.equal(
    again.headers.location,
    `/conversations/${conversationId}`,
    'a new message continues the moved conversation',
  );

  const contactId = one(h, 'SELECT contact_id FROM conversations WHERE id = ?', conversationId).contact_id as number;
  await a.post(
    `/contacts/${contactId}?conversation=${conversationId}`,
    { name: 'Jane Secret', phones: CUSTOMER, notes: 'PRIVATE NOTE' },
    HX,
  );
  const o = await signedIn(h.app, outsider.email);
  const probe = await o.post('/contacts', { name: 'probe', phones: CUSTOMER });
  assert.equal(probe.statusCode, 409, probe.body.slice(0, 3000));
  assert.doesNotMatch(probe.body, /Jane Secret/, 'a number does not reveal whose it is');
  assert.match(probe.body, /already belongs to another contact/);

  const stale = await a.post(
    `/conversations/${conversationId}/contact/new`,
    { version: '999', name: 'Orphan Bob' },
    HX,
  );
  assert.equal(stale.statusCode, 409);
  assert.equal(
    h.sqlite.prepare(`SELECT count(*) FROM contacts WHERE name = 'Orphan Bob'`).pluck().get(),
    0,
    'nothing left behind',
  );
  await act(h, a, conversationId, 'contact/new', { name: 'New Person' });
  assert.equal(
    (await o.get(`/conversations/new?contact=${contactId}`)).statusCode,
    404,
    'the contact linked away from stays private',
  );
});
