import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { followLink, linkStats, linkTarget, shortenLinks } from '../../../src/domain/campaigns/links.ts';
import { bareLinks } from '../../../src/formatting/bare-links.ts';
import { toPlainText } from '../../../src/formatting/markdown.ts';
import { buildCampaign, buildInbox, buildNumber, buildUser, nextCustomer } from '../../factories.ts';
import { refusal, testApp, type TestApp } from '../../helper.ts';

const BASE = 'https://inbox.example.com';
const SHORT = /https:\/\/inbox\.example\.com\/l\/([A-Za-z0-9]{22})/g;

async function world(t: TestContext) {
  const h = await testApp(t, { server: { public_url: BASE } });
  const { id: campaignId, inboxId, recipientIds: recipients } = buildCampaign(h);
  return { h, campaignId, inboxId, recipients };
}

const shorten = (h: TestApp, campaignId: number, recipientId: number, text: string) =>
  h.app.domain.db.transaction((tx) => shortenLinks(tx, { campaignId, recipientId, text, base: BASE }));
const tokensIn = (text: string) => [...text.matchAll(SHORT)].map((m) => m[1]!);
const count = (h: TestApp, table: string) => h.sqlite.prepare(`SELECT count(*) FROM ${table}`).pluck().get();

test('every link becomes a short link; the same link twice is one token; the sentence keeps its punctuation', async (t) => {
  const { h, campaignId, recipients } = await world(t);
  const text =
    'Sale! See https://shop.example/spring?utm=sms. Or http://shop.example/a_b, (https://shop.example/x) and ' +
    'https://shop.example/spring?utm=sms!';
  const out = shorten(h, campaignId, recipients[0]!, text);
  const [a, b, c, again, ...rest] = tokensIn(out);
  assert.deepEqual(rest, []);
  assert.equal(again, a, 'the same link twice: one token');
  assert.equal(new Set([a, b, c]).size, 3);
  assert.equal(
    out,
    `Sale! See ${BASE}/l/${a}. Or ${BASE}/l/${b}, (${BASE}/l/${c}) and ${BASE}/l/${a}!`,
    'the dot, comma, bracket and exclamation mark stay outside',
  );
  assert.deepEqual(
    h.sqlite.prepare('SELECT url FROM campaign_links ORDER BY id').pluck().all(),
    ['https://shop.example/spring?utm=sms', 'http://shop.example/a_b', 'https://shop.example/x'],
    'one row per distinct link',
  );
  assert.equal(toPlainText(out), out, 'goes through the SMS text (Markdown) unchanged');
  assert.equal(linkTarget(h.app.domain, a!), 'https://shop.example/spring?utm=sms');
  assert.equal(linkTarget(h.app.domain, b!), 'http://shop.example/a_b');
});

test('a link as written is counted as written and redirected to as a browser sends it; one no browser opens stays', async (t) => {
  const { h, campaignId, recipients } = await world(t);
  const out = shorten(
    h,
    campaignId,
    recipients[0]!,
    'Books https://bücher.example/straße?q=€ or https://[::1 and https://x.example/a\u0000b',
  );
  const [books, nul, ...rest] = tokensIn(out);
  assert.deepEqual(rest, []);
  assert.equal(out, `Books ${BASE}/l/${books} or https://[::1 and ${BASE}/l/${nul}`);
  assert.deepEqual(h.sqlite.prepare('SELECT url FROM campaign_links ORDER BY id').pluck().all(), [
    'https://bücher.example/straße?q=€',
    'https://x.example/a\u0000b',
  ]);
  assert.equal(linkTarget(h.app.domain, books!), 'https://xn--bcher-kva.example/stra%C3%9Fe?q=%E2%82%AC');
  assert.equal(followLink(h.app.domain, nul!, 1), 'https://x.example/a%00b');
});

test('text without a link stays as it is and writes nothing; other schemes and glued words are not links', async (t) => {
  const { h, campaignId, recipients } = await world(t);
  for (const text of [
    'Hello {{name}}, 20% off today.',
    'Mail sales@shop.example or call tel:+15551230000',
    'ftp://files.example/x and xhttps://glued.example and https:// alone',
    '',
  ])
    assert.equal(shorten(h, campaignId, recipients[0]!, text), text);
  assert.equal(count(h, 'campaign_links'), 0);
  assert.equal(count(h, 'campaign_link_tokens'), 0);
});

test('each recipient gets their own tokens for the same links; shortening a text again reuses them', async (t) => {
  const { h, campaignId, recipients } = await world(t);
  const text = 'A https://shop.example/a B https://shop.example/b';
  const first = tokensIn(shorten(h, campaignId, recipients[0]!, text));
  const second = tokensIn(shorten(h, campaignId, recipients[1]!, text));
  assert.equal(new Set([...first, ...second]).size, 4, 'four distinct tokens');
  assert.deepEqual(tokensIn(shorten(h, campaignId, recipients[0]!, text)), first, 'the same text again: the same');
  assert.equal(count(h, 'campaign_links'), 2, 'links are per campaign, not per recipient');
  assert.equal(count(h, 'campaign_link_tokens'), 4);

  const other = buildCampaign(h);
  const elsewhere = tokensIn(shorten(h, other.id, other.recipientIds[0]!, text));
  assert.equal(new Set([...first, ...second, ...elsewhere]).size, 6);
  assert.equal(count(h, 'campaign_links'), 4, "another campaign's links are its own");
});

