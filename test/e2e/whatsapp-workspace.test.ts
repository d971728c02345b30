/**
 * WhatsApp in the agent's workspace, in Chromium: ticks that move as the status does, the customer's reaction drawn
 * live, an agent's reaction on a customer message queued for the customer, a quoted reply, and outside the 24-hour
 * window only the approved templates offered (one sent shows its filled text in the timeline), and the free-text
 * composer back live when the customer writes again.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { receiveReaction } from '../../src/domain/messaging/customer-reactions.ts';
import { claimDue, writeDeliveries } from '../../src/domain/messaging/delivery.ts';
import { receiveMessage } from '../../src/domain/messaging/inbound.ts';
import { storeTemplates } from '../../src/domain/messaging/templates.ts';
import { defaultKeywordTexts } from '../../src/domain/messaging/texts.ts';
import { buildNumber, buildUser } from '../factories.ts';
import { browserFor, conversationPageFor, noChromium, serverFor, until } from './browser.ts';

const SHOP = '+15551230000';
const ANA = '+15557654321';
const QUESTION = 'Where is my parcel?';
const CHANNEL = 'wa-main';
const DAY = 86_400_000;

const timeline = (page: Page) => page.getByRole('list', { name: 'Messages and events' });
const item = (page: Page, text: string): Locator => timeline(page).getByRole('listitem').filter({ hasText: text });

/** A WhatsApp number in Support; Ana Lima asked QUESTION on it `ago` ms ago. */
async function world(t: TestContext, ago = 0) {
  const browser = await browserFor(t);
  const s = await serverFor(t);
  const agent = await buildUser(s, { name: 'Kim Agent', role: 'admin' });
  buildNumber(s, { e164: SHOP, whatsapp: CHANNEL, inbox: 'Support' });
  // The customer wrote `ago` before now.
  const now = s.app.domain.now;
  s.app.domain.now = () => now() - ago;
  const received = receiveMessage(
    s.app.domain,
    { from: ANA, to: SHOP, senderId: 'US.1', profileName: 'Ana Lima', text: QUESTION, channelMessageId: 'wamid.in1' },
    () => defaultKeywordTexts,
  );
  s.app.domain.now = now;
  assert.ok(received.stored);
  const page = await conversationPageFor(t, browser, s.baseURL, agent.email, received.conversationId, QUESTION);
  return { s, page, conversationId: received.conversationId, customerMessageId: received.messageId };
}

