import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setMembers } from '../../src/domain/inboxes/service.ts';
import { claimDue, writeDeliveries } from '../../src/domain/messaging/delivery.ts';
import { receiveSms } from '../../src/domain/messaging/inbound.ts';
import { defaultKeywordTexts } from '../../src/domain/messaging/texts.ts';
import { syncNumbers } from '../../src/domain/numbers/sync.ts';
import { addUser } from '../helper.ts';
import { launchBrowser, noChromium, signedInPage, startServer, trackLiveSocket, waitForLiveOpens } from './browser.ts';

const SHOP = '+15551230000';
const CUSTOMER = '+15557654321';

test('browser: an SMS conversation, live', { skip: noChromium }, async (t) => {
  const browser = await launchBrowser();
  t.after(() => browser.close());
  const s = await startServer();
  t.after(() => s.close());
  const admin = await addUser(s.app, 'admin');
  const agent = await addUser(s.app, 'agent', 'Ana Agent');
  syncNumbers(s.app.domain, [{ e164: SHOP, smpp: 'sandbox', inbox: 'Support', registration: 'registered', throughput: 0 }]);
  const inboxId = s.sqlite.prepare(`SELECT id FROM inboxes WHERE name = 'Support'`).pluck().get() as number;
  setMembers(s.app.domain, admin.actor, inboxId, [agent.id]);
  const receive = (text: string) => {
    const r = receiveSms(s.app.domain, { from: CUSTOMER, to: SHOP, text }, () => defaultKeywordTexts);
    assert.ok(r.stored);
    return r;
  };
  const first = receive('Hello, is anyone there?');

  const page = await signedInPage(browser, s.baseURL, agent.email);
  t.after(() => page.context().close());
  await trackLiveSocket(page);
  await page.goto(`/inboxes/${inboxId}`);
  await waitForLiveOpens(page);
  const list = page.getByRole('list', { name: 'Conversations' });
  await list.getByRole('link', { name: /Hello, is anyone there\?/ }).waitFor();

  receive('Second question: opening hours?');
  await list.getByRole('link', { name: /opening hours/ }).waitFor();
  assert.equal(await list.getByRole('listitem').count(), 1, 'the row was updated in place, not added twice');

  await list.getByRole('link', { name: /opening hours/ }).click();
  await page.waitForURL(`**/conversations/${first.conversationId}`);
  await waitForLiveOpens(page);
  const timeline = page.getByRole('list', { name: 'Messages and events' });
  await timeline.getByText('Second question: opening hours?').waitFor();

  await page.getByLabel('Reply by text message').fill('We open at 9.');
  await page.getByText('147 characters left · 1 SMS').waitFor();
  await page.getByRole('button', { name: 'Send reply' }).click();
  const reply = timeline.getByRole('listitem').filter({ hasText: 'We open at 9.' });
  await reply.getByText('Queued').waitFor();
  assert.equal(await page.getByLabel('Reply by text message').inputValue(), '', 'the composer is cleared');
  assert.equal(await reply.count(), 1, 'the reply appears once (response and push both upsert it)');

  const [due] = claimDue(s.app.domain, 10, 30_000);
  assert.ok(due);
  writeDeliveries(s.app.domain, [{ kind: 'sent', message: due, carrierIds: ['smsc-1'] }]);
  await reply.getByText('Sent ✓').waitFor();
  writeDeliveries(s.app.domain, [{ kind: 'receipt', connection: due.connection, carrierId: 'smsc-1', state: 'delivered' }]);
  await reply.getByText('Delivered ✓✓').waitFor();

  receive('STOP');
  await timeline.getByText('Opted out by texting a STOP keyword').waitFor();
  await timeline.getByText(defaultKeywordTexts.stop).waitFor();
  await page.getByLabel('Reply by text message').fill('Are you sure?');
  await page.getByRole('button', { name: 'Send reply' }).click();
  await page.getByText('Not sent: this contact has opted out').waitFor();
  assert.equal(await timeline.getByText('Are you sure?').count(), 0);
});
