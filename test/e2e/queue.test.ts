/**
 * Round-robin in Chromium: Ana and Ben work Support, which assigns new conversations in turn. Ben logs out of
 * the queue on his settings page: the next conversations all go to Ana, and Ana sees each assignment as a toast.
 * Ben logs back in and is next in line.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setAutoAssign } from '../../src/domain/assignment/settings.ts';
import { buildInbox, buildNumber, buildUser, receiveText } from '../factories.ts';
import { browserFor, livePageFor, noChromium, serverFor, until } from './browser.ts';

test(
  'browser: logging out of a queue takes a user out of the rotation, logging back in puts them next',
  { skip: noChromium },
  async (t) => {
    const browser = await browserFor(t);
    const s = await serverFor(t);
    const mia = await buildUser(s, { role: 'manager', name: 'Mia Manager' });
    const ana = await buildUser(s, { name: 'Ana Alvarez' });
    const ben = await buildUser(s, { name: 'Ben Baker' });
    const support = buildInbox(s, { name: 'Support', members: [mia, ana, ben] });
    const shop = buildNumber(s, { inbox: support });
    setAutoAssign(s.app.domain, mia.actor, support.id, { enabled: true, maxOpen: '' });
    let customers = 0;
    const newConversation = () => {
      customers += 1;
      const r = receiveText(s, {
        from: `+1555765${String(customers).padStart(4, '0')}`,
        to: shop,
        text: `Hello, customer ${customers} here`,
      });
      return s.sqlite.prepare('SELECT assignee_id FROM conversations WHERE id = ?').pluck().get(r.conversationId) as
        number | null;
    };
    const available = (id: number) =>
      s.sqlite.prepare('SELECT availability FROM users WHERE id = ?').pluck().get(id) === 'available';

    const anaPage = await livePageFor(t, browser, s.baseURL, ana.email, '/conversations');
    const benPage = await livePageFor(t, browser, s.baseURL, ben.email, '/settings');
    await until(() => available(ana.id) && available(ben.id), 'both available once their tabs are open');

    // Both in the queue: the rotation alternates between them.
    const first = [newConversation(), newConversation()];
    assert.deepEqual([...first].sort(), [ana.id, ben.id].sort(), 'one each');

    const queues = benPage.getByRole('region', { name: 'Queues' });
    const seat = queues.getByRole('checkbox', { name: 'Take new conversations from Support' });
    assert.ok(await seat.isChecked(), 'in the queue by default');
    await seat.uncheck();
    await queues.getByRole('button', { name: 'Save queues' }).click();
    const saved = queues.getByRole('status').filter({ hasText: 'Your queues were saved.' });
    await saved.waitFor();
    assert.deepEqual(
      [newConversation(), newConversation(), newConversation()],
      [ana.id, ana.id, ana.id],
      'out of the queue: nothing for Ben',
    );

    // Ana hears of her assignments in the page she has open.
    await anaPage
      .getByRole('link', { name: /assigned you|Assigned to you/i })
      .first()
      .waitFor();

    // The first save's status is still shown: the second save is done when the section drawn by it replaces that one.
    const firstSaved = await saved.elementHandle();
    await queues.getByRole('checkbox', { name: 'Take new conversations from Support' }).check();
    await queues.getByRole('button', { name: 'Save queues' }).click();
    await firstSaved?.waitForElementState('hidden');
    await saved.waitFor();
    assert.equal(newConversation(), ben.id, 'back in the queue, and first in line: his turn is the oldest');
  },
);
