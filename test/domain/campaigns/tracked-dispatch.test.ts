import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { linkStats } from '../../../src/domain/campaigns/links.ts';
import { buildCampaign, buildUser } from '../../factories.ts';
import { testApp, type TestApp, until } from '../../helper.ts';

const BODY = 'Spring sale: https://shop.example/spring?utm=sms. Or https://shop.example/spring?utm=sms!';
const SHORT = /https:\/\/inbox\.example\.com\/l\/([A-Za-z0-9]{22})/g;

/** The texts the app's own dispatcher queued for a campaign, in recipient order. */
async function queuedTexts(h: TestApp, campaignId: number, count: number): Promise<string[]> {
  const read = () =>
    h.sqlite
      .prepare(
        `SELECT m.body FROM campaign_recipients r JOIN messages m ON m.id = r.message_id
         WHERE r.campaign_id = ? AND r.state = 'queued' ORDER BY r.id`,
      )
      .pluck()
      .all(campaignId) as string[];
  return until(() => read().length === count && read(), `${count} texts of campaign ${campaignId} queued`);
}

test('a campaign with tracked links goes out with per-recipient short links that redirect and count', async (t) => {
  const h = await testApp(t, { server: { public_url: 'https://inbox.example.com' } });
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const origin = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
  const admin = await buildUser(h, { role: 'admin' });
  // Sending as built; the dispatcher's timer cannot run between these two synchronous writes.
  const tracked = buildCampaign(h, { body: BODY, footer: '' });
  h.sqlite.prepare('UPDATE campaigns SET track_links = 1 WHERE id = ?').run(tracked.id);
  const plain = buildCampaign(h, { body: BODY, footer: '' });

  const texts = await queuedTexts(h, tracked.id, 2);
  const tokens = texts.map((text) => {
    const found = [...text.matchAll(SHORT)].map((m) => m[1]!);
    assert.equal(found.length, 2, text);
    assert.equal(found[0], found[1], 'the same link twice is one short link');
    assert.equal(
      text,
      `Spring sale: https://inbox.example.com/l/${found[0]}. Or https://inbox.example.com/l/${found[0]}!`,
      'the punctuation stays outside',
    );
    return found[0]!;
  });
  assert.notEqual(tokens[0], tokens[1], 'each recipient has their own');
  assert.deepEqual(await queuedTexts(h, plain.id, 2), [BODY, BODY], 'without tracking the links go as written');

  const res = await fetch(`${origin}/l/${tokens[0]}`, { redirect: 'manual' });
  assert.equal(res.status, 302);
  assert.equal(res.headers.get('location'), 'https://shop.example/spring?utm=sms');
  assert.deepEqual(linkStats(h.app.domain, admin.actor, tracked.id), [
    { url: 'https://shop.example/spring?utm=sms', clicks: 1, uniqueClicks: 1 },
  ]);
  assert.deepEqual(linkStats(h.app.domain, admin.actor, plain.id), []);
});
