import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { buildConversation, buildInbox, buildNumber, buildUser } from '../factories.ts';
import { signedIn, testApp } from '../helper.ts';
import { HX } from './steps.ts';

const SHOP = '+15551230000';
const CUSTOMER = '+15557654321';

async function setup(t: TestContext, registration: 'registered' | 'pending' = 'registered') {
  const h = await testApp(t);
  const agent = await buildUser(h, { name: 'Ana' });
  const outsider = await buildUser(h, { name: 'Bo' });
  const inbox = buildInbox(h, { name: 'Support', members: [agent] });
  const number = buildNumber(h, { e164: SHOP, inbox, registration });
  const conversation = buildConversation(h, { number, from: CUSTOMER, texts: ['Is my order <b>ready</b>?'] });
  return { h, agent, outsider, inboxId: inbox.id, conversationId: conversation.id };
}

test('the inbox lists the conversation; the conversation shows the text escaped and takes a reply', async (t) => {
  const { h, agent, inboxId, conversationId } = await setup(t);
  const client = await signedIn(h.app, agent.email);
  const list = await client.get(`/conversations?inbox=${inboxId}`);
  assert.equal(list.statusCode, 200);
  // No country configured and the server in UTC: numbers are shown with their country code.
  assert.match(list.body, /<strong>\+1 555 765 4321<\/strong>/);
  assert.match(list.body, /unknown number/);
  const page = await client.get(`/conversations/${conversationId}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Is my order &lt;b&gt;ready&lt;\/b&gt;\?/);
  const sent = await client.post(`/conversations/${conversationId}/messages`, { body: 'Yes, come by!' }, HX);
  assert.equal(sent.statusCode, 200);
  assert.match(sent.body, /<form id="composer"/);
  assert.match(sent.body, /<hx-upsert hx-target="#timeline-\d+"/);
  assert.match(sent.body, /Yes, come by!/);
  assert.match(sent.body, /Queued/, 'not shown as sent before the SMSC acknowledged it');
  assert.equal(h.sqlite.prepare(`SELECT status FROM messages WHERE body = 'Yes, come by!'`).pluck().get(), 'queued');
});

test('refused replies come back in place with the reason, and nothing is queued', async (t) => {
  const { h, agent, inboxId, conversationId } = await setup(t, 'pending');
  const client = await signedIn(h.app, agent.email);
  const page = await client.get(`/conversations/${conversationId}`);
  assert.match(page.body, /carrier registration \(10DLC\) is pending/, 'the banner says what to do');
  assert.match(
    (await client.get(`/conversations?inbox=${inboxId}`)).body,
    /Texts from \+1 555 123 0000 are blocked/,
    'the inbox shows it too',
  );
  const refused = await client.post(`/conversations/${conversationId}/messages`, { body: 'Hello' }, HX);
  assert.equal(refused.statusCode, 422);
  assert.match(refused.body, /<form id="composer"/);
  assert.match(refused.body, /aria-invalid="true"/);
  assert.match(refused.body, /carriers block texts from unregistered numbers/);
  assert.match(refused.body, />Hello<\/textarea>/, 'what was typed is kept');
  assert.equal(h.sqlite.prepare(`SELECT count(*) FROM messages WHERE direction = 'out'`).pluck().get(), 0);
});

test('someone outside the inbox gets 404 for the conversation and cannot reply by id', async (t) => {
  const { h, outsider, conversationId } = await setup(t);
  const client = await signedIn(h.app, outsider.email);
  assert.equal((await client.get(`/conversations/${conversationId}`)).statusCode, 404);
  assert.equal((await client.post(`/conversations/${conversationId}/messages`, { body: 'Hi' })).statusCode, 404);
  assert.equal((await client.get('/conversations/abc')).statusCode, 404);
  assert.equal(h.sqlite.prepare(`SELECT count(*) FROM messages WHERE direction = 'out'`).pluck().get(), 0);
});

test('the composer counts characters left and SMS as the agent types, GSM or Unicode', async (t) => {
  const { h, agent, conversationId } = await setup(t);
  const client = await signedIn(h.app, agent.email);
  const page = await client.get(`/conversations/${conversationId}`);
  assert.match(page.body, /160 characters left · 1 SMS/);
  const count = (body: string) => client.post('/compose/count', { body }, HX).then((r) => r.body);
  assert.match(await count('Hello'), /155 characters left · 1 SMS/);
  assert.match(await count('€'), /158 characters left/, '€ costs two septets');
  assert.match(await count('x'.repeat(161)), /145 characters left · 2 SMS/);
  assert.match(await count('Hi 😀'), /65 characters left · 1 SMS \(emoji/);
});

test('a long conversation opens with its newest 50 items; "Show earlier messages" brings the 50 before, to htmx or as a page', async (t) => {
  const { h, agent, conversationId } = await setup(t);
  const insert = h.sqlite.prepare(
    `INSERT INTO messages (conversation_id, direction, body, status, created_at, updated_at) VALUES (?, 'in', ?, 'received', ?, ?)`,
  );
  const start = Date.now();
  for (let i = 1; i <= 1000; i++)
    insert.run(conversationId, `Text number ${i}, about the order and when it will be ready`, start + i, start + i);
  const client = await signedIn(h.app, agent.email);
  // The timeline's items: the list beside it previews the newest text too.
  const timeline = (html: string) => html.slice(Math.max(0, html.indexOf('id="timeline-')));
  const shown = (html: string) => [...timeline(html).matchAll(/Text number (\d+),/g)].map((m) => Number(m[1]));
  const earlierLink = (html: string) =>
    /<a href="([^"]+)" hx-get="\1"[^>]*>Show earlier messages<\/a>/.exec(html)?.[1]?.replaceAll('&amp;', '&');

  const page = await client.get(`/conversations/${conversationId}`);
  assert.equal(page.statusCode, 200);
  assert.deepEqual(
    shown(page.body),
    Array.from({ length: 50 }, (_, i) => 951 + i),
    'the newest 50, oldest first',
  );
  assert.ok(page.body.length < 80 * 1024, `the page is ${page.body.length} bytes`);
  const url = earlierLink(page.body);
  assert.ok(url, 'a link to the earlier items');

  const earlier = await client.get(url, HX.headers);
  assert.equal(earlier.statusCode, 200);
  assert.deepEqual(
    shown(earlier.body),
    Array.from({ length: 50 }, (_, i) => 901 + i),
    'the 50 before them',
  );
  assert.doesNotMatch(earlier.body, /<nav|id="composer"/, 'only the items, for the top of the timeline');
  assert.ok(earlierLink(earlier.body), 'and the link to the ones before those');

  // Without JavaScript the same link opens a page showing that earlier part, with a way back.
  const asPage = await client.get(url);
  assert.equal(asPage.statusCode, 200);
  assert.deepEqual(shown(asPage.body), shown(earlier.body));
  assert.match(asPage.body, /id="composer"/);
  assert.match(asPage.body, new RegExp(`<a href="/conversations/${conversationId}">Back to the latest messages</a>`));

  // Paging to the start (1 001 items: 20 pages of 50 and the first text alone), with no link before it.
  const seen = shown(page.body);
  let next: string | undefined = url;
  let last = earlier;
  let pages = 1;
  while (next) {
    last = await client.get(next, HX.headers);
    seen.unshift(...shown(last.body));
    next = earlierLink(last.body);
    pages++;
  }
  assert.equal(pages, 21);
  assert.match(last.body, /Is my order &lt;b&gt;ready&lt;\/b&gt;\?/);
  assert.deepEqual(
    seen,
    Array.from({ length: 1000 }, (_, i) => i + 1),
    'every text once, in order',
  );

  const bad = await client.get(`/conversations/${conversationId}?before=yesterday`, HX.headers);
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /The value given for “before” is not valid/);
});

test('a conversation opens beside the list its URL names; picked in that list, only its pane comes back, with the URL to push', async (t) => {
  const { h, agent, conversationId } = await setup(t);
  const client = await signedIn(h.app, agent.email);
  const url = `/conversations/${conversationId}?view=unassigned`;

  const page = await client.get(url);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /<h2 id="list-title">Unassigned<\/h2>/, 'the list beside it, by the URL');
  assert.match(page.body, /<h1 id="conversation-title">/);
  assert.match(page.body, new RegExp(`hx-ws:connect="/live\\?path=${encodeURIComponent(url)}&amp;lang=en"`));

  const pane = await client.get(`/conversations/${conversationId}`, {
    ...HX.headers,
    'hx-target': 'div#conversation-pane',
    'hx-current-url': `http://localhost/conversations?view=unassigned`,
  });
  assert.equal(pane.statusCode, 200);
  assert.equal(pane.headers['hx-push-url'], url, 'the list the tab shows stays in the address');
  assert.match(pane.body, /^<title>\+1 555 765 4321 · Switchboard<\/title>/);
  assert.match(pane.body, /<div id="conversation-pane"/);
  assert.doesNotMatch(pane.body, /<nav|id="list-main"/, 'the list and the navigation stay as they are');
  // The tab's socket follows the new address: it hears about this conversation and that list.
  assert.match(
    pane.body,
    new RegExp(`<div id="live" hx-ws:connect="/live\\?path=${encodeURIComponent(url)}&amp;lang=en"[^>]*hx-swap-oob`),
  );

  const back = await client.get(url, {
    ...HX.headers,
    'hx-target': 'div#conversation-pane',
    'hx-current-url': `http://localhost${url}`,
    'hx-history-restore-request': 'true',
  });
  assert.equal(back.statusCode, 200);
  assert.equal(back.headers['hx-push-url'], undefined, 'back and forward push nothing');
  assert.match(back.body, /<div id="conversation-pane"/);

  const bad = await client.get(`/conversations/${conversationId}?view=everything`);
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /The value given for “view” is not valid\./);
});
