import type Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { buildApp } from '../../src/app.ts';
import { openDatabase } from '../../src/db/open.ts';
import { createInbox, renameInbox, setMembers } from '../../src/domain/inboxes/service.ts';
import { addUser } from '../helper.ts';
import {
  inboxNav,
  launchBrowser,
  newContext,
  noChromium,
  signIn,
  startServer,
  type Server,
  trackLiveSocket,
  until,
  waitForLiveOpens,
} from './browser.ts';

/** A signed-in page on `/` whose live socket is open, as far as both the browser and the server can tell. */
async function livePage(
  browser: Browser,
  app: FastifyInstance,
  baseURL: string,
  user: { id: number; email: string },
): Promise<Page> {
  const context = await newContext(browser, baseURL);
  const page = await context.newPage();
  await trackLiveSocket(page);
  await signIn(page, user.email);
  await waitForLiveOpens(page);
  await until(() => app.hub.connectedUsers().includes(user.id), `user ${user.id} connected to /live`);
  return page;
}

/** Marks the document; `stillSameDocument` is true only if the page was not reloaded or navigated since. */
async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { __e2eMark: boolean }).__e2eMark = true;
  });
}
async function stillSameDocument(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { __e2eMark?: boolean }).__e2eMark === true);
}

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

test('browser: live updates over /live', { skip: noChromium }, async (t) => {
  const browser = await launchBrowser();
  t.after(() => browser.close());

  await t.test('renames and new memberships reach exactly the people who may see them, without a reload', async (t) => {
    const s = await startServer();
    t.after(() => s.close());
    const admin = await addUser(s.app, 'admin', 'Ada Admin');
    const agent = await addUser(s.app, 'agent', 'Alan Agent');
    const agent2 = await addUser(s.app, 'agent', 'Bea Bystander');
    const a = createInbox(s.app.domain, null, { name: 'Alpha Desk' });
    const c = createInbox(s.app.domain, null, { name: 'Charlie Desk' });
    const d = createInbox(s.app.domain, null, { name: 'Delta Desk' });
    setMembers(s.app.domain, admin.actor, a.id, [agent.id]);

    const agentPage = await livePage(browser, s.app, s.baseURL, agent);
    t.after(() => agentPage.context().close());

    // The bystander records every frame their socket receives, from the moment the page opens it.
    const bystanderFrames: string[] = [];
    const bystanderContext = await newContext(browser, s.baseURL);
    t.after(() => bystanderContext.close());
    const bystanderPage = await bystanderContext.newPage();
    bystanderPage.on('websocket', (ws) => ws.on('framereceived', (f) => bystanderFrames.push(String(f.payload))));
    await trackLiveSocket(bystanderPage);
    await signIn(bystanderPage, agent2.email);
    await waitForLiveOpens(bystanderPage);
    await until(() => s.app.hub.connectedUsers().includes(agent2.id), 'bystander connected');

    const adminContext = await newContext(browser, s.baseURL);
    t.after(() => adminContext.close());
    const adminPage = await adminContext.newPage();
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
    assert.ok(await stillSameDocument(agentPage), 'the agent page was updated in place, not reloaded');
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
    assert.ok(await stillSameDocument(agentPage));
    // The new link works.
    await inboxNav(agentPage).getByRole('link', { name: 'Charlie Desk' }).click();
    await agentPage.getByRole('heading', { level: 1, name: 'Charlie Desk' }).waitFor();

    // 3. A change that does concern the bystander. Frames on one socket arrive in order, so once this one has
    //    been applied, anything sent to them about A or C earlier would have arrived too.
    setMembers(s.app.domain, admin.actor, d.id, [agent2.id]);
    await inboxNav(bystanderPage).getByRole('link', { name: 'Delta Desk' }).waitFor();
    assert.ok(await stillSameDocument(bystanderPage));
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
    const s = await startServer();
    t.after(() => s.close());
    const admin = await addUser(s.app, 'admin', 'Ada Admin');
    const agent = await addUser(s.app, 'agent', 'Alan Agent');
    const a = createInbox(s.app.domain, null, { name: 'Alpha Desk' });
    const b = createInbox(s.app.domain, null, { name: 'Bravo Desk' });
    setMembers(s.app.domain, admin.actor, a.id, [agent.id]);
    setMembers(s.app.domain, admin.actor, b.id, [agent.id]);

    const context = await newContext(browser, s.baseURL);
    t.after(() => context.close());
    const page = await context.newPage();
    await trackLiveSocket(page);
    await signIn(page, agent.email);
    await page.goto(`/inboxes/${a.id}`);
    await waitForLiveOpens(page);
    await until(() => s.app.hub.connectedUsers().includes(agent.id), 'agent connected');
    const current = inboxNav(page).getByRole('link', { name: 'Alpha Desk' });
    assert.equal(await current.getAttribute('aria-current'), 'page');

    renameInbox(s.app.domain, admin.actor, b.id, { name: 'Bravo Prime' });
    await inboxNav(page).getByRole('link', { name: 'Bravo Prime' }).waitFor();
    assert.equal(await current.getAttribute('aria-current'), 'page', 'the open inbox is still marked after the push');
  });

  await t.test(
    'the live socket opens even when hx-ws.min.js arrives after htmx has started (slow network)',
    async (t) => {
      const s = await startServer();
      t.after(() => s.close());
      const agent = await addUser(s.app, 'agent', 'Alan Agent');
      const context = await newContext(browser, s.baseURL);
      t.after(() => context.close());
      const page = await context.newPage();
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
    const s = await startServer();
    const server = restarter(t, s);
    const admin = await addUser(s.app, 'admin', 'Ada Admin');
    const agent = await addUser(s.app, 'agent', 'Alan Agent');
    const a = createInbox(s.app.domain, null, { name: 'Alpha Desk' });
    setMembers(s.app.domain, admin.actor, a.id, [agent.id]);

    const page = await livePage(browser, s.app, s.baseURL, agent);
    t.after(() => page.context().close());
    await inboxNav(page).getByRole('link', { name: 'Alpha Desk' }).waitFor();
    await markDocument(page);

    await server.stop();
    const app = await server.start();

    // The ws extension retries with backoff from 500 ms; the session cookie is still valid in the database.
    // Wait for the reconnect before renaming: a push to a tab that is not connected is lost.
    await waitForLiveOpens(page, 2, 20_000);
    await until(() => app.hub.connectedUsers().includes(agent.id), 'agent reconnected to the new server', 20_000);

    renameInbox(app.domain, admin.actor, a.id, { name: 'Alpha Reborn' });
    await inboxNav(page).getByRole('link', { name: 'Alpha Reborn' }).waitFor({ timeout: 20_000 });
    assert.deepEqual(await inboxNav(page).getByRole('link').allTextContents(), ['Alpha Reborn']);
    assert.ok(await stillSameDocument(page), 'the page was not reloaded');
  });

  await t.test('a change made while the socket was down shows once the page has reconnected', async (t) => {
    const s = await startServer();
    const server = restarter(t, s);
    const admin = await addUser(s.app, 'admin', 'Ada Admin');
    const agent = await addUser(s.app, 'agent', 'Alan Agent');
    const a = createInbox(s.app.domain, null, { name: 'Alpha Desk' });
    setMembers(s.app.domain, admin.actor, a.id, [agent.id]);

    const page = await livePage(browser, s.app, s.baseURL, agent);
    t.after(() => page.context().close());
    await inboxNav(page).getByRole('link', { name: 'Alpha Desk' }).waitFor();
    await markDocument(page);

    await server.stop();
    // The rename happens while no tab is connected (during a deploy, or while a phone is offline).
    const app = await server.start((app) => renameInbox(app.domain, admin.actor, a.id, { name: 'Alpha While Away' }));

    await waitForLiveOpens(page, 2, 20_000);
    await until(() => app.hub.connectedUsers().includes(agent.id), 'agent reconnected to the new server', 20_000);
    await inboxNav(page).getByRole('link', { name: 'Alpha While Away' }).waitFor({ timeout: 5_000 });
    assert.ok(await stillSameDocument(page));
  });
});
