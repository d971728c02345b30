import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { claimDue, writeDeliveries } from '../../src/domain/messaging/delivery.ts';
import { defaultKeywordTexts } from '../../src/domain/messaging/texts.ts';
import { buildInbox, buildNumber, buildUser, receiveText } from '../factories.ts';
import {
  browserFor,
  eventually,
  goLive,
  noChromium,
  pageFor,
  serverFor,
  signIn,
  trackLiveSocket,
  waitForLiveOpens,
} from './browser.ts';

const CUSTOMER = '+15557654321';

/** A server with Support and its member Ana signed in, in Chromium; `receive` is a customer's text. */
async function setup(t: TestContext) {
  const browser = await browserFor(t);
  const s = await serverFor(t);
  const agent = await buildUser(s, { name: 'Ana Agent' });
  const inbox = buildInbox(s, { name: 'Support', members: [agent] });
  const shop = buildNumber(s, { inbox });
  const receive = (text: string) => receiveText(s, { from: CUSTOMER, to: shop, text });
  const page = await pageFor(t, browser, s.baseURL);
  await signIn(page, agent.email);
  await trackLiveSocket(page);
  return { s, inboxId: inbox.id, receive, page };
}

test('browser: an SMS conversation, live', { skip: noChromium }, async (t) => {
  const { s, inboxId, receive, page } = await setup(t);
  const first = receive('Hello, is anyone there?');
  await page.goto(`/inboxes/${inboxId}`);
  await waitForLiveOpens(page);
  const list = page.getByRole('list', { name: 'Conversations' });
  await list.getByRole('link', { name: /Hello, is anyone there\?/ }).waitFor();

  receive('Second question: opening hours?');
  await list.getByRole('link', { name: /opening hours/ }).waitFor();
  assert.equal(await list.getByRole('listitem').count(), 1, 'the row was updated in place, not added twice');

  // Opened beside the list: the pane swaps, the address keeps the list's filter, the socket follows it.
  await goLive(page, () => list.getByRole('link', { name: /opening hours/ }).click());
  assert.equal(new URL(page.url()).pathname, `/conversations/${first.conversationId}`);
  assert.equal(new URL(page.url()).searchParams.get('inbox'), String(inboxId));
  const timeline = page.getByRole('list', { name: 'Messages and events' });
  await timeline.getByText('Second question: opening hours?').waitFor();

  await page.getByLabel('Reply by text message').fill('We open at 9.');
  await page.getByText('147 characters left · 1 SMS').waitFor();
  await page.getByRole('button', { name: 'Send reply' }).click();
  const reply = timeline.getByRole('listitem').filter({ hasText: 'We open at 9.' });
  await reply.getByRole('img', { name: 'Queued', exact: true }).waitFor();
  assert.equal(await page.getByLabel('Reply by text message').inputValue(), '', 'the composer is cleared');
  assert.equal(await reply.count(), 1, 'the reply appears once (response and push both upsert it)');

  const [due] = claimDue(s.app.domain, 10, 30_000);
  assert.ok(due);
  writeDeliveries(s.app.domain, [{ kind: 'sent', message: due, carrierIds: ['smsc-1'] }]);
  await reply.getByRole('img', { name: 'Sent', exact: true }).waitFor();
  writeDeliveries(s.app.domain, [
    { kind: 'receipt', connection: due.connection, carrierId: 'smsc-1', state: 'delivered' },
  ]);
  await reply.getByRole('img', { name: 'Delivered', exact: true }).waitFor();

  receive('STOP');
  await timeline.getByText('Opted out by texting a STOP keyword').waitFor();
  await timeline.getByText(defaultKeywordTexts.stop).waitFor();
  await page.getByLabel('Reply by text message').fill('Are you sure?');
  await page.getByRole('button', { name: 'Send reply' }).click();
  await page.getByText('Not sent: this contact has opted out').waitFor();
  assert.equal(await timeline.getByText('Are you sure?').count(), 0);
});

test(
  'browser: a long conversation opens at its newest 50; Show earlier messages brings the rest above, live texts still land at the end',
  { skip: noChromium },
  async (t) => {
    const { s, receive, page } = await setup(t);
    // The first text, then 120 more, all from the last hour.
    const id = receive('Where is my parcel?').conversationId;
    const base = Date.now() - 3_600_000;
    s.sqlite.prepare('UPDATE messages SET created_at = ? WHERE conversation_id = ?').run(base, id);
    const insert = s.sqlite.prepare(
      `INSERT INTO messages (conversation_id, direction, body, status, created_at, updated_at) VALUES (?, 'in', ?, 'received', ?, ?)`,
    );
    for (let i = 1; i <= 120; i++) insert.run(id, `Filler ${i}.`, base + i * 1000, base + i * 1000);

    await page.goto(`/conversations/${id}`);
    await waitForLiveOpens(page);
    const timeline = page.getByRole('list', { name: 'Messages and events' });
    const fillers = timeline.getByRole('listitem').filter({ hasText: /Filler \d+\./ });
    const earlier = timeline.getByRole('link', { name: 'Show earlier messages' });
    // The entries, without the day separators (all of these are from the last hour: one day, maybe two).
    const entries = timeline.getByRole('listitem').filter({ hasNot: page.getByRole('heading') });
    const texts = async () => (await entries.allInnerTexts()).map((text) => text.split('\n')[0]);
    assert.equal(await fillers.count(), 50);
    assert.deepEqual(
      (await texts()).slice(0, 2),
      ['Show earlier messages', 'Filler 71.'],
      'the newest 50, the way back above them',
    );
    assert.equal((await texts()).at(-1), 'Filler 120.');

    // A text arriving now goes to the end of the timeline, not above the way back.
    receive('Any news?');
    await eventually(async () => (await texts()).at(-1), 'Any news?', 'the live text at the end');
    assert.equal((await texts())[0], 'Show earlier messages');

    await earlier.click();
    await timeline.getByText('Filler 21.', { exact: true }).waitFor();
    assert.equal(await fillers.count(), 100);
    assert.deepEqual(
      (await texts()).slice(0, 3),
      ['Show earlier messages', 'Filler 21.', 'Filler 22.'],
      'the 50 before, above what was there',
    );
    assert.equal(new URL(page.url()).pathname, `/conversations/${id}`, 'the page stays where it is');

    await earlier.click();
    await timeline.getByText('Where is my parcel?').waitFor();
    assert.equal(await earlier.count(), 0, 'the start of the conversation');
    const all = await texts();
    assert.deepEqual(all.slice(0, 2), ['Where is my parcel?', 'Filler 1.']);
    assert.equal(all.length, 122, 'every text once');
    assert.equal(all.at(-1), 'Any news?');
  },
);
