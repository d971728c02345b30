/**
 * Collision awareness in Chromium, two people in their own browser profiles on one conversation: each sees the
 * other viewing it and typing a reply (in their own language), and a reply right after the teammate's asks once.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { queueReply } from '../../src/domain/messaging/outbox.ts';
import { updateOwnSettings } from '../../src/domain/users/service.ts';
import { receiveText } from '../factories.ts';
import { goLive, livePageFor, noChromium } from './browser.ts';
import { team } from './team.ts';

const SHOP = '+15551230000';

test(
  'browser: a teammate viewing and typing shows live; sending right after their reply asks once',
  { skip: noChromium },
  async (t) => {
    const cast = { ana: { role: 'agent', name: 'Ana' }, ben: { role: 'agent', name: 'Ben' } } as const;
    const { browser, s, users } = await team(
      t,
      cast,
      ['ana', 'ben'],
      [{ name: 'Support', number: SHOP, members: ['ana', 'ben'] }],
    );
    const { ana, ben } = users;
    updateOwnSettings(s.app.domain, ben.actor, { name: 'Ben', locale: 'de' });
    const { conversationId } = receiveText(s, { from: '+15557654321', to: SHOP, text: 'Where is my order?' });
    const path = `/conversations/${conversationId}`;

    const benPage = await livePageFor(t, browser, s.baseURL, ben.email, path);
    const anaPage = await livePageFor(t, browser, s.baseURL, ana.email, path);
    // Ben reads German: his line is in German, Ana's in English, and nobody is told of themselves.
    const benLine = benPage.locator(`#collision-${conversationId}`);
    const anaLine = anaPage.locator(`#collision-${conversationId}`);
    await benPage.getByRole('status').filter({ hasText: 'Ana sieht sich die Unterhaltung an' }).waitFor();
    await anaPage.getByRole('status').filter({ hasText: 'Ben is viewing' }).waitFor();

    await anaPage.getByLabel('Reply by text message').pressSequentially('Your order');
    await benPage.getByRole('status').filter({ hasText: 'Ana schreibt eine Antwort' }).waitFor();
    assert.doesNotMatch(await anaLine.innerText(), /Ana/, 'Ana is not told of her own typing');
    // A few seconds without input and it is gone again.
    await benPage
      .getByRole('status')
      .filter({ hasText: 'Ana sieht sich die Unterhaltung an' })
      .waitFor({ timeout: 15_000 });

    // Ben answers the customer while Ana still writes: her Send asks first, quoting him, and sends on the second go.
    queueReply(s.app.domain, ben.actor, conversationId, 'Shipped today!');
    await anaPage.getByRole('list', { name: 'Messages and events' }).getByText('Shipped today!').waitFor();
    await anaPage.getByLabel('Reply by text message').fill('Your order is on its way.');
    await anaPage.getByRole('button', { name: 'Send reply' }).click();
    const ask = anaPage.getByRole('alert').filter({ hasText: 'Send anyway?' });
    await ask.getByText(/^Ben replied \d+ seconds? ago: “Shipped today!”/).waitFor();
    assert.equal(await anaPage.getByLabel('Reply by text message').inputValue(), 'Your order is on its way.');
    await ask.getByRole('button', { name: 'Send anyway' }).click();
    await anaPage
      .getByRole('list', { name: 'Messages and events' })
      .getByRole('listitem')
      .filter({ hasText: 'Your order is on its way.' })
      .waitFor();
    assert.equal(await anaPage.getByRole('alert').filter({ hasText: 'Send anyway?' }).count(), 0, 'asked once');

    // Leaving the page clears Ana from Ben's line.
    await goLive(anaPage, () => anaPage.goto('/conversations'));
    await benPage.waitForFunction(
      (id) => document.getElementById(`collision-${id}`)?.textContent?.trim() === '',
      conversationId,
    );
    assert.equal((await benLine.innerText()).trim(), '');
  },
);
