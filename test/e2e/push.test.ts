/**
 * The service worker in Chromium: every page registers it; it keeps the app shell, so with no network a page comes
 * back as the offline page, styled from the cache; and it shows what a push brings when no tab of the app is in view.
 *
 * Headless Chromium has no push service (PushManager.subscribe fails in its private profiles): the device is
 * subscribed through the domain with keys made here, the server's real push goes to a push service on loopback,
 * and what it decrypts to is handed to the worker as the browser would, through DevTools' deliverPushMessage.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page, Worker } from 'playwright-core';
import { postChatMessage } from '../../src/domain/chats/messages.ts';
import { subscribe } from '../../src/domain/push/subscriptions.ts';
import { buildChat, buildUser } from '../factories.ts';
import { browserKeys, decryptPush, startPushService } from '../push-service.ts';
import { browserFor, noChromium, serverFor, signedInPage, until } from './browser.ts';

/** The worker's registration, once it controls the page; and the DevTools session that can push to it. */
async function workerOf(page: Page) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  const cdp = await page.context().newCDPSession(page);
  const registrations: { registrationId: string; scopeURL: string }[] = [];
  cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => registrations.push(...e.registrations));
  await cdp.send('ServiceWorker.enable');
  const { registrationId, scopeURL } = await until(() => registrations[0], 'the registration');
  const worker: Worker = await until(() => page.context().serviceWorkers()[0], 'the worker');
  return {
    worker,
    push: (data: string) =>
      cdp.send('ServiceWorker.deliverPushMessage', { origin: new URL(scopeURL).origin, registrationId, data }),
    /** The notifications the worker shows now (the worker's globals are not the test's: typed here by hand). */
    shown: () =>
      worker.evaluate(async () => {
        type Shown = { title: string; body: string; tag: string; data: unknown };
        const scope = self as unknown as { registration: { getNotifications(): Promise<Shown[]> } };
        return (await scope.registration.getNotifications()).map(({ title, body, tag, data }) => ({
          title,
          body,
          tag,
          data,
        }));
      }),
  };
}

test(
  'browser: the service worker caches the shell, shows the offline page without a network, and shows pushes',
  { skip: noChromium },
  async (t) => {
    const browser = await browserFor(t);
    const server = await serverFor(t);
    const ana = await buildUser(server, { name: 'Ana' });
    const ben = await buildUser(server, { name: 'Ben' });
    const page = await signedInPage(t, browser, server.baseURL, ana.email);

    // The worker installs (caching the shell) and takes the page over.
    const cached = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready;
      const names = await caches.keys();
      const cache = await caches.open(names.find((n) => n.startsWith('switchboard-shell-'))!);
      return { scope: registration.scope, files: (await cache.keys()).map((r) => new URL(r.url).pathname) };
    });
    assert.equal(cached.scope, `${server.baseURL}/`);
    for (const file of ['/static/app.css', '/static/app.js', '/static/icons/sprite.svg', '/offline'])
      assert.ok(cached.files.includes(file), file);

    // Settings offers this device; where the browser refuses a subscription, the box says so in place.
    await page.goto('/settings');
    await page.getByRole('heading', { name: 'Notifications on this device' }).waitFor();
    await page.getByText('Off: this device shows notifications only while a Switchboard tab is open.').waitFor();
    await page.context().grantPermissions(['notifications']);
    await page.getByRole('button', { name: 'Turn on for this device' }).click();
    await page.getByText('That did not work. Try again, or reload the page.').waitFor();

    // No network: the page asked for is the offline page, styled from the cache, at the address asked for.
    await page.context().setOffline(true);
    await page.goto('/conversations');
    await page.getByRole('heading', { name: 'No connection' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/conversations');
    const styled = await page.evaluate(() => [...document.styleSheets].some((s) => s.cssRules.length > 10));
    assert.ok(styled, 'the cached stylesheet applies');
    await page.context().setOffline(false);
    await page.getByRole('link', { name: 'Try again' }).click();
    await page.getByRole('heading', { name: 'No connection' }).waitFor({ state: 'detached' });

    // A real push from the server, decrypted as the browser would.
    const service = await startPushService(t);
    const keys = browserKeys();
    subscribe(server.app.domain, ana.actor, {
      endpoint: `${service.url}/push/ana`,
      p256dh: keys.p256dh,
      auth: keys.authText,
    });
    const chat = buildChat(server, { by: ben, members: [ana] });
    postChatMessage(server.app.domain, ben.actor, chat, 'Lunch at noon?');
    const [received] = await until(() => service.received.length === 1 && service.received, 'the push');
    const payload = decryptPush(received!.body, keys);

    // With a tab of the app in view, the toast tells: the worker shows nothing.
    const sw = await workerOf(page);
    await sw.push(payload);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.deepEqual(await sw.shown(), [], 'nothing while the tab is in view');

    // With none, the worker shows it.
    await page.goto('about:blank');
    await sw.push(payload);
    // On a loaded machine the worker may still count the page that just went away as visible: push again until it
    // shows (the same tag replaces, so one notification stays).
    const [shown] = await until(async () => {
      const list = await sw.shown();
      if (list.length === 0) await sw.push(payload);
      return list.length > 0 && list;
    }, 'the notification');
    const notificationId = server.sqlite.prepare('SELECT id FROM notifications WHERE user_id = ?').pluck().get(ana.id);
    assert.deepEqual(shown, {
      title: 'Ben',
      body: 'Lunch at noon?',
      tag: `switchboard-${String(notificationId)}`,
      data: { url: `/chats/${chat}` },
    });
  },
);
