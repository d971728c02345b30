import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { buildContact, buildConversation, buildInbox, buildNumber, buildUser } from '../factories.ts';
import { signedIn, testApp } from '../helper.ts';
import { handClock } from './steps.ts';

const MIN = 60_000;

async function setup(t: TestContext) {
  const h = await testApp(t);
  const clock = handClock(h);
  const agent = await buildUser(h, { name: 'Ana' });
  const inbox = buildInbox(h, { name: 'Support', members: [agent] });
  const number = buildNumber(h, { inbox });
  return { h, clock, agent, inbox, number };
}

/** The row of conversation `id` in a list page. */
const rowOf = (body: string, id: number): string => {
  const m = new RegExp(`<li id="conversation-${id}"[\\s\\S]*?</li>`).exec(body);
  assert.ok(m, `row ${id} in the list`);
  return m[0];
};

test('a row: initials avatar, plain-text preview, channel icon with its name, age with the exact time on hover', async (t) => {
  const { h, clock, agent, number } = await setup(t);
  buildContact(h, { name: 'Carla Customer', phones: ['+15557654321'] });
  clock.pass(MIN); // after Ana joined: unread for her
  const named = buildConversation(h, {
    number,
    from: '+15557654321',
    texts: ['**Hi!** See [the form](https://example.com/f)\n- one\n- _two_ <b>'],
  });
  const unknown = buildConversation(h, { number, texts: ['Hello'] });
  clock.pass(3 * MIN);
  const client = await signedIn(h.app, agent.email);
  const list = await client.get('/conversations');
  assert.equal(list.statusCode, 200);

  const row = rowOf(list.body, named.id);
  assert.match(row, /class="row unread"/, 'unread rows are marked (and drawn bold)');
  assert.match(row, /<span class="avatar avatar-[0-7]" aria-hidden="true">CC<\/span>/);
  assert.match(row, /<span class="preview">Hi! See the form one two &lt;b&gt;<\/span>/, 'no Markdown, escaped');
  assert.match(
    row,
    /<span role="img" aria-label="SMS"><svg class="icon" aria-hidden="true"[^>]*><use href="[^"]+#message-square">/,
  );
  const time = /<time class="age" datetime="([^"]+)" title="([^"]+)">([^<]+)<\/time>/.exec(row);
  assert.ok(time, 'the age is a <time>');
  assert.equal(Date.parse(time[1]!), clock.at - 3 * MIN);
  assert.match(time[2]!, /\d{1,2}:\d{2}/, 'the title is the exact time');
  assert.equal(time[3], '3 min');

  assert.match(
    rowOf(list.body, unknown.id),
    /<span class="avatar avatar-phone" aria-hidden="true"><svg [^>]*><use href="[^"]+#phone">/,
  );

  // The same row in German, and as the live socket and "more" draw it (one partial).
  await client.post('/settings', { name: 'Ana', locale: 'de' });
  const de = rowOf((await client.get('/conversations')).body, named.id);
  assert.match(de, />3 Min\.<\/time>/);
  assert.match(de, /aria-label="ungelesen"/);
});

test('empty lists say what to do next (drawn always, shown by the stylesheet while no row is there), in English and German', async (t) => {
  const { h, agent } = await setup(t);
  const client = await signedIn(h.app, agent.email);
  const empty = async (url: string) => {
    const res = await client.get(url);
    assert.equal(res.statusCode, 200, url);
    const m = /<div class="empty-state">([\s\S]*?)<\/div>/.exec(res.body);
    assert.ok(m, `${url} has an empty state`);
    return m[1]!.replace(/\s+/g, ' ').trim();
  };
  assert.equal(
    await empty('/conversations'),
    '<p>No open conversations. New texts arrive here.</p> <p><a href="/conversations/new">Start a new conversation</a></p>',
  );
  assert.match(await empty('/conversations?view=mine'), /assigned to you.*href="\/conversations\?view=unassigned"/);
  assert.match(await empty('/conversations?view=closed'), /No closed conversations yet/);
  assert.match(await empty('/conversations?view=personal'), /personal numbers.*href="\/conversations\/new"/);
  assert.equal(
    await empty('/conversations?view=closed&unread=1'),
    '<p>No conversations match these filters.</p> <p><a href="/conversations?view=closed">Clear filters</a></p>',
  );
  const bad = await client.get('/conversations?unread=yes');
  assert.equal(bad.statusCode, 400, 'a bad filter is refused with its name');
  assert.match(bad.body, /“unread” is not valid/);

  await client.post('/settings', { name: 'Ana', locale: 'de' });
  assert.match(await empty('/conversations'), /Keine offenen Unterhaltungen\..*Neue Unterhaltung beginnen/);
  assert.match(await empty('/conversations?view=closed&unread=1'), /Alle Filter entfernen/);
});

test('every page carries the keyboard help; the header marks its Close and Assign-to-me forms for e and a', async (t) => {
  const { h, agent, number } = await setup(t);
  const c = buildConversation(h, { number });
  const client = await signedIn(h.app, agent.email);
  const page = await client.get(`/conversations/${c.id}`);
  assert.match(page.body, /<dialog id="shortcuts-help" class="shortcuts-help" aria-labelledby="shortcuts-title">/);
  assert.match(page.body, /<h2 id="shortcuts-title">Keyboard shortcuts<\/h2>/);
  assert.match(page.body, /<form data-shortcut="close"[^>]*>[\s\S]*?name="status" value="closed"/);
  assert.match(page.body, /<form data-shortcut="assign-me"[^>]*>[\s\S]*?name="assignee" value="\d+"/);
});
