/**
 * Personal settings and notifications in Chromium: Ben sets his status, extension and notification choices and
 * allows browser notifications; Ana mentions him; Ben's tab (only his) shows a toast, a browser notification and a
 * beep; the tab title carries the unread total; the web app manifest and its icons are served.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { addNotifications, announce } from '../../src/domain/notifications/notify.ts';
import { buildInbox, buildNumber, buildUser, receiveText } from '../factories.ts';
import { browserFor, noChromium, pageFor, serverFor, signInLive, until, waitForLiveOpens } from './browser.ts';

const CUSTOMER = '+15557654321';
const OTHER_CUSTOMER = '+15557654322';

interface Recorder {
  /** Every `new Notification(title, options)` the page made, and the objects (to click one). */
  __notifications: { title: string; body?: string; tag?: string }[];
  __notificationObjects: { onclick: (() => void) | null }[];
  /** Oscillators started: one per beep. */
  __beeps: number;
}

/**
 * Headless Chromium may not display real notifications: the page's Notification is wrapped to record what it is
 * asked to show (permission stays the browser's own), and AudioContext to count beeps.
 */
async function recordAlerts(page: Page): Promise<void> {
  // Plain JavaScript: a function handed over from TypeScript would carry the compiler's helpers, unknown in the page.
  await page.addInitScript({
    content: `
      const Real = window.Notification;
      window.__notifications = [];
      window.__notificationObjects = [];
      window.__beeps = 0;
      window.Notification = function Notification(title, options = {}) {
        window.__notifications.push({ title, body: options.body, tag: options.tag });
        window.__notificationObjects.push(this);
        this.onclick = null;
        this.close = () => {};
      };
      Object.defineProperty(window.Notification, 'permission', { get: () => Real.permission });
      window.Notification.requestPermission = () => Real.requestPermission();
      const createOscillator = AudioContext.prototype.createOscillator;
      AudioContext.prototype.createOscillator = function () {
        window.__beeps += 1;
        return createOscillator.call(this);
      };
    `,
  });
}

const recorded = (page: Page) => page.evaluate(() => (window as unknown as Recorder).__notifications);
const beeps = (page: Page) => page.evaluate(() => (window as unknown as Recorder).__beeps);

