import type Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { buildApp } from '../../src/app.ts';
import { openDatabase } from '../../src/db/open.ts';
import { renameInbox, setMembers } from '../../src/domain/inboxes/service.ts';
import { buildInbox, buildUser, SETUP, type User } from '../factories.ts';
import {
  browserFor,
  inboxNav,
  livePageFor,
  markDocument,
  noChromium,
  pageFor,
  sameDocument,
  serverFor,
  signIn,
  signInLive,
  startServer,
  type Server,
  trackLiveSocket,
  until,
  waitForLiveOpens,
} from './browser.ts';

/**
 * Restarts the server the way a deploy does: `stop()` closes the app (open sockets get 1012, the SQLite file stays),
 * `start()` builds a new app on a new connection to the same file and listens on the same port. Cleans up in t.after.
 */
function restarter(t: TestContext, s: Server) {
  let app: FastifyInstance = s.app;
  let running = true;
  const connections: Database.Database[] = [];
  t.after(async () => {
    if (running) await app.close();
    for (const db of connections) db.close();
    s.sqlite.close();
    rmSync(s.dir, { recursive: true, force: true });
  });
  return {
    async stop(): Promise<void> {
      await app.close();
      running = false;
    },
    /** `beforeListen` runs against the new app before any browser can reach it. */
    async start(beforeListen?: (app: FastifyInstance) => void): Promise<FastifyInstance> {
      const sqlite = openDatabase(s.dbFile);
      connections.push(sqlite);
      app = await buildApp({
        configStore: s.configStore,
        sqlite,
        logger: false,
        mediaDir: join(dirname(s.dbFile), 'media'),
      });
      running = true;
      beforeListen?.(app);
      await app.listen({ host: '127.0.0.1', port: s.port });
      return app;
    },
  };
}

/**
 * A restartable server (`restarter`) with Alpha Desk and its agent, whose page on `/` is live, lists Alpha Desk and
 * is marked (`markDocument`).
 */
async function restartable(t: TestContext, browser: Browser) {
  const s = await startServer();
  const server = restarter(t, s);
  const agent = await buildUser(s, { name: 'Alan Agent' });
  const a = buildInbox(s, { name: 'Alpha Desk', members: [agent] });
  const page = await livePageFor(t, browser, s.baseURL, agent.email);
  await inboxNav(page).getByRole('link', { name: 'Alpha Desk' }).waitFor();
  await markDocument(page);
  return { server, agent, a, page };
}

/**
 * Waits until `page` has opened its live socket a second time and `app` (the restarted server) has the agent: the
 * ws extension retries with backoff from 500 ms; the session cookie is still valid in the database.
 */
async function reconnected(page: Page, app: FastifyInstance, agent: User): Promise<void> {
  await waitForLiveOpens(page, 2, 20_000);
  await until(() => app.hub.connectedUsers().includes(agent.id), 'agent reconnected to the new server', 20_000);
}

