import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { getConversation } from '../../src/domain/conversations/queries.ts';
import { scheduledFor } from '../../src/domain/later/scheduled.ts';
import { buildConversation, buildInbox, buildUser } from '../factories.ts';
import { signedIn, testApp } from '../helper.ts';
import { HX } from './steps.ts';

async function setup(t: TestContext) {
  const h = await testApp(t);
  const [agent, teammate] = await Promise.all([buildUser(h, { name: 'Ana' }), buildUser(h, { name: 'Ben' })]);
  const inbox = buildInbox(h, { name: 'Support', members: [agent, teammate] });
  const c = buildConversation(h, { inbox, texts: ['When can you come?'] });
  const client = await signedIn(h.app, agent.email);
  await client.get(`/conversations/${c.id}`);
  const version = () => String(getConversation(h.app.domain, agent.actor, c.id).version);
  return { h, agent, teammate, c, client, version };
}

test('Snooze from the header: the header says until when; the Snoozed list has it; Unsnooze brings it back', async (t) => {
  const { h, agent, c, client, version } = await setup(t);
  const res = await client.post(`/conversations/${c.id}/snooze`, { version: version(), when: 'tomorrow' }, HX);
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /<header id="conversation-header-\d+"/);
  assert.match(res.body, /Snoozed until /);
  assert.match(res.body, />Unsnooze</);
  assert.equal(getConversation(h.app.domain, agent.actor, c.id).status, 'snoozed');
  assert.doesNotMatch((await client.get('/conversations')).body, new RegExp(`id="conversation-${c.id}"`));
  const snoozed = await client.get('/conversations?view=snoozed');
  assert.match(snoozed.body, new RegExp(`id="conversation-${c.id}"`));
  assert.match(snoozed.body, /Back /);
  const back = await client.post(`/conversations/${c.id}/unsnooze`, { version: version() }, HX);
  assert.equal(back.statusCode, 200);
  assert.equal(getConversation(h.app.domain, agent.actor, c.id).status, 'open');
  // Without JavaScript: the form posts, the page comes back.
  const plain = await client.post(`/conversations/${c.id}/snooze`, { version: version(), when: 'next_week' });
  assert.equal(plain.statusCode, 303);
});

test('a bad snooze time is refused in place with a 4xx: past, junk, missing, no such choice, a stale page', async (t) => {
  const { h, agent, c, client, version } = await setup(t);
  const cases: [Record<string, string>, number, RegExp][] = [
    [{ when: 'at', at: '2001-01-01T09:00' }, 422, /Pick a time in the future\./],
    [{ when: 'at', at: 'next tuesday' }, 422, /Enter a date and time/],
    [{ when: 'at', at: '' }, 422, /Pick a date and a time\./],
    [{ when: 'whenever' }, 422, /Choose when/],
  ];
  for (const [form, status, message] of cases) {
    const res = await client.post(`/conversations/${c.id}/snooze`, { version: version(), ...form }, HX);
    assert.equal(res.statusCode, status, JSON.stringify(form));
    assert.match(res.body, message);
    assert.match(res.body, /id="snooze-at-\d+" name="at" required aria-invalid="true"/);
  }
  const stale = await client.post(`/conversations/${c.id}/snooze`, { version: '999', when: 'tomorrow' }, HX);
  assert.equal(stale.statusCode, 409);
  assert.match(stale.body, /role="alert"/);
  const twice = await client.post(
    `/conversations/${c.id}/snooze`,
    { version: [version(), version()], when: 'tomorrow' },
    HX,
  );
  assert.equal(twice.statusCode, 400);
  assert.equal(getConversation(h.app.domain, agent.actor, c.id).status, 'open');
});

test('Send later from the composer: the composer empties, the reply waits in the timeline; edit and cancel it', async (t) => {
  const { h, agent, teammate, c, client } = await setup(t);
  const res = await client.post(
    `/conversations/${c.id}/scheduled`,
    { body: 'See you **tomorrow**', when: 'at', at: '2099-01-01T09:00' },
    HX,
  );
  assert.equal(res.statusCode, 422, 'more than a year ahead');
  assert.match(res.body, /Pick a time within a year\./);
  assert.match(res.body, />See you \*\*tomorrow\*\*<\/textarea>/, 'what was typed is kept');

  const ok = await client.post(
    `/conversations/${c.id}/scheduled`,
    { body: 'See you **tomorrow**', when: 'tomorrow' },
    HX,
  );
  assert.equal(ok.statusCode, 200);
  assert.match(ok.body, /<form id="composer"/);
  assert.match(ok.body, /Your reply will be sent /);
  assert.match(ok.body, /<hx-upsert hx-target="#timeline-\d+"[^>]*>\s*<li id="scheduled-\d+"/);
  assert.match(ok.body, /See you <strong>tomorrow<\/strong>/);
  const [item] = scheduledFor(h.app.domain, agent.actor, c.id);
  assert.ok(item);
  assert.equal(h.sqlite.prepare(`SELECT count(*) FROM messages WHERE direction = 'out'`).pluck().get(), 0);
  const page = await client.get(`/conversations/${c.id}`);
  assert.match(page.body, new RegExp(`id="scheduled-${item.id}"`));
  assert.match(page.body, /Cancel sending/);

  const empty = await client.post(`/conversations/${c.id}/scheduled`, { body: ' ', when: 'tomorrow' }, HX);
  assert.equal(empty.statusCode, 422);
  assert.match(empty.body, /id="reply-body-error"/);

  const past = await client.post(`/scheduled/${item.id}/edit`, { body: 'Changed', at: '2020-05-05T10:00' }, HX);
  assert.equal(past.statusCode, 422);
  assert.match(past.body, /Pick a time in the future\./);
  assert.match(past.body, />Changed<\/textarea>/);
  const edited = await client.post(`/scheduled/${item.id}/edit`, { body: 'Changed', at: '2099-01-01T09:00' }, HX);
  assert.equal(edited.statusCode, 422);
  const local = new Date(Date.now() + 86_400_000 * 2).toISOString().slice(0, 16);
  const saved = await client.post(`/scheduled/${item.id}/edit`, { body: 'Changed', at: local }, HX);
  assert.equal(saved.statusCode, 200);
  assert.equal(scheduledFor(h.app.domain, agent.actor, c.id)[0]!.body, 'Changed');

  const other = await signedIn(h.app, teammate.email);
  await other.get(`/conversations/${c.id}`);
  assert.equal((await other.post(`/scheduled/${item.id}/cancel`, {}, HX)).statusCode, 403);
  assert.equal((await other.post(`/scheduled/abc/cancel`, {}, HX)).statusCode, 404);
  assert.equal((await client.post(`/scheduled/${item.id}/cancel`, {}, HX)).statusCode, 200);
  assert.deepEqual(scheduledFor(h.app.domain, agent.actor, c.id), []);
  assert.equal((await client.post(`/scheduled/${item.id}/cancel`, {}, HX)).statusCode, 404);
});

test('German: the choices and the refusals are in German', async (t) => {
  const { h, agent, c, client, version } = await setup(t);
  h.sqlite.prepare(`UPDATE users SET locale = 'de' WHERE id = ?`).run(agent.id);
  const page = await client.get(`/conversations/${c.id}`);
  assert.match(page.body, /Zurückstellen/);
  assert.match(page.body, /Später senden/);
  const res = await client.post(
    `/conversations/${c.id}/snooze`,
    { version: version(), when: 'at', at: '2001-01-01T09:00' },
    HX,
  );
  assert.equal(res.statusCode, 422);
  assert.match(res.body, /Wählen Sie einen Zeitpunkt in der Zukunft\./);
});
