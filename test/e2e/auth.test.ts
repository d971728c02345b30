import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authenticate } from '../../src/domain/auth/login.ts';
import { signInPolicy } from '../../src/domain/auth/sign-in-throttle.ts';
import { listInboxesFor } from '../../src/domain/inboxes/service.ts';
import { buildUser } from '../factories.ts';
import { PASSWORD } from '../helper.ts';
import { browserFor, noChromium, pageFor, serverFor, signIn, signedInPage } from './browser.ts';

const NOT_FOUND = 'This page does not exist, or you do not have access to it.';

test('browser: setup, sign-in and CSRF', { skip: noChromium }, async (t) => {
  const browser = await browserFor(t);

  await t.test('first run: the setup link creates the first admin once, then is gone', async (t) => {
    const s = await serverFor(t);
    const token = s.app.setup.token;
    assert.equal(typeof token, 'string');
    const page = await pageFor(t, browser, s.baseURL);

    const bare = await page.goto('/setup');
    assert.equal(bare?.status(), 404);
    await page.getByRole('alert').filter({ hasText: NOT_FOUND }).waitFor();

    const wrong = await page.goto('/setup?token=not-the-token');
    assert.equal(wrong?.status(), 404);

    const res = await page.goto(`/setup?token=${encodeURIComponent(token!)}`);
    assert.equal(res?.status(), 200);
    await page.getByRole('heading', { name: 'Set up Switchboard' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Grace Hopper');
    await page.getByLabel('Email').fill('grace@example.test');
    await page.getByLabel('New password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create admin account' }).click();

    await page.waitForURL((url) => url.pathname === '/conversations');
    await page.getByRole('banner').getByRole('link', { name: 'Grace Hopper' }).waitFor();
    // An admin sees the admin links.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Manage inboxes' }).waitFor();
    assert.equal(s.app.setup.token, null);

    const again = await page.goto(`/setup?token=${encodeURIComponent(token!)}`);
    assert.equal(again?.status(), 404);
    await page.getByRole('alert').filter({ hasText: NOT_FOUND }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Create admin account' }).count(), 0);
  });

  await t.test('sign-in refuses a wrong password, accepts the right one; sign-out ends the session', async (t) => {
    const s = await serverFor(t);
    const agent = await buildUser(s, { name: 'Alan Turing' });
    const page = await pageFor(t, browser, s.baseURL);

    await page.goto('/login');
    await page.getByLabel('Email').fill(agent.email);
    await page.getByLabel('Password').fill('not the password at all');
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/login'),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    assert.ok(refused.status() >= 400, `wrong password answered ${refused.status()}`);
    await page.getByRole('alert').filter({ hasText: 'Email or password is wrong.' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/login');
    // The email stays filled in; the password does not.
    assert.equal(await page.getByLabel('Email').inputValue(), agent.email);
    assert.equal(await page.getByLabel('Password').inputValue(), '');

    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/conversations');
    await page.getByRole('banner').getByRole('link', { name: 'Alan Turing' }).waitFor();
    // Agents do not get admin links.
    assert.equal(await page.getByRole('link', { name: 'Manage inboxes' }).count(), 0);

    await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.pathname === '/login');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();

    await page.goto('/');
    await page.waitForURL((url) => url.pathname === '/login');
    assert.equal(new URL(page.url()).searchParams.get('next'), '/');
    assert.deepEqual(
      (await page.context().cookies()).filter((c) => c.name === 'sb_session'),
      [],
      'the session cookie is gone after sign-out',
    );
  });

  await t.test("the first sign-in keeps the browser's time zone; Settings changes it", async (t) => {
    const s = await serverFor(t);
    const agent = await buildUser(s, { name: 'Lena' });
    const page = await pageFor(t, browser, s.baseURL, { timezoneId: 'America/Los_Angeles' });
    await signIn(page, agent.email);
    const zone = () => s.sqlite.prepare('SELECT time_zone FROM users WHERE id = ?').pluck().get(agent.id);
    assert.equal(zone(), 'America/Los_Angeles');

    await page.goto('/settings');
    const select = page.getByRole('combobox', { name: 'Time zone' });
    assert.equal(await select.inputValue(), 'America/Los_Angeles');
    await select.selectOption('Europe/Berlin');
    await page.getByRole('button', { name: 'Save time zone' }).click();
    await page.getByRole('status').filter({ hasText: 'Your time zone was saved.' }).waitFor();
    assert.equal(zone(), 'Europe/Berlin');
  });

  await t.test(
    'a locked-out sign-in says how long to wait; an admin clears it in place and the sign-in works',
    async (t) => {
      const s = await serverFor(t, { auth: { login_attempts: 2 } });
      const admin = await buildUser(s, { role: 'admin', name: 'Ada Lovelace' });
      const agent = await buildUser(s, { name: 'Alan Turing' });
      // Two wrong passwords from the browser's own address (127.0.0.1): that pair is locked.
      for (const password of ['first wrong guess', 'second wrong guess']) {
        await assert.rejects(
          authenticate(
            s.app.domain,
            { email: agent.email, password, ip: '127.0.0.1' },
            signInPolicy(s.configStore.current.auth),
          ),
        );
      }
      const page = await pageFor(t, browser, s.baseURL);
      await page.goto('/login');
      await page.getByLabel('Email').fill(agent.email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').filter({ hasText: 'Too many failed sign-ins. Try again in 15 minutes.' }).waitFor();

      const adminPage = await signedInPage(t, browser, s.baseURL, admin.email);
      await adminPage.goto('/admin/users');
      const accounts = adminPage.getByRole('table', { name: 'Accounts with failed sign-ins' });
      const row = accounts.getByRole('row', { name: /Alan Turing/ });
      await row.getByText(/127\.0\.0\.1: 2 failed, locked out until/).waitFor();
      await row.getByRole('button', { name: 'Clear failed sign-ins of Alan Turing' }).click();
      await adminPage.getByRole('status').filter({ hasText: 'Failed sign-ins of Alan Turing cleared.' }).waitFor();
      await adminPage.getByText('No failed sign-ins.').waitFor();
      assert.equal(new URL(adminPage.url()).pathname, '/admin/users', 'cleared in place');
      await adminPage.getByRole('heading', { name: 'Users', level: 1 }).waitFor();

      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL((url) => url.pathname === '/conversations');
      await page.getByRole('banner').getByRole('link', { name: 'Alan Turing' }).waitFor();
    },
  );

  await t.test('a form posted with a wrong CSRF token is refused with 403 and changes nothing', async (t) => {
    const s = await serverFor(t);
    const admin = await buildUser(s, { role: 'admin', name: 'Ada Lovelace' });
    const page = await signedInPage(t, browser, s.baseURL, admin.email);

    await page.goto('/admin/inboxes');
    const form = page.getByRole('form', { name: 'New inbox' });
    await form.waitFor();
    const realToken = await form.locator('input[name="_csrf"]').inputValue();
    assert.ok(realToken.length > 20);

    // A plain (non-htmx) form from the page: no X-CSRF-Token header, only a forged `_csrf` field.
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/admin/inboxes'),
      page.evaluate(
        (forged) => {
          document.body.removeAttribute('hx-headers:inherited');
          const f = document.createElement('form');
          f.method = 'post';
          f.action = '/admin/inboxes';
          for (const [name, value] of [
            ['_csrf', forged],
            ['name', 'Forged inbox'],
          ]) {
            const input = document.createElement('input');
            input.type = 'hidden';
            input.name = name!;
            input.value = value!;
            f.append(input);
          }
          document.body.append(f);
          f.submit();
        },
        `${realToken.slice(0, -4)}AAAA`,
      ),
    ]);
    assert.equal(res.status(), 403);
    await page
      .getByRole('alert')
      .filter({ hasText: 'This form has expired or did not come from Switchboard.' })
      .waitFor();
    assert.deepEqual(
      listInboxesFor(s.app.domain, admin.actor).map((i) => i.name),
      [],
      'no inbox was created',
    );

    // The same through the page's own htmx form: forged hidden field and no header.
    await page.goto('/admin/inboxes');
    await page.getByRole('form', { name: 'New inbox' }).waitFor();
    await page.evaluate(() => {
      document.body.removeAttribute('hx-headers:inherited');
      const hidden = document.querySelector<HTMLInputElement>('#admin-inboxes form input[name="_csrf"]')!;
      hidden.value = 'forged-token';
    });
    await page.getByLabel('Inbox name').fill('Forged via htmx');
    const [hxRes] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/admin/inboxes'),
      page.getByRole('button', { name: 'Create inbox' }).click(),
    ]);
    assert.equal(hxRes.status(), 403);
    assert.equal(hxRes.request().headers()['x-csrf-token'], undefined, 'the header was really removed');
    await page.getByRole('alert').filter({ hasText: 'This form has expired' }).waitFor();
    assert.deepEqual(listInboxesFor(s.app.domain, admin.actor), []);

    // After a reload the list is still empty, and the real token still works.
    await page.goto('/admin/inboxes');
    await page.getByText('No inboxes yet.').waitFor();
    await page.getByLabel('Inbox name').fill('Support');
    await page.getByRole('button', { name: 'Create inbox' }).click();
    await page.getByRole('status').filter({ hasText: 'Inbox Support was created.' }).waitFor();
    assert.deepEqual(
      listInboxesFor(s.app.domain, admin.actor).map((i) => i.name),
      ['Support'],
    );
  });
});