test('a click counts and tells the campaign page; an unknown or malformed token leads nowhere and counts nothing', async (t) => {
  const { h, campaignId, inboxId, recipients } = await world(t);
  const [token] = tokensIn(shorten(h, campaignId, recipients[0]!, 'Go https://shop.example/go'));
  const events: unknown[] = [];
  h.app.domain.events.on('campaign.changed', (e) => events.push(e));

  assert.equal(linkTarget(h.app.domain, token!), 'https://shop.example/go');
  assert.deepEqual(events, [], 'looking it up is not a click');
  assert.equal(followLink(h.app.domain, token!, 1_000), 'https://shop.example/go');
  assert.equal(followLink(h.app.domain, token!, 5_000), 'https://shop.example/go');
  assert.deepEqual(h.sqlite.prepare('SELECT clicks, first_click_at, last_click_at FROM campaign_link_tokens').get(), {
    clicks: 2,
    first_click_at: 1_000,
    last_click_at: 5_000,
  });
  assert.deepEqual(events, [
    { campaignId, inboxId },
    { campaignId, inboxId },
  ]);

  for (const wrong of ['A'.repeat(22), `${token}x`, token!.slice(1), "' OR 1=1 --", '', 'x'.repeat(10_000)]) {
    assert.equal(followLink(h.app.domain, wrong, 9_000), null, wrong.slice(0, 30));
    assert.equal(linkTarget(h.app.domain, wrong), null);
  }
  assert.equal(h.sqlite.prepare('SELECT sum(clicks) FROM campaign_link_tokens').pluck().get(), 2);
  assert.equal(events.length, 2);
});

test('link stats: clicks and clicking recipients per link, in the order sent; for those who see the inbox', async (t) => {
  const h = await testApp(t, { server: { public_url: BASE } });
  const agent = await buildUser(h);
  const stranger = await buildUser(h);
  const admin = await buildUser(h, { role: 'admin' });
  const number = buildNumber(h, { inbox: buildInbox(h, { members: [agent] }) });
  const { id, recipientIds } = buildCampaign(h, { number, phones: [nextCustomer(), nextCustomer(), nextCustomer()] });
  const text = 'New: https://shop.example/new and https://shop.example/old, or https://shop.example/never';
  const [ana, ben] = recipientIds.map((r) => tokensIn(shorten(h, id, r, text)));
  const click = (token: string | undefined) => followLink(h.app.domain, token!, Date.now());
  click(ana![0]);
  click(ana![0]);
  click(ben![0]);
  click(ben![1]);

  const expected = [
    { url: 'https://shop.example/new', clicks: 3, uniqueClicks: 2 },
    { url: 'https://shop.example/old', clicks: 1, uniqueClicks: 1 },
    { url: 'https://shop.example/never', clicks: 0, uniqueClicks: 0 },
  ];
  assert.deepEqual(linkStats(h.app.domain, agent.actor, id), expected, 'an agent of the inbox reads them');
  assert.deepEqual(linkStats(h.app.domain, admin.actor, id), expected);
  assert.equal(
    refusal(() => linkStats(h.app.domain, stranger.actor, id)),
    '404 error.not_found',
  );
  assert.equal(
    refusal(() => linkStats(h.app.domain, admin.actor, id + 100)),
    '404 error.not_found',
  );
  assert.deepEqual(linkStats(h.app.domain, admin.actor, buildCampaign(h).id), [], 'a campaign without links');
});

test('the link finder reads hostile text in one pass: 100 000 characters of near-links are answered, correctly', () => {
  const n = 100_000;
  const inputs: Record<string, string> = {
    'schemes without hosts': 'https://'.repeat(n / 8),
    'one endless link of dots': `https://x${'.'.repeat(n)}`,
    'links glued by punctuation': 'https://a.b.'.repeat(n / 12),
    'h after h': 'h'.repeat(n),
    'almost schemes': 'http:/'.repeat(n / 6),
    'punctuation runs after schemes': 'https://.,;:!?)'.repeat(n / 15),
    'schemes ending in a dot': 'https://. '.repeat(n / 10),
  };
  const expected: Record<string, number> = {
    'schemes without hosts': 1,
    'one endless link of dots': 1,
    'links glued by punctuation': 1,
    'h after h': 0,
    'almost schemes': 0,
    'punctuation runs after schemes': 1,
    'schemes ending in a dot': 0,
  };
  for (const [name, text] of Object.entries(inputs)) {
    const found = bareLinks(text);
    assert.equal(found.length, expected[name], name);
  }
  assert.deepEqual(bareLinks(`https://x${'.'.repeat(n)}`), [{ start: 0, end: 9 }], 'the dots stay outside');
  const many = 'see https://s.example/a. '.repeat(n / 25);
  const links = bareLinks(many);
  assert.equal(links.length, n / 25, 'every link of a long text');
  assert.ok(links.every(({ start, end }) => many.slice(start, end) === 'https://s.example/a'));
});
