import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildInbox, buildUser } from '../factories.ts';
import { browserFor, inboxNav, noChromium, serverFor, signedInPage } from './browser.ts';

test('browser: inbox access', { skip: noChromium }, async (t) => {
  const browser = await browserFor(t);

  await t.test('an agent cannot open an inbox they are not a member of, nor see it listed', async (t) => {
    const s = await serverFor(t);
    const agent = await buildUser(s, { name: 'Alan Agent' });
    const a = buildInbox(s, { name: 'Sales Alpha', members: [agent] });
    const b = buildInbox(s, { name: 'Billing Bravo' });

    const page = await signedInPage(t, browser, s.baseURL, agent.email);

    // Home: A is listed (navigation and cards), B nowhere.
    await inboxNav(page).getByRole('link', { name: 'Sales Alpha' }).waitFor();
    assert.deepEqual(await inboxNav(page).getByRole('link').allTextContents(), ['Sales Alpha']);
    assert.equal(await page.getByText('Billing Bravo').count(), 0);

    const ok = await page.goto(`/inboxes/${a.id}`);
    assert.equal(ok?.status(), 200);
    await page.getByRole('heading', { level: 1, name: 'Sales Alpha' }).waitFor();
    // The current inbox is marked in the navigation.
    assert.equal(await inboxNav(page).getByRole('link', { name: 'Sales Alpha' }).getAttribute('aria-current'), 'page');
    assert.deepEqual(await inboxNav(page).getByRole('link').allTextContents(), ['Sales Alpha']);
    assert.equal(await page.getByText('Billing Bravo').count(), 0);

    const denied = await page.goto(`/inboxes/${b.id}`);
    assert.equal(denied?.status(), 404);
    await page
      .getByRole('alert')
      .filter({ hasText: 'This page does not exist, or you do not have access to it.' })
      .waitFor();
    assert.equal(await page.getByText('Billing Bravo').count(), 0, "B's name is not leaked on the error page");
    assert.equal(await page.getByRole('heading', { name: 'Billing Bravo' }).count(), 0);

    // An inbox that does not exist at all looks exactly the same.
    const deniedText = await page.locator('body').innerText();
    const missing = await page.goto(`/inboxes/${b.id + 100}`);
    assert.equal(missing?.status(), 404);
    assert.equal(await page.locator('body').innerText(), deniedText);

    // The admin pages are not there for an agent either.
    const adminPage = await page.goto(`/admin/inboxes/${b.id}`);
    assert.equal(adminPage?.status(), 404);
    assert.equal(await page.getByText('Billing Bravo').count(), 0);
  });
});
