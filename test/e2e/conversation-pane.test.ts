/**
 * The conversation pane in Chromium: the header's menus from the keyboard, "Marked as spam · Undo", bubbles on
 * their sides, day separators (on the page, after "Show earlier messages", on a live item), and the personal
 * choice of the key that sends.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { receiveText } from '../factories.ts';
import { eventually, goLive, noChromium } from './browser.ts';
import { CUSTOMER, SHOP, button, openMenu, state, timeline, world } from './workflow-world.ts';

const DAY = 86_400_000;
const isFocused = (page: Page, name: string) =>
  page.getByRole('button', { name, exact: true }).evaluate((b) => document.activeElement === b);
const dayHeadings = (page: Page) => timeline(page).getByRole('heading', { level: 2 }).allTextContents();

test(
  'the "More actions" menu works from the keyboard; Escape closes it and gives the focus back',
  { skip: noChromium },
  async (t) => {
    const w = await world(t, ['ana']);
    const id = w.receive(CUSTOMER, 'Hello?');
    const ana = await w.open(w.ana, `/conversations/${id}`);
    const menu = ana.getByRole('group', { name: 'More actions' });
    assert.equal(await menu.isVisible(), false, 'closed until asked for');

    await button(ana, 'More actions').focus();
    await ana.keyboard.press('Enter');
    await menu.waitFor();
    await ana.keyboard.press('Tab');
    assert.ok(await menu.evaluate((m) => m.contains(document.activeElement)), 'Tab goes into the open menu');
    await ana.keyboard.press('Escape');
    await menu.waitFor({ state: 'hidden' });
    assert.ok(await isFocused(ana, 'More actions'), 'the focus is back on the button');

    // The destructive action is the menu's last, set apart.
    await ana.keyboard.press('Space');
    const items = await menu.getByRole('button').allTextContents();
    assert.equal(items.at(-1)?.trim(), 'Close and mark as spam');
  },
);

test(
  '"Marked as spam · Undo" puts the conversation back as it was, assignee included',
  { skip: noChromium },
  async (t) => {
    const w = await world(t, ['ana']);
    const id = w.receive(CUSTOMER, 'Totally legit offer');
    const ana = await w.open(w.ana, `/conversations/${id}`);
    await openMenu(ana, 'Assign…');
    await button(ana, 'Assign to me').click();
    await state(ana, 'Assigned to Ana').waitFor();

    await (await openMenu(ana, 'More actions')).getByRole('button', { name: 'Close and mark as spam' }).click();
    await state(ana, 'Spam').waitFor();
    const toast = ana.locator('#toasts').getByRole('article').filter({ hasText: 'Marked as spam' });
    await toast.waitFor();
    await toast.getByRole('button', { name: 'Undo' }).click();
    await state(ana, 'Open').waitFor();
    await state(ana, 'Assigned to Ana').waitFor();
    await timeline(ana).getByText('Ana took back marking it as spam').waitFor();
    await toast.waitFor({ state: 'detached' });
    assert.equal(w.status(id), 'open');
    assert.equal(w.assignee(id), w.ana.id);
  },
);

test(
  'bubbles: the customer on the left, the team on the right; a day separator per day, also after "Show earlier" and live',
  { skip: noChromium },
  async (t) => {
    const w = await world(t, ['ana']);
    // 30 texts yesterday and 30 today: the newest page (50) starts in yesterday, the earlier one ends there.
    const at = (ms: number, text: string) => {
      const now = w.s.app.domain.now;
      w.s.app.domain.now = () => ms;
      try {
        return receiveText(w.s, { from: CUSTOMER, to: SHOP, text }).conversationId;
      } finally {
        w.s.app.domain.now = now;
      }
    };
    const start = Date.now();
    let id = 0;
    for (let i = 0; i < 30; i++) id = at(start - DAY + i * 1000, `yesterday ${i}`);
    for (let i = 0; i < 30; i++) at(start - 60_000 + i * 1000, `today ${i}`);
    const ana = await w.open(w.ana, `/conversations/${id}`);

    assert.deepEqual(await dayHeadings(ana), ['Yesterday', 'Today']);
    await timeline(ana).getByRole('link', { name: 'Show earlier messages' }).click();
    await timeline(ana).getByText('yesterday 0', { exact: true }).waitFor();
    assert.deepEqual(await dayHeadings(ana), ['Yesterday', 'Today'], 'the day the pages share has one separator');
    const first = await timeline(ana).getByRole('listitem').first().textContent();
    assert.equal(first?.trim(), 'Yesterday', 'above all of its items');

    // A reply (pushed into the timeline) goes right, the customer's texts stay left; still one "Today".
    const composer = ana.getByRole('textbox', { name: 'Reply by text message' });
    await composer.fill('Thanks, on it.');
    await composer.press('Control+Enter');
    const reply = timeline(ana).getByRole('listitem').filter({ hasText: 'Thanks, on it.' });
    await reply.waitFor();
    const theirs = timeline(ana).getByRole('listitem').filter({ hasText: 'today 29' });
    const list = (await timeline(ana).boundingBox())!;
    const mine = (await reply.boundingBox())!;
    const customer = (await theirs.boundingBox())!;
    assert.ok(Math.abs(customer.x - list.x) < 2, 'the customer’s text starts at the left edge');
    assert.ok(Math.abs(mine.x + mine.width - (list.x + list.width)) < 2, 'the reply ends at the right edge');
    assert.ok(mine.x > customer.x + customer.width / 2);
    // A text from the customer arrives live: no second "Today".
    w.receive(CUSTOMER, 'Great, thanks!');
    await timeline(ana).getByText('Great, thanks!').waitFor();
    assert.deepEqual(await dayHeadings(ana), ['Yesterday', 'Today']);
  },
);

test(
  'the send key is a personal setting: Ctrl+Enter by default, or Enter (Shift+Enter for a new line)',
  { skip: noChromium },
  async (t) => {
    const w = await world(t, ['ana']);
    const id = w.receive(CUSTOMER, 'Hi there');
    const ana = await w.open(w.ana, `/conversations/${id}`);
    const composer = ana.getByRole('textbox', { name: 'Reply by text message' });
    const sent = (text: string) => timeline(ana).getByRole('listitem').filter({ hasText: text });

    // Ctrl+Enter sends (the default): Enter starts a new line.
    await composer.fill('Line one');
    await composer.press('Enter');
    await composer.pressSequentially('line two');
    assert.equal(await composer.inputValue(), 'Line one\nline two');
    await composer.press('Control+Enter');
    await sent('line two').waitFor();
    // The pushed message may arrive before the post's own answer empties the box.
    await eventually(() => composer.inputValue(), '', 'the composer is emptied');

    // Ana switches to "Enter sends" in her settings.
    await goLive(ana, () => ana.goto('/settings'));
    await ana.getByRole('radio', { name: 'Enter sends (Shift+Enter starts a new line)' }).check();
    await button(ana, 'Save how to send').click();
    await ana.getByRole('status').filter({ hasText: 'Saved:' }).waitFor();
    await goLive(ana, () => ana.goto(`/conversations/${id}`));
    await composer.fill('First');
    await composer.press('Shift+Enter');
    await composer.pressSequentially('second');
    assert.equal(await composer.inputValue(), 'First\nsecond', 'Shift+Enter starts a new line');
    await composer.press('Enter');
    await sent('second').waitFor();
    // The pushed message may arrive before the post's own answer empties the box.
    await eventually(() => composer.inputValue(), '', 'the composer is emptied');

    // The note form follows the same setting, behind the Reply/Note switch.
    await button(ana, 'Note').click();
    const note = ana.getByRole('textbox', { name: 'Private note' });
    assert.ok(await note.evaluate((n) => document.activeElement === n), 'the switch puts the focus in the note');
    assert.equal(await composer.isVisible(), false);
    await note.fill('Called her back');
    await note.press('Enter');
    await timeline(ana)
      .getByRole('listitem')
      .filter({ hasText: 'Called her back' })
      .getByText('Private note')
      .waitFor();
  },
);
