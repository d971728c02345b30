/**
 * The sandbox's customer phone as a WhatsApp user, in Chromium (fake microphone: a tone): the admin picks the
 * WhatsApp number, records a voice note, sends it; the stand-in posts it to the app as Ogg/Opus with voice: true,
 * and the agent finds it in Support with a player that reads its duration.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildUser } from '../factories.ts';
import { until } from '../helper.ts';
import { browserFor, durationOf, noChromium, sandboxServerFor, signedInPage } from './browser.ts';

test(
  'browser: the customer phone sends a recorded WhatsApp voice note; the agent plays it',
  { skip: noChromium },
  async (t) => {
    const browser = await browserFor(t);
    const s = await sandboxServerFor(t);
    const admin = await buildUser(s, { role: 'admin', name: 'Ada Admin' });
    const phone = await signedInPage(t, browser, s.baseURL, admin.email);
    await phone.goto('/sandbox');
    await phone.getByLabel('Message').fill('Listen to this');
    await phone.getByLabel('Inbox number').selectOption({ label: '+1 555 010 0199 (WhatsApp)' });
    const send = phone.getByRole('button', { name: 'Send on WhatsApp from this phone' });
    await send.waitFor();
    assert.equal(await phone.getByLabel('Message').inputValue(), 'Listen to this', 'switching keeps what is typed');

    const toggle = phone.getByRole('button', { name: 'Record a voice note', exact: true });
    await toggle.click();
    await until(
      async () => (await phone.getByRole('timer', { name: 'Recording time' }).textContent()) === '0:02',
      'two seconds recorded',
    );
    await toggle.click();
    await phone.getByLabel('Voice note preview', { exact: true }).waitFor();
    await phone.getByRole('button', { name: 'Send voice note', exact: true }).click();
    const own = phone.getByRole('listitem').filter({ hasText: 'Sent on WhatsApp to +1 555 010 0199' });
    await own.getByLabel('🎤 Voice note').first().waitFor();
    await own.filter({ hasText: 'Listen to this' }).waitFor();

    const stored = await until(
      () =>
        s.sqlite
          .prepare(
            `SELECT m.conversation_id AS conversationId, a.content_type AS contentType, a.voice
             FROM attachments a JOIN messages m ON m.id = a.message_id WHERE m.direction = 'in'`,
          )
          .get() as { conversationId: number; contentType: string; voice: number } | undefined,
      'the voice note stored',
    );
    assert.equal(stored.contentType, 'audio/ogg; codecs=opus');
    assert.equal(stored.voice, 1);

    const agent = await phone.context().newPage();
    await agent.goto('/');
    await agent.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Support' }).click();
    await agent.goto(`/conversations/${stored.conversationId}`);
    const player = agent
      .getByRole('list', { name: 'Messages and events', exact: true })
      .getByLabel('Voice note', { exact: true })
      .first();
    assert.ok((await durationOf(player)) > 1, 'the agent plays the customer phone’s voice note');
  },
);
