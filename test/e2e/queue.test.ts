/**
 * Round-robin in Chromium: Ana and Ben work Support, which assigns new conversations in turn. Ben logs out of
 * the queue on his settings page: the next conversations all go to Ana, and Ana sees each assignment as a toast.
 * Ben logs back in and is next in line.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { setAutoAssign } from '../../src/domain/assignment/settings.ts';
import { setMembers } from '../../src/domain/inboxes/service.ts';
import { receiveSms } from '../../src/domain/messaging/inbound.ts';
import { defaultKeywordTexts } from '../../src/domain/messaging/texts.ts';
import { syncNumbers } from '../../src/domain/numbers/sync.ts';
import { addUser } from '../helper.ts';
import {
  launchBrowser,
  newContext,
  noChromium,
  signIn,
  startServer,
  trackLiveSocket,
  until,
  waitForLiveOpens,
} from './browser.ts';

const SHOP = '+15551230000';

async function livePage(context: BrowserContext, email: string, path: string): Promise<Page> {
  const page = await context.newPage();
  await trackLiveSocket(page);
  await signIn(page, email);
  await page.goto(path);
  await waitForLiveOpens(page);
  return page;
}

test(
  'browser: logging out of a queue takes a user out of the rotation, logging back in puts them next',
  { skip: noChromium },
  async (t) => {
    const browser = await launchBrowser();
    t.after(() => browser.close());
    const s = await startServer();
    t.after(() => s.close());
    const mia = await addUser(s.app, 'manager', 'Mia Manager');
    const ana = await addUser(s.app, 'agent', 'Ana Alvarez');
    const ben = await addUser(s.app, 'agent', 'Ben Baker');
    syncNumbers(s.app.domain, [{ e164: SHOP, smpp: 'sandbox', inbox: 'Support', registration: 'registered' }]);
    const support = s.sqlite.prepare(`SELECT id FROM inboxes WHERE name = 'Support'`).pluck().get() as number;
    setMembers(s.app.domain, { id: 0, role: 'admin' }, support, [mia.id, ana.id, ben.id]);
    setAutoAssign(s.app.domain, mia.actor, support, { enabled: true, maxOpen: '' });
    let customers = 0;
    const newConversation = () => {
      customers += 1;
      const r = receiveSms(
        s.app.domain,
        { from: `+1555765${String(customers).padStart(4, '0')}`, to: SHOP, text: `Hello, customer ${customers} here` },
        () => defaultKeywordTexts,
      );
      assert.ok(r.stored);
      return s.sqlite.prepare('SELECT assignee_id FROM conversations WHERE id = ?').pluck().get(r.conversationId) as
        number | null;
    };
    const available = (id: number) =>
      s.sqlite.prepare('SELECT availability FROM users WHERE id = ?').pluck().get(id) === 'available';

    const anaContext = await newContext(browser, s.baseURL);
    t.after(() => anaContext.close());
    const benContext = await newContext(browser, s.baseURL);
    t.after(() => benContext.close());
    const anaPage = await livePage(anaContext, ana.email, '/conversations');
    const benPage = await livePage(benContext, ben.email, '/settings');
    await until(() => available(ana.id) && available(ben.id), 'both available once their tabs are open');

    // Both in the queue: the rotation alternates between them.
    const first = [newConversation(), newConversation()];
    assert.deepEqual([...first].sort(), [ana.id, ben.id].sort(), 'one each');

    const queues = benPage.getByRole('region', { name: 'Queues' });
    const seat = queues.getByRole('checkbox', { name: 'Take new conversations from Support' });
    assert.ok(await seat.isChecked(), 'in the queue by default');
    await seat.uncheck();
    await queues.getByRole('button', { name: 'Save queues' }).click();
    await queues.getByRole('status').filter({ hasText: 'Your queues were saved.' }).waitFor();
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

    await queues.getByRole('checkbox', { name: 'Take new conversations from Support' }).check();
    await queues.getByRole('button', { name: 'Save queues' }).click();
    await queues.getByRole('status').filter({ hasText: 'Your queues were saved.' }).waitFor();
    assert.equal(newConversation(), ben.id, 'back in the queue, and first in line: his turn is the oldest');
  },
);