test('WhatsApp workspace', { skip: noChromium }, async (t) => {
  await t.test(
    'ticks move with the status, the customer reaction appears live, reactions and quotes go out',
    async (t) => {
      const { s, page, customerMessageId } = await world(t);
      const composer = page.getByRole('textbox', { name: 'Reply by text message' });
      await page.getByText(/You can reply for 2[34] h \d+ min\./).waitFor();

      // A quoted reply: the action on the customer message shows what is quoted above the composer.
      await item(page, QUESTION).getByRole('button', { name: 'Reply to this message', exact: true }).click();
      await page.getByText('Replying to:').waitFor();
      await composer.fill('It left this morning.');
      await page.getByRole('button', { name: 'Send reply', exact: true }).click();
      const reply = item(page, 'It left this morning.');
      await reply.getByRole('blockquote').filter({ hasText: QUESTION }).waitFor();
      await reply.getByRole('img', { name: 'Queued', exact: true }).waitFor();
      assert.equal(await page.getByText('Replying to:').isVisible(), false, 'the quote is gone after sending');
      const row = s.sqlite
        .prepare(`SELECT id, reply_to_id AS replyTo FROM messages WHERE body = 'It left this morning.'`)
        .get() as { id: number; replyTo: number };
      assert.equal(row.replyTo, customerMessageId);

      // The statuses move through the domain: the ticks follow live.
      const due = claimDue(s.app.domain, 10, 30_000).find((m) => m.messageId === row.id);
      assert.ok(due);
      writeDeliveries(s.app.domain, [{ kind: 'sent', message: due, carrierIds: ['wamid.out1'] }]);
      await reply.getByRole('img', { name: 'Sent', exact: true }).waitFor();
      const receipt = (state: 'delivered' | 'read') =>
        writeDeliveries(s.app.domain, [{ kind: 'receipt', connection: CHANNEL, carrierId: 'wamid.out1', state }]);
      receipt('delivered');
      await reply.getByRole('img', { name: 'Delivered', exact: true }).waitFor();
      receipt('read');
      const read = reply.getByRole('img', { name: 'Read', exact: true });
      await read.waitFor();
      assert.match((await read.getAttribute('title')) ?? '', /^Read · /, 'the time is in the title');

      // The customer reacts to our reply: drawn on it, live.
      assert.ok(receiveReaction(s.app.domain, { to: SHOP, channelMessageId: 'wamid.out1', emoji: '👍' }));
      await reply.getByRole('img', { name: 'Customer reacted 👍' }).waitFor();

      // An agent's reaction on the customer's message: the menu says the customer sees it, and it is queued for them.
      const customer = item(page, QUESTION).filter({ hasNot: page.getByRole('blockquote') });
      const picker = customer.getByRole('group').filter({ has: page.getByText('React', { exact: true }) });
      await picker.getByText('React', { exact: true }).click();
      await picker.getByText('The customer sees your reaction on WhatsApp.').waitFor();
      await picker.getByRole('searchbox', { name: 'Find an emoji' }).fill('thumbs up');
      await picker.getByRole('button', { name: 'React with thumbs up', exact: true }).click();
      await until(() => {
        const queued = s.sqlite
          .prepare(`SELECT body FROM messages WHERE reaction_to_id = ? AND direction = 'out'`)
          .pluck()
          .all(customerMessageId) as string[];
        assert.equal(queued.length, 1, 'one outbound reaction queued');
        assert.match(queued[0]!, /^👍\uFE0F?$/u);
        return true;
      }, "the agent's reaction in the outbox");
      assert.equal(await timeline(page).getByRole('listitem').filter({ hasText: /^👍/ }).count(), 0, 'never a bubble');
    },
  );

  await t.test('outside the 24-hour window only templates are offered; one sent shows its filled text', async (t) => {
    const { s, page } = await world(t, DAY + 60_000);
    await page.getByText('The 24-hour window has closed.', { exact: false }).waitFor();
    assert.equal(await page.getByRole('textbox', { name: 'Reply by text message' }).count(), 0, 'no free-text box');
    await page.getByText(/no approved templates\. Templates are synced from WhatsApp Manager/).waitFor();

    storeTemplates(s.app.domain, CHANNEL, [
      {
        name: 'order_update',
        language: 'en',
        status: 'APPROVED',
        category: 'UTILITY',
        body: 'Hi {{1}}, order {{2}} is ready.',
      },
    ]);
    await page.reload();
    const form = page.getByRole('form', { name: 'order_update' });
    assert.equal(await form.getByLabel('Variable 1').inputValue(), 'Ana', 'filled from the contact');
    await form.getByLabel('Variable 2').fill('A-17');
    await form.getByText('Hi Ana, order A-17 is ready.').waitFor();
    await form.getByRole('button', { name: 'Send template', exact: true }).click();
    await item(page, 'Hi Ana, order A-17 is ready.').getByRole('img', { name: 'Queued', exact: true }).waitFor();
    assert.equal(await page.getByRole('textbox', { name: 'Reply by text message' }).count(), 0, 'still templates only');

    // The customer answers: the window is open again and the free-text composer takes the picker's place, live.
    receiveMessage(
      s.app.domain,
      { from: ANA, to: SHOP, senderId: 'US.1', text: 'Thanks, see you then', channelMessageId: 'wamid.in2' },
      () => defaultKeywordTexts,
    );
    await page.getByRole('textbox', { name: 'Reply by text message' }).waitFor();
    await page.getByText(/You can reply for 2[34] h \d+ min\./).waitFor();
    assert.equal(await page.getByRole('form', { name: 'order_update' }).count(), 0, 'the picker is gone');
  });
});