test('browser: live updates over /live', { skip: noChromium }, async (t) => {
  const browser = await browserFor(t);

  await t.test('renames and new memberships reach exactly the people who may see them, without a reload', async (t) => {
    const s = await serverFor(t);
    const admin = await buildUser(s, { role: 'admin', name: 'Ada Admin' });
    const agent = await buildUser(s, { name: 'Alan Agent' });
    const agent2 = await buildUser(s, { name: 'Bea Bystander' });
    const a = buildInbox(s, { name: 'Alpha Desk', members: [agent] });
    const c = buildInbox(s, { name: 'Charlie Desk' });
    const d = buildInbox(s, { name: 'Delta Desk' });

    const agentPage = await livePageFor(t, browser, s.baseURL, agent.email);

    // The bystander records every frame their socket receives, from the moment the page opens it.
    const bystanderFrames: string[] = [];
    const bystanderPage = await pageFor(t, browser, s.baseURL);
    bystanderPage.on('websocket', (ws) => ws.on('framereceived', (f) => bystanderFrames.push(String(f.payload))));
    await signInLive(bystanderPage, agent2.email);

    const adminPage = await pageFor(t, browser, s.baseURL);
    await trackLiveSocket(adminPage);
    await signIn(adminPage, admin.email);

    await inboxNav(agentPage).getByRole('link', { name: 'Alpha Desk' }).waitFor();
    assert.deepEqual(await inboxNav(agentPage).getByRole('link').allTextContents(), ['Alpha Desk']);
    assert.deepEqual(await inboxNav(bystanderPage).getByRole('link').allTextContents(), []);
    await markDocument(agentPage);
    await markDocument(bystanderPage);

    // 1. The admin renames A in the admin page.
    await adminPage.goto(`/admin/inboxes/${a.id}`);
    await adminPage.getByRole('heading', { level: 1, name: 'Alpha Desk' }).waitFor();
    await waitForLiveOpens(adminPage);
    await adminPage.getByLabel('Inbox name').fill('Alpha Prime');
    await adminPage.getByRole('button', { name: 'Rename inbox' }).click();
    await adminPage.getByRole('status').filter({ hasText: 'The inbox was renamed.' }).waitFor();
    await adminPage.getByRole('heading', { level: 1, name: 'Alpha Prime' }).waitFor();

    await inboxNav(agentPage).getByRole('link', { name: 'Alpha Prime' }).waitFor();
    assert.deepEqual(await inboxNav(agentPage).getByRole('link').allTextContents(), ['Alpha Prime']);
    assert.ok(await sameDocument(agentPage), 'the agent page was updated in place, not reloaded');
    // The admin's own navigation follows too.
    await inboxNav(adminPage).getByRole('link', { name: 'Alpha Prime' }).waitFor();

    // 2. The admin adds the agent to C.
    await adminPage.goto(`/admin/inboxes/${c.id}`);
    await adminPage.getByRole('heading', { level: 1, name: 'Charlie Desk' }).waitFor();
    await adminPage.getByRole('checkbox', { name: 'Alan Agent (Agent)' }).check();
    await adminPage.getByRole('button', { name: 'Save members' }).click();
    await adminPage.getByRole('status').filter({ hasText: 'Members saved.' }).waitFor();
    assert.ok(await adminPage.getByRole('checkbox', { name: 'Alan Agent (Agent)' }).isChecked());

    await inboxNav(agentPage).getByRole('link', { name: 'Charlie Desk' }).waitFor();
    assert.deepEqual(await inboxNav(agentPage).getByRole('link').allTextContents(), ['Alpha Prime', 'Charlie Desk']);
    assert.ok(await sameDocument(agentPage));
    // The new link works.
    await inboxNav(agentPage).getByRole('link', { name: 'Charlie Desk' }).click();
    await agentPage.getByRole('heading', { level: 1, name: 'Charlie Desk' }).waitFor();

    // 3. A change that does concern the bystander. Frames on one socket arrive in order, so once this one has
    //    been applied, anything sent to them about A or C earlier would have arrived too.
    setMembers(s.app.domain, SETUP, d.id, [agent2.id]);
    await inboxNav(bystanderPage).getByRole('link', { name: 'Delta Desk' }).waitFor();
    assert.ok(await sameDocument(bystanderPage));
    assert.deepEqual(await inboxNav(bystanderPage).getByRole('link').allTextContents(), ['Delta Desk']);
    for (const name of ['Alpha Desk', 'Alpha Prime', 'Charlie Desk']) {
      assert.equal(await bystanderPage.getByText(name).count(), 0, `${name} is not shown to the bystander`);
      assert.ok(!bystanderFrames.some((f) => f.includes(name)), `${name} was never sent to the bystander`);
    }
    assert.ok(
      bystanderFrames.some((f) => f.includes('Delta Desk')),
      'the bystander socket recorded frames',
    );
  });

  await t.test('a live navigation refresh keeps the open inbox marked as the current page', async (t) => {
    const s = await serverFor(t);
    const agent = await buildUser(s, { name: 'Alan Agent' });
    const a = buildInbox(s, { name: 'Alpha Desk', members: [agent] });
    const b = buildInbox(s, { name: 'Bravo Desk', members: [agent] });
    const page = await livePageFor(t, browser, s.baseURL, agent.email, `/inboxes/${a.id}`);
    const current = inboxNav(page).getByRole('link', { name: 'Alpha Desk' });
    assert.equal(await current.getAttribute('aria-current'), 'page');

    renameInbox(s.app.domain, SETUP, b.id, { name: 'Bravo Prime' });
    await inboxNav(page).getByRole('link', { name: 'Bravo Prime' }).waitFor();
    assert.equal(await current.getAttribute('aria-current'), 'page', 'the open inbox is still marked after the push');
  });

  await t.test(
    'the live socket opens even when hx-ws.min.js arrives after htmx has started (slow network)',
    async (t) => {
      const s = await serverFor(t);
      const agent = await buildUser(s, { name: 'Alan Agent' });
      const page = await pageFor(t, browser, s.baseURL);
      await trackLiveSocket(page);
      await signIn(page, agent.email);

      // Hold the extension back until htmx has started on the page: what a slow or lossy connection does now
      // and then. (If htmx runs while the document is still loading, it waits for DOMContentLoaded, which cannot
      // come before this script: then there is nothing to wait for.)
      await page.route('**/static/vendor/hx-ws.min.js', async (route) => {
        await page
          .waitForFunction(
            () =>
              (window as unknown as { __htmxReady?: boolean }).__htmxReady === true ||
              ('htmx' in window && document.readyState === 'loading'),
            null,
            { polling: 50, timeout: 10_000 },
          )
          .catch(() => {});
        await route.continue();
      });
      await page.goto('/');
      const start = await (
        await page.waitForFunction(() => {
          const w = window as unknown as { __htmxReady?: boolean; __liveMissed?: boolean };
          return w.__htmxReady ? { missed: w.__liveMissed === true } : false;
        })
      ).jsonValue();
      assert.ok(
        start && !start.missed,
        'htmx processed <body> before the ws extension was registered: no /live for this page',
      );
      await waitForLiveOpens(page);
      await until(() => s.app.hub.connectedUsers().includes(agent.id), 'agent connected to /live');
    },
  );

  await t.test('after a server restart the page reconnects by itself and receives pushes again', async (t) => {
    const { server, agent, a, page } = await restartable(t, browser);

    await server.stop();
    const app = await server.start();

    // Wait for the reconnect before renaming: a push to a tab that is not connected is lost.
    await reconnected(page, app, agent);

    renameInbox(app.domain, SETUP, a.id, { name: 'Alpha Reborn' });
    await inboxNav(page).getByRole('link', { name: 'Alpha Reborn' }).waitFor({ timeout: 20_000 });
    assert.deepEqual(await inboxNav(page).getByRole('link').allTextContents(), ['Alpha Reborn']);
    assert.ok(await sameDocument(page), 'the page was not reloaded');
  });

  await t.test('a change made while the socket was down shows once the page has reconnected', async (t) => {
    const { server, agent, a, page } = await restartable(t, browser);

    await server.stop();
    // The rename happens while no tab is connected (during a deploy, or while a phone is offline).
    const app = await server.start((app) => renameInbox(app.domain, SETUP, a.id, { name: 'Alpha While Away' }));

    await reconnected(page, app, agent);
    await inboxNav(page).getByRole('link', { name: 'Alpha While Away' }).waitFor({ timeout: 5_000 });
    assert.ok(await sameDocument(page));
  });
});
