/**
 * *Call* and *Start a meeting* in Chromium: links the browser itself opens (the page's CSP blocks a form's redirect
 * to tel: or another site), and the timeline records a call or meeting only once its link was followed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildConversation, buildInbox, buildUser } from '../factories.ts';
import { browserFor, conversationPageFor, noChromium, serverFor } from './browser.ts';

test(
  'Call opens tel: and Start a meeting the meeting in a new tab; each is on the timeline once followed',
  { skip: noChromium },
  async (t) => {
    const browser = await browserFor(t);
    const s = await serverFor(t);
    const current = s.configStore.current;
    s.configStore.current = {
      ...current,
      contacts: { ...current.contacts, meeting_url: `${s.baseURL}/meet/{conversation}` },
    };
    const ana = await buildUser(s, { name: 'Ana' });
    const { id, phone } = buildConversation(s, { inbox: buildInbox(s, { members: [ana] }), texts: ['Call me please'] });
    const page = await conversationPageFor(t, browser, s.baseURL, ana.email, id, 'Call me please');
    const panel = page.getByRole('complementary', { name: 'Contact' });
    const timeline = page.getByRole('list', { name: 'Messages and events' });
    assert.equal(
      await timeline.getByText(/started a (call|meeting)/).count(),
      0,
      'nothing logged by showing the links',
    );

    const dialled = page.waitForEvent('request', (r) => r.url().startsWith('tel:'));
    await panel.getByRole('link', { name: 'Call', exact: true }).click();
    assert.equal((await dialled).url(), `tel:${phone}`, 'the browser navigates to the tel: link itself');
    await timeline.getByText(/Ana started a call to/).waitFor();

    const opened = page.waitForEvent('popup');
    await panel.getByRole('link', { name: 'Start a meeting' }).click();
    const meeting = await opened;
    await meeting.waitForURL(`${s.baseURL}/meet/${id}`);
    await timeline.getByText('Ana started a meeting').waitFor();
    assert.equal(await timeline.getByText(/Ana started a call to/).count(), 1, 'one call, logged once');
  },
);
