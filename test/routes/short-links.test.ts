import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { shortenLinks } from '../../src/domain/campaigns/links.ts';
import { buildCampaign, buildUser, nextCustomer } from '../factories.ts';
import { signedIn, testApp } from '../helper.ts';

/** The app listening on a real port, a campaign with three recipients whose texts carry short links. */
async function world(t: TestContext) {
  const h = await testApp(t, { server: { public_url: 'https://inbox.example.com' } });
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const origin = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
  const campaign = buildCampaign(h, { phones: [nextCustomer(), nextCustomer(), nextCustomer()] });
  const recipients = [...campaign.recipientIds];
  /** The next recipient's text with its short link: the link's path. */
  const shortLinkOf = (text: string) => {
    const recipientId = recipients.shift()!;
    const out = h.app.domain.db.transaction((tx) =>
      shortenLinks(tx, { campaignId: campaign.id, recipientId, text, base: origin }),
    );
    return /(\/l\/\w+)/.exec(out)![1]!;
  };
  const clicks = () =>
    h.sqlite.prepare('SELECT token, clicks FROM campaign_link_tokens ORDER BY token').all() as {
      token: string;
      clicks: number;
    }[];
  return { h, origin, shortLinkOf, clicks };
}

test('a short link redirects to its link and counts each click; HEAD answers without counting; no sign-in needed', async (t) => {
  const { origin, shortLinkOf, clicks } = await world(t);
  const ana = shortLinkOf('Spring sale: https://shop.example/spring?utm=sms&x=1.');
  const ben = shortLinkOf('Spring sale: https://shop.example/spring?utm=sms&x=1.');
  assert.notEqual(ana, ben, "each recipient's link is their own");

  const head = await fetch(`${origin}${ana}`, { method: 'HEAD', redirect: 'manual' });
  assert.equal(head.status, 302);
  assert.equal(head.headers.get('location'), 'https://shop.example/spring?utm=sms&x=1');
  assert.equal(
    clicks().reduce((sum, r) => sum + r.clicks, 0),
    0,
    'a link preview is not a click',
  );

  for (let i = 0; i < 2; i++) {
    const res = await fetch(`${origin}${ana}`, { redirect: 'manual' });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), 'https://shop.example/spring?utm=sms&x=1');
    assert.match(res.headers.get('cache-control') ?? '', /no-store/, 'every click reaches the server');
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer', 'the shop does not learn the token');
    assert.equal(res.headers.get('set-cookie'), null, 'no session for a customer');
  }
  const books = shortLinkOf('Books: https://bücher.example/straße?q=€');
  const encoded = await fetch(`${origin}${books}`, { redirect: 'manual' });
  assert.equal(encoded.status, 302, 'a Location header in ASCII');
  assert.equal(encoded.headers.get('location'), 'https://xn--bcher-kva.example/stra%C3%9Fe?q=%E2%82%AC');

  const byToken = Object.fromEntries(clicks().map((r) => [r.token, r.clicks]));
  assert.deepEqual(byToken, { [ana.slice(3)]: 2, [ben.slice(3)]: 0, [books.slice(3)]: 1 });
});

test('a link preview being drawn and a teammate following the link from a conversation are not clicks', async (t) => {
  const { h, origin, shortLinkOf, clicks } = await world(t);
  const link = shortLinkOf('New menu: https://cafe.example/menu');
  // What Apple's Messages and WhatsApp send to draw a preview card.
  for (const agent of ['facebookexternalhit/1.1 Facebot Twitterbot/1.0', 'WhatsApp/2.24.8.78 A']) {
    const res = await fetch(`${origin}${link}`, { redirect: 'manual', headers: { 'user-agent': agent } });
    assert.equal(res.status, 302, agent);
    assert.equal(res.headers.get('location'), 'https://cafe.example/menu');
  }
  const user = await buildUser(h, { role: 'agent' });
  const teammate = await signedIn(h.app, user.email);
  const followed = await teammate.get(link);
  assert.equal(followed.statusCode, 302);
  assert.equal(clicks()[0]!.clicks, 0, 'nothing counted');

  const phone = await fetch(`${origin}${link}`, {
    redirect: 'manual',
    headers: { 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Mobile/15E148 Safari/604.1' },
  });
  assert.equal(phone.status, 302);
  assert.equal(clicks()[0]!.clicks, 1, "the customer's phone opening it is");
});

test('an unknown token is a 404 page saying so, in the browser’s language; nothing counts', async (t) => {
  const { origin, shortLinkOf, clicks } = await world(t);
  const real = shortLinkOf('Go https://shop.example/go');
  for (const path of ['/l/AAAAAAAAAAAAAAAAAAAAAA', `${real}x`, '/l/%27%20OR%201%3D1', `/l/${'x'.repeat(90)}`]) {
    const res = await fetch(`${origin}${path}`, { redirect: 'manual' });
    assert.equal(res.status, 404, path.slice(0, 40));
    assert.equal(res.headers.get('location'), null);
    const page = await res.text();
    assert.match(page, /<h1>Link not found<\/h1>/);
    assert.match(page, /This link does not exist\./);
  }
  const long = await fetch(`${origin}/l/${'x'.repeat(3000)}`, { redirect: 'manual' });
  assert.equal(long.status, 414, "longer than Fastify's maxParamLength: refused before the route");
  const head = await fetch(`${origin}/l/AAAAAAAAAAAAAAAAAAAAAA`, { method: 'HEAD' });
  assert.equal(head.status, 404);
  const german = await fetch(`${origin}/l/AAAAAAAAAAAAAAAAAAAAAA`, {
    headers: { 'accept-language': 'de-DE,de;q=0.9' },
  });
  assert.match(await german.text(), /<h1>Link nicht gefunden<\/h1>/);
  assert.equal(clicks()[0]!.clicks, 0);
});
