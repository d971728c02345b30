import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildConversation, buildInbox, buildUser } from '../factories.ts';
import { browserFor, conversationPageFor, noChromium, serverFor, until } from './browser.ts';

const HOUR = 3_600_000;

test(
  'browser: snooze from the header, then schedule a reply that is sent when due',
  { skip: noChromium },
  async (t) => {
    const browser = await browserFor(t);
    const s = await serverFor(t);
    const agent = await buildUser(s, { name: 'Ana Agent' });
    const inbox = buildInbox(s, { name: 'Support', members: [agent] });
    const c = buildConversation(s, { inbox, texts: ['Please get back to me tomorrow'] });
    const page = await conversationPageFor(t, browser, s.baseURL, agent.email, c.id, 'Please get back to me tomorrow');

    // Snooze: the menu opens from the header; a time in the past is refused in place.
    await page.getByText('Snooze', { exact: true }).click();
    await page.getByLabel('Date and time').first().fill('2001-01-01T09:00');
    await page.getByRole('button', { name: 'Snooze until then' }).click();
    await page.getByText('Pick a time in the future.').waitFor();
    await page.getByRole('button', { name: 'Tomorrow, 09:00' }).first().click();
    await page.getByText(/Snoozed until /).waitFor();
    await page.getByRole('button', { name: 'Unsnooze' }).waitFor();

    // It left the inbox and waits in the Snoozed list, with when it comes back.
    await page.getByRole('link', { name: 'Snoozed' }).click();
    const row = page.getByRole('listitem').filter({ hasText: 'Please get back to me tomorrow' });
    await row.getByText(/Back /).waitFor();
    await page.goto('/conversations');
    await page.getByRole('heading', { name: 'Inbox' }).first().waitFor();
    assert.equal(await page.getByText('Please get back to me tomorrow').count(), 0, 'not in the inbox while snoozed');

    // Back by hand, then Send later from the composer.
    await page.goto(`/conversations/${c.id}`);
    await page.getByRole('button', { name: 'Unsnooze' }).click();
    await page.getByText('Snooze', { exact: true }).waitFor();
    const timeline = page.getByRole('list', { name: 'Messages and events' });
    await page.getByLabel('Reply by text message').fill('I will call you at noon.');
    await page.getByLabel('Send later', { exact: true }).click();
    await page.getByRole('button', { name: 'Later today (in 3 hours)' }).click();
    const waiting = timeline.getByRole('listitem').filter({ hasText: 'I will call you at noon.' });
    await waiting.getByText(/Scheduled for /).waitFor();
    assert.equal(await page.getByLabel('Reply by text message').inputValue(), '', 'the composer is cleared');
    await page.getByText(/Your reply will be sent /).waitFor();

    // Edited in place.
    await waiting.getByText('Edit', { exact: true }).click();
    await waiting.getByLabel('Text').fill('I will call you at one.');
    await waiting.getByRole('button', { name: 'Save' }).click();
    const edited = timeline.getByRole('listitem').filter({ hasText: 'I will call you at one.' });
    await edited.getByText(/Scheduled for /).waitFor();

    // Due: the timer sends it through the outbox, and the tab shows the message instead of the scheduled item.
    s.app.domain.now = () => Date.now() + 4 * HOUR;
    s.app.later.run();
    await edited.getByRole('img', { name: 'Queued', exact: true }).waitFor();
    await until(async () => (await timeline.getByText(/Scheduled for /).count()) === 0, 'the scheduled item gone');
    assert.equal(await edited.count(), 1);

    // Cancelled: another one goes away and is never sent.
    s.app.domain.now = Date.now;
    await page.getByLabel('Reply by text message').fill('Never mind');
    await page.getByLabel('Send later', { exact: true }).click();
    // A picked time, and Enter in its field: scheduled, not sent now (the form's first button is Send).
    // The header's snooze time field comes first on the page, the composer's last.
    const sendAt = page.getByLabel('Date and time').last();
    await sendAt.fill(new Date(Date.now() + 30 * 24 * HOUR).toISOString().slice(0, 16));
    await sendAt.press('Enter');
    const other = timeline.getByRole('listitem').filter({ hasText: 'Never mind' });
    await other.getByRole('button', { name: 'Cancel sending' }).click();
    await until(async () => (await other.count()) === 0, 'the cancelled reply gone');
    const sent = s.sqlite.prepare(`SELECT body FROM messages WHERE direction = 'out'`).pluck().all();
    assert.deepEqual(sent, ['I will call you at one.']);
  },
);