test(
  'browser: personal settings, a mention as toast, browser notification and beep, the unread title, the manifest',
  { skip: noChromium },
  async (t) => {
    const browser = await browserFor(t);
    const s = await serverFor(t);
    const ana = await buildUser(s, { name: 'Ana' });
    const ben = await buildUser(s, { name: 'Ben' });
    const shop = buildNumber(s, { inbox: buildInbox(s, { name: 'Support', members: [ana, ben] }) });
    // Unread counts start when a user joined: texts must come strictly later.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const text = receiveText(s, { from: CUSTOMER, to: shop, text: 'Can someone call me back?' });
    const availability = (id: number) =>
      s.sqlite.prepare('SELECT availability FROM users WHERE id = ?').pluck().get(id);

    /** A fresh browser profile signed in as `email`, recording its alerts, showing `path` live. */
    const livePage = async (email: string, path: string) => {
      const page = await pageFor(t, browser, s.baseURL);
      await recordAlerts(page);
      await signInLive(page, email, path);
      return page;
    };
    const anaPage = await livePage(ana.email, '/conversations');
    const benPage = await livePage(ben.email, '/settings');
    const benContext = benPage.context();
    await until(() => availability(ben.id) === 'available', 'Ben’s open tab makes him available');
    // The page was drawn before the socket made him available; the choice on it follows.
    await benPage.getByRole('radio', { name: 'Available' }).and(benPage.locator(':checked')).waitFor();

    // Status: away, with a message; saved in place.
    const status = benPage.getByRole('region', { name: 'Status' });
    await status.getByRole('radio', { name: 'Away' }).check();
    await status.getByLabel('Status message (up to 80 characters)').fill('Back at 2 pm');
    await status.getByRole('button', { name: 'Save status' }).click();
    await status.getByRole('status').filter({ hasText: 'Your status was saved.' }).waitFor();
    assert.equal(availability(ben.id), 'away');

    // An extension with letters is refused beside the field; a good one is kept.
    const call = benPage.getByRole('region', { name: 'Click-to-call' });
    const extension = call.getByLabel('My extension or phone number');
    await extension.fill('ext 12');
    await call.getByRole('button', { name: 'Save extension' }).click();
    await call.getByText('Use at most 30 characters: digits, +, *, # and spaces.').waitFor();
    assert.equal(await call.getByLabel('My extension or phone number').getAttribute('aria-invalid'), 'true');
    await call.getByLabel('My extension or phone number').fill('+1 555 0100 *12');
    await call.getByRole('button', { name: 'Save extension' }).click();
    await call.getByRole('status').filter({ hasText: 'Your extension was saved.' }).waitFor();

    // Queues: out of Support's.
    const queues = benPage.getByRole('region', { name: 'Queues' });
    await queues.getByRole('checkbox', { name: 'Take new conversations from Support' }).uncheck();
    await queues.getByRole('button', { name: 'Save queues' }).click();
    await queues.getByRole('status').filter({ hasText: 'Your queues were saved.' }).waitFor();
    assert.equal(s.sqlite.prepare('SELECT in_queue FROM inbox_members WHERE user_id = ?').pluck().get(ben.id), 0);

    // Notifications: the browser asks; then a sound for mentions too.
    const notifications = benPage.getByRole('region', { name: 'Notifications' });
    const allow = notifications.getByRole('button', { name: 'Allow browser notifications' });
    await notifications.getByText('Browser notifications are not allowed in this browser yet.').waitFor();
    // Headless Chromium answers the request itself (no prompt); once the permission is granted the page says so.
    await allow.click();
    await notifications.getByText(/^Browser notifications are (blocked|not allowed)/).waitFor();
    await benContext.grantPermissions(['notifications'], { origin: s.baseURL });
    await notifications.getByText('Browser notifications are allowed in this browser.').waitFor();
    await allow.waitFor({ state: 'hidden' });
    assert.ok(
      await notifications.getByRole('checkbox', { name: 'Browser notification: Someone mentions me' }).isChecked(),
      'on by default',
    );
    assert.equal(
      await notifications
        .getByRole('checkbox', { name: 'Browser notification: New conversation in my inboxes' })
        .isChecked(),
      false,
    );
    await notifications.getByRole('checkbox', { name: 'Sound: Someone mentions me' }).check();
    await notifications.getByRole('button', { name: 'Save notification settings' }).click();
    await notifications.getByRole('status').filter({ hasText: 'Notification settings saved.' }).waitFor();
    assert.ok(await notifications.getByRole('checkbox', { name: 'Sound: Someone mentions me' }).isChecked());
    await notifications.getByText('Browser notifications are allowed in this browser.').waitFor();

    // Ben goes to his inbox; the title carries its unread count.
    await benPage
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: /^Inbox/ })
      .click();
    await waitForLiveOpens(benPage);
    await until(() => s.app.hub.connectedUsers().includes(ben.id), 'Ben’s inbox tab is live');
    await benPage.waitForFunction(() => document.title === '(1) Inbox · Switchboard');

    // Ana mentions Ben in a note on the conversation (recorded as the notes feature does, announced after commit).
    const created = s.app.domain.db.transaction(() =>
      addNotifications(s.app.domain, Date.now(), [
        {
          userId: ben.id,
          kind: 'mention',
          actorId: ana.id,
          conversationId: text.conversationId,
          excerpt: '@Ben can you call them back?',
        },
      ]),
    );
    announce(s.app.domain, created);
    const toasts = benPage.getByRole('status', { name: 'Notifications' });
    const toast = toasts.getByRole('article', { name: `Ana mentioned you in a note on +1 555 765 4321` });
    await toast.waitFor();
    // Toasts leave by themselves after a while, but not while the pointer is on them.
    await toast.hover();
    await toast.getByText('@Ben can you call them back?').waitFor();
    assert.equal(
      await toast.getByRole('link', { name: `Ana mentioned you in a note on +1 555 765 4321` }).getAttribute('href'),
      `/conversations/${text.conversationId}`,
    );
    await benPage.waitForFunction(() => (window as unknown as Recorder).__notifications.length === 1);
    assert.deepEqual(await recorded(benPage), [
      {
        title: `Ana mentioned you in a note on +1 555 765 4321`,
        body: '@Ben can you call them back?',
        tag: `switchboard-${created[0]!.notificationId}`,
      },
    ]);
    assert.equal(await beeps(benPage), 1, 'one beep: Ben wants a sound for mentions');
    assert.equal(
      await anaPage.getByRole('status', { name: 'Notifications' }).getByRole('article').count(),
      0,
      'nothing for Ana',
    );
    assert.deepEqual(await recorded(anaPage), []);

    // Dismiss takes it away.
    await toast.getByRole('button', { name: 'Dismiss' }).click();
    await toast.waitFor({ state: 'detached' });

    // A second customer: the title follows the navigation's badges, summed (a chats badge counts as well).
    receiveText(s, { from: OTHER_CUSTOMER, to: shop, text: 'Hello?' });
    await benPage.waitForFunction(() => document.title === '(2) Inbox · Switchboard');
    // A badge swapped into the navigation the way the live socket's fragments are.
    await benPage.evaluate(() =>
      (window as unknown as { htmx: { swap(ctx: object): Promise<void> } }).htmx.swap({
        target: document.querySelector('#nav ul'),
        swap: 'beforeend',
        text: '<li><span data-unread-count="3"></span></li>',
      }),
    );
    await benPage.waitForFunction(() => document.title === '(5) Inbox · Switchboard');

    assert.equal((await recorded(benPage)).length, 1, 'a new conversation makes no browser notification by default');
    // Clicking the browser notification opens what it is about.
    await Promise.all([
      benPage.waitForURL((url) => url.pathname === `/conversations/${text.conversationId}`),
      benPage.evaluate(() => (window as unknown as Recorder).__notificationObjects[0]!.onclick!()),
    ]);

    // Installable: the manifest is linked from both layouts and served with its icons.
    const manifestHref = await benPage.locator('link[rel="manifest"]').getAttribute('href');
    assert.equal(manifestHref, '/static/manifest.webmanifest');
    // One theme colour per system colour scheme: the manifest's blue in light mode, a dark one in dark mode.
    const themeColors = await benPage
      .locator('meta[name="theme-color"]')
      .evaluateAll((els) => els.map((el) => [el.getAttribute('media'), el.getAttribute('content')]));
    assert.deepEqual(themeColors, [
      ['(prefers-color-scheme: light)', '#2156c9'],
      ['(prefers-color-scheme: dark)', '#15181d'],
    ]);
    assert.ok(await benPage.locator('link[rel="apple-touch-icon"]').getAttribute('href'));
    const login = await pageFor(t, browser, s.baseURL);
    await login.goto('/login');
    assert.equal(await login.locator('link[rel="manifest"]').getAttribute('href'), manifestHref);
    const response = await benContext.request.get(manifestHref);
    assert.equal(response.status(), 200);
    assert.match(response.headers()['content-type']!, /^application\/manifest\+json/);
    const manifest = (await response.json()) as {
      name: string;
      short_name: string;
      start_url: string;
      display: string;
      theme_color: string;
      background_color: string;
      icons: { src: string; sizes: string; type: string; purpose: string }[];
    };
    assert.deepEqual([manifest.name, manifest.start_url, manifest.display], ['Switchboard', '/', 'standalone']);
    assert.ok(manifest.short_name && manifest.background_color);
    assert.equal(manifest.theme_color, '#2156c9', 'the light theme colour of the pages');
    const png = manifest.icons.filter((i) => i.type === 'image/png');
    assert.deepEqual(png.map((i) => `${i.sizes} ${i.purpose}`).sort(), [
      '192x192 any',
      '512x512 any',
      '512x512 maskable',
    ]);
    for (const href of [
      ...manifest.icons.map((i) => i.src),
      (await benPage.locator('link[rel="apple-touch-icon"]').getAttribute('href'))!,
    ]) {
      const icon = await benContext.request.get(href);
      assert.equal(icon.status(), 200, href);
      assert.match(icon.headers()['content-type']!, href.endsWith('.svg') ? /^image\/svg\+xml/ : /^image\/png/, href);
    }
  },
);
