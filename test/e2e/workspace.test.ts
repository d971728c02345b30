/**
 * The conversations workspace: list | conversation | contact panel on a desktop, one screen at a time on a phone;
 * picking a conversation swaps only the middle pane and pushes its URL; the frame (navigation, banner, colours).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { formatPhone } from '../../src/lib/e164.ts';
import { buildConversation, buildUser, receiveText, staffInbox } from '../factories.ts';
import {
  browserFor,
  eventually,
  goLive,
  noChromium,
  pageFor,
  sandboxServerFor,
  signIn,
  trackLiveSocket,
} from './browser.ts';

/** A number as its people read it: with its country code, for they have no country (no `contacts.default_country`, UTC). */
const shown = (e164: string): string => formatPhone(e164, null);

const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 800 };

/** Whether `locator` shows on screen as it opens: its box inside the viewport, and its centre not covered or scrolled away. */
async function inViewport(page: Page, locator: Locator): Promise<boolean> {
  const box = await locator.boundingBox();
  const size = page.viewportSize();
  if (!box || !size) return false;
  const inside = box.y >= 0 && box.x >= 0 && box.y + box.height <= size.height && box.x + box.width <= size.width;
  const seen = await locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
    return !!hit && (el === hit || el.contains(hit));
  });
  return inside && seen;
}

/**
 * Picks a conversation from the list, live: the swap pushes its URL (and opens the tab's socket for it) only once
 * the answer is in, so wait for the URL before `goLive` reads which path's socket must answer.
 */
const pick = (page: Page, link: Locator, id: number) =>
  goLive(page, async () => {
    await link.click();
    await page.waitForURL((url) => url.pathname === `/conversations/${id}`);
  });

const sideways = (page: Page) =>
  page.evaluate(() => ({ scroll: document.scrollingElement!.scrollWidth, inner: window.innerWidth }));

const timeline = (page: Page) => page.getByRole('list', { name: 'Messages and events' });
const rows = (page: Page) => page.getByRole('list', { name: 'Conversations' });
const listPane = (page: Page) => page.locator('#list-main');

