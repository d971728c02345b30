import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildConversation, buildInbox, buildUser } from '../factories.ts';
import { signedIn, testApp } from '../helper.ts';
import { alertOf, HX } from './steps.ts';

const XSS = `<script>alert(1)</script><img src=x onerror=alert(1)>`;

test('the search page: results with the match marked, user text escaped, filters and paging in the URL', async (t) => {
  const h = await testApp(t);
  const agent = await buildUser(h);
  buildInbox(h, { name: 'Support', members: [agent] });
  buildInbox(h, { name: 'Sales' });
  const mine = buildConversation(h, { inbox: 'Support', texts: [`parcel ${XSS} lost`] });
  buildConversation(h, { inbox: 'Sales', texts: ['parcel for sales only'] });
  for (let i = 0; i < 30; i++) buildConversation(h, { inbox: 'Support', texts: [`walrus ${i}`] });
  const browser = await signedIn(h.app, agent.email);

  // The box in the top bar, on every page.
  const home = await browser.get('/conversations');
  assert.match(home.body, /<form class="topbar-search" role="search" method="get" action="\/search"/);
  assert.match(home.body, /<label class="visually-hidden" for="search-box">Search conversations<\/label>/);

  const prompt = await browser.get('/search');
  assert.equal(prompt.statusCode, 200);
  assert.match(prompt.body, /Type a word, a name or a number/);

  const page = await browser.get('/search?q=parcel');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, new RegExp(`href="/conversations/${mine.id}"`));
  assert.match(page.body, /<mark>parcel<\/mark>/);
  assert.doesNotMatch(page.body, /<script>alert|<img src=x/);
  assert.match(page.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.doesNotMatch(page.body, /for sales only/, 'an inbox the agent may not read');
  assert.match(page.body, /value="parcel"/, 'the box keeps the words');

  const none = await browser.get('/search?q=zzzyx');
  assert.match(none.body, /Nothing found for “zzzyx”/);

  const tooLong = await browser.get(`/search?q=${'x'.repeat(201)}`);
  assert.equal(tooLong.statusCode, 422);
  assert.equal(alertOf(tooLong.body), 'Search for 200 characters at most.');
  const hostile = await browser.get(`/search?q=${encodeURIComponent('" AND NEAR( * -+49 (')}`);
  assert.equal(hostile.statusCode, 200);
  assert.equal((await browser.get('/search?q=x&inbox=abc')).statusCode, 400);
  assert.equal((await browser.get('/search?q=x&q=y')).statusCode, 400);

  // 25 a page; the next page's link keeps the words and the filters, and htmx gets the rows alone.
  const first = await browser.get('/search?q=walrus&status=open&order=newest');
  assert.equal((first.body.match(/class="row search-row"/g) ?? []).length, 25);
  const next = /href="(\/search\?q=walrus&amp;status=open&amp;order=newest&amp;after=[^"]+)"/.exec(first.body)?.[1];
  assert.ok(next, 'a link to the next page');
  const more = await browser.get(next.replaceAll('&amp;', '&'), HX.headers);
  assert.equal((more.body.match(/class="row search-row"/g) ?? []).length, 5);
  assert.match(more.body, /<hx-partial hx-target="#search-list" hx-swap="beforeend">/);
  assert.doesNotMatch(more.body, /<html/);

  // The filters form, sent by htmx: the results alone.
  const filtered = await browser.get('/search?q=walrus&status=closed', HX.headers);
  assert.match(filtered.body, /^<div id="search-results"/);
  assert.match(filtered.body, /Nothing found for “walrus”/);
});
