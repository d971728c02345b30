import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { eventually, noChromium } from './browser.ts';
import { button, conversationList, row, state, world } from './workflow-world.ts';

const focused = (locator: Locator): Promise<boolean> => locator.evaluate((el) => el === document.activeElement);
const rowLink = (page: Page, text: string) => row(conversationList(page), text).getByRole('link');

test('lists: keyboard shortcuts, the help, live empty state, exact time on hover', { skip: noChromium }, async (t) => {
  const w = await world(t, ['ana']);

  await t.test('an empty inbox says what to do; the first text that arrives replaces that', async () => {
    const ana = await w.open(w.ana, '/conversations');
    const empty = ana.getByText('No open conversations. New texts arrive here.');
    await empty.waitFor();
    assert.ok(await ana.getByRole('link', { name: 'Start a new conversation' }).isVisible());
    w.receive('+15557000001', 'First!');
    await rowLink(ana, 'First!').waitFor();
    await empty.waitFor({ state: 'hidden' });
  });

  const ids: number[] = [];
  for (const [i, text] of ['Second text', 'Third text'].entries()) {
    ids.push(w.receiveEarlier(3 - i, `+1555700000${i + 2}`, text));
  }

  await t.test(
    'j/k move through the rows, Enter opens one; e closes it, a assigns it to me, r goes to the reply',
    async () => {
      const ana = await w.open(w.ana, '/conversations');
      // Newest first: First!, Third text, Second text.
      const first = rowLink(ana, 'First!');
      const third = rowLink(ana, 'Third text');
      await ana.keyboard.press('j');
      assert.ok(await focused(first), 'j: the first row');
      await ana.keyboard.press('j');
      assert.ok(await focused(third), 'j: the next row');
      await ana.keyboard.press('k');
      assert.ok(await focused(first), 'k: back up');
      await ana.keyboard.press('Alt+j');
      assert.ok(await focused(first), 'not with Alt');
      const outline = await first.evaluate((el) => getComputedStyle(el).outlineStyle);
      assert.equal(outline, 'solid', 'the chosen row shows it');

      await ana.keyboard.press('j');
      await ana.keyboard.press('Enter');
      await ana.waitForURL(`**/conversations/${ids[1]}`);
      await ana.getByRole('list', { name: 'Messages and events' }).getByText('Third text').waitFor();

      await ana.keyboard.press('a');
      await state(ana, 'Assigned to Ana').waitFor();
      assert.equal(w.assignee(ids[1]!), w.ana.id);
      await ana.keyboard.press('e');
      await button(ana, 'Reopen').waitFor();
      assert.equal(w.status(ids[1]!), 'closed');

      const reply = ana.getByLabel('Reply by text message');
      await ana.keyboard.press('r');
      // Read until it holds, so that a failure names what has the focus instead (the live pushes of the assign and
      // the close may still be arriving).
      const focusedId = () => ana.evaluate(() => document.activeElement?.id || document.activeElement?.tagName);
      await eventually(focusedId, await reply.getAttribute('id'), 'r: the reply box');
      await ana.keyboard.type('jak e?');
      assert.equal(await reply.inputValue(), 'jak e?', 'keys type while in a field');
      assert.equal(w.status(ids[1]!), 'closed');
    },
  );

  await t.test('? opens the help as a dialog, Escape closes it; in German too', async () => {
    const ana = await w.open(w.ana, '/conversations');
    await ana.keyboard.press('?');
    const help = ana.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    assert.ok(await help.getByText('Assign the open conversation to me').isVisible());
    await ana.keyboard.press('Escape');
    await help.waitFor({ state: 'hidden' });
    await ana.keyboard.press('?');
    await help.getByRole('button', { name: 'Close help' }).click();
    await help.waitFor({ state: 'hidden' });

    w.s.sqlite.prepare(`UPDATE users SET locale = 'de' WHERE id = ?`).run(w.ana.id);
    await ana.reload();
    await ana.keyboard.press('?');
    const hilfe = ana.getByRole('dialog', { name: 'Tastenkürzel' });
    await hilfe.waitFor();
    assert.ok(await hilfe.getByText('Offene Unterhaltung mir zuweisen').isVisible());
    await ana.keyboard.press('Escape');
    await hilfe.waitFor({ state: 'hidden' });
    w.s.sqlite.prepare(`UPDATE users SET locale = NULL WHERE id = ?`).run(w.ana.id);
  });

  await t.test('a row shows its age and, on hover, the exact time', async () => {
    const ana = await w.open(w.ana, '/conversations');
    const age = row(conversationList(ana), 'Second text').locator('time');
    assert.match(
      (await age.textContent())!,
      /^(3 h|Yesterday)$/,
      'three hours ago: today, or just after midnight yesterday',
    );
    const [datetime, title] = await Promise.all([age.getAttribute('datetime'), age.getAttribute('title')]);
    assert.ok(Math.abs(Date.now() - 3 * 3_600_000 - Date.parse(datetime!)) < 120_000, datetime!);
    const exact = new Intl.DateTimeFormat('en', {
      dateStyle: 'short',
      timeStyle: 'short',
      timeZone: w.s.configStore.current.server.time_zone,
    }).format(Date.parse(datetime!));
    assert.equal(title, exact);
  });
});