// Its ten parts take 90 s on a quiet 2-core machine: more than the suite's default 120 s would allow a busy one.
test('browser: the conversations workspace', { skip: noChromium, timeout: 300_000 }, async (t) => {
  const browser = await browserFor(t);
  const s = await sandboxServerFor(t);
  const admin = await buildUser(s, { role: 'admin', name: 'Ada Admin' });
  const agent = await buildUser(s, { name: 'Ben Agent' });
  staffInbox(s, 'Support', [admin, agent]);
  // Enough conversations that the list scrolls; the first ones built are the oldest, at its end.
  const first = buildConversation(s, {
    inbox: 'Support',
    texts: Array.from({ length: 30 }, (_, i) => `Message ${i + 1} of a long conversation about an order`),
  });
  const others = Array.from({ length: 24 }, (_, i) =>
    buildConversation(s, { number: first.to, texts: [`Question number ${i + 1}`] }),
  );
  const newest = others.at(-1)!;

  await t.test('at 1 280 × 800 the list, the conversation and the contact panel are on one screen', async (t) => {
    const page = await pageFor(t, browser, s.baseURL, { viewport: DESKTOP });
    await signIn(page, agent.email);
    await page.goto(`/conversations/${first.id}`);
    await timeline(page).getByText('Message 30 of').waitFor();
    assert.ok(await inViewport(page, page.getByRole('heading', { level: 2, name: 'Inbox' })), 'the list');
    assert.ok(await inViewport(page, rows(page).getByRole('link').first()), 'its first row');
    assert.ok(
      await inViewport(page, page.getByRole('heading', { level: 1, name: shown(first.phone) })),
      'the conversation',
    );
    assert.ok(await inViewport(page, timeline(page).getByText('Message 30 of')), 'its newest message');
    assert.ok(await inViewport(page, page.getByLabel('Reply by text message')), 'the reply box');
    assert.ok(await inViewport(page, page.getByRole('complementary', { name: 'Contact' })), 'the contact panel');
    const { scroll, inner } = await sideways(page);
    assert.ok(scroll <= inner, `${scroll}px wide at ${inner}px`);
  });

  await t.test('/conversations with nothing picked shows the list and an empty pane', async (t) => {
    const page = await pageFor(t, browser, s.baseURL, { viewport: DESKTOP });
    await signIn(page, agent.email);
    await page.goto('/conversations');
    await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
    assert.ok(await page.getByText('Pick a conversation from the list').isVisible());
  });

  await t.test('picking a conversation swaps the middle pane, pushes its URL and keeps the list', async (t) => {
    const page = await pageFor(t, browser, s.baseURL, { viewport: DESKTOP });
    await trackLiveSocket(page);
    await signIn(page, agent.email);
    await goLive(page, () => page.goto('/conversations?view=unassigned'));
    // Scroll the list down to an older conversation and open it.
    const older = rows(page).getByRole('link', { name: /Question number 3\b/ });
    await older.scrollIntoViewIfNeeded();
    const scrolled = await listPane(page).evaluate((el) => el.scrollTop);
    assert.ok(scrolled > 0, 'the list scrolled');
    await page.evaluate(() => ((window as unknown as { marker: string }).marker = 'same document'));
    await pick(page, older, others[2]!.id);
    await page.getByRole('heading', { level: 1, name: shown(others[2]!.phone) }).waitFor();
    assert.equal(
      new URL(page.url()).pathname + new URL(page.url()).search,
      `/conversations/${others[2]!.id}?view=unassigned`,
    );
    assert.equal(await page.evaluate(() => (window as unknown as { marker?: string }).marker), 'same document');
    assert.equal(await listPane(page).evaluate((el) => el.scrollTop), scrolled, 'the list kept its scroll');
    assert.equal(await older.getAttribute('aria-current'), 'page', 'the open one is marked in the list');
    assert.ok((await page.title()).endsWith(`${shown(others[2]!.phone)} · Switchboard`), 'the title names it');

    // A second pick, then back and forward.
    await pick(page, rows(page).getByRole('link', { name: /Question number 2\b/ }), others[1]!.id);
    await page.getByRole('heading', { level: 1, name: shown(others[1]!.phone) }).waitFor();
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: shown(others[2]!.phone) }).waitFor();
    assert.equal(new URL(page.url()).pathname, `/conversations/${others[2]!.id}`);
    assert.equal(await listPane(page).evaluate((el) => el.scrollTop), scrolled, 'still the same list, scrolled');
    await page.goBack();
    await page.getByText('Pick a conversation from the list').waitFor();
    await page.goForward();
    await page.getByRole('heading', { level: 1, name: shown(others[2]!.phone) }).waitFor();
    assert.equal(await page.evaluate(() => (window as unknown as { marker?: string }).marker), 'same document');

    // The tab hears about both: a text to the open conversation, and one that adds a row to the list beside it.
    await goLive(page, () => page.reload());
    receiveText(s, { to: first.to, from: others[2]!.phone, text: 'A follow-up to the open one' });
    await timeline(page).getByText('A follow-up to the open one').waitFor();
    const fresh = buildConversation(s, { number: first.to, texts: ['A brand new question'] });
    await rows(page)
      .getByRole('link', { name: /A brand new question/ })
      .waitFor();
    // A bookmark of the URL shows the same list beside the same conversation.
    const bookmark = await pageFor(t, browser, s.baseURL, { viewport: DESKTOP });
    await signIn(bookmark, agent.email);
    await bookmark.goto(page.url());
    await bookmark.getByRole('heading', { level: 2, name: 'Unassigned' }).waitFor();
    await bookmark.getByRole('heading', { level: 1, name: shown(others[2]!.phone) }).waitFor();
    assert.ok(fresh.id > 0);
  });

  await t.test('below 1 200 px the contact panel opens from a link, over the conversation', async (t) => {
    const page = await pageFor(t, browser, s.baseURL, { viewport: { width: 1000, height: 800 } });
    await signIn(page, agent.email);
    await page.goto(`/conversations/${newest.id}`);
    const panel = page.getByRole('complementary', { name: 'Contact' });
    await page.getByRole('heading', { level: 1, name: shown(newest.phone) }).waitFor();
    assert.equal(await panel.isVisible(), false);
    assert.ok(await rows(page).isVisible(), 'the list is beside the conversation');
    await page.getByRole('link', { name: 'Contact details' }).click();
    await panel.waitFor();
    assert.ok(await inViewport(page, panel));
    await page.getByRole('link', { name: 'Back to the conversation' }).click();
    await panel.waitFor({ state: 'hidden' });
  });

  await t.test(
    'at 360 × 740: list, then conversation with its newest message and the reply box, then contact',
    async (t) => {
      const page = await pageFor(t, browser, s.baseURL, { viewport: PHONE });
      await signIn(page, agent.email);
      await page.goto('/conversations');
      await rows(page)
        .getByRole('link', { name: /Message 30 of/ })
        .click();
      await page.getByRole('heading', { level: 1, name: shown(first.phone) }).waitFor();
      assert.equal(await rows(page).isVisible(), false, 'one screen at a time');
      const last = timeline(page).getByText('Message 30 of');
      await last.waitFor();
      assert.ok(await inViewport(page, last), 'the newest message shows without scrolling');
      assert.ok(await inViewport(page, page.getByLabel('Reply by text message')), 'so does the reply box');
      await page.getByRole('link', { name: 'Contact details' }).click();
      assert.ok(await inViewport(page, page.getByRole('complementary', { name: 'Contact' })));
      await page.getByRole('link', { name: 'Back to the conversation' }).click();
      await page.getByRole('link', { name: 'Back to Inbox' }).click();
      await rows(page).waitFor();
    },
  );

  await t.test('at 360 × 740 the navigation is a tab bar; More opens the rest', async (t) => {
    const page = await pageFor(t, browser, s.baseURL, { viewport: PHONE });
    await signIn(page, admin.email);
    const nav = page.getByRole('navigation', { name: 'Main' });
    // Read until it holds: on a busy machine it was once read while the page right after the sign-in still settled.
    for (const name of [/^Inbox\b/, /^Chats\b/, /^Favourites$/]) {
      await eventually(() => inViewport(page, nav.getByRole('link', { name })), true, `${name} tab`);
    }
    assert.equal(await nav.getByRole('link', { name: 'Settings' }).isVisible(), false);
    const more = nav.getByRole('button', { name: 'More' });
    await more.click();
    assert.equal(await more.getAttribute('aria-expanded'), 'true');
    for (const name of ['Settings', 'Assigned to me', 'Manage inboxes', 'Support']) {
      assert.ok(await inViewport(page, nav.getByRole('link', { name, exact: true })), `${name} under More`);
    }
    await page.keyboard.press('Escape');
    assert.equal(await nav.getByRole('link', { name: 'Settings' }).isVisible(), false);
  });

  await t.test('no page scrolls sideways at 360 or 1 280 px', async (t) => {
    for (const viewport of [PHONE, DESKTOP]) {
      const page = await pageFor(t, browser, s.baseURL, { viewport });
      await signIn(page, admin.email);
      for (const path of [
        '/',
        '/conversations',
        '/conversations?view=closed',
        `/conversations/${first.id}`,
        '/conversations/new',
        '/chats',
        '/favourites',
        '/canned',
        '/surveys',
        '/settings',
        '/sandbox',
        '/admin/users',
        '/admin/inboxes',
        '/admin/connections',
        '/admin/backups',
        '/admin/webhooks',
        '/admin/webhooks/new',
        '/admin/audit',
      ]) {
        await page.goto(path);
        await page.getByRole('heading', { level: 1 }).first().waitFor();
        const { scroll, inner } = await sideways(page);
        assert.ok(scroll <= inner, `${path} is ${scroll}px wide at ${inner}px`);
      }
    }
  });

  await t.test('the sandbox banner is one line and stays dismissed in this browser', async (t) => {
    const page = await pageFor(t, browser, s.baseURL, { viewport: PHONE });
    await signIn(page, admin.email);
    const banner = page.getByRole('note').filter({ hasText: 'Sandbox: texts go to a built-in test SMSC' });
    const box = await banner.boundingBox();
    assert.ok(box && box.height <= 40, `the banner is ${box?.height}px tall`);
    await banner.getByRole('button', { name: 'Dismiss' }).click();
    await banner.waitFor({ state: 'detached' });
    await page.goto('/conversations');
    await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
    assert.equal(await banner.count(), 0, 'not drawn again');
  });

  await t.test('dark mode follows the system', async (t) => {
    const page = await pageFor(t, browser, s.baseURL, { viewport: DESKTOP });
    await signIn(page, agent.email);
    const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    await page.emulateMedia({ colorScheme: 'light' });
    const light = await background();
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await background();
    assert.notEqual(dark, light);
    const [r, g, b] = dark.match(/\d+/g)!.map(Number);
    assert.ok(r! + g! + b! < 3 * 64, `a dark background: ${dark}`);
  });
});
