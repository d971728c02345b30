import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import { buildUser } from '../factories.ts';
import { PASSWORD } from '../helper.ts';
import { browserFor, noChromium, pageFor, serverFor, signedInPage } from './browser.ts';

const NEW_PASSWORD = 'a brand new long password';

test('browser: password-reset links and two-factor sign-in', { skip: noChromium }, async (t) => {
  const browser = await browserFor(t);

  await t.test('an admin makes a reset link; the user opens it, sets a password and signs in with it', async (t) => {
    const s = await serverFor(t);
    const admin = await buildUser(s, { role: 'admin', name: 'Ada Admin' });
    await buildUser(s, { name: 'Alan Agent', email: 'alan@example.test' });

    const adminPage = await signedInPage(t, browser, s.baseURL, admin.email);
    await adminPage.goto('/admin/users');
    await adminPage.getByRole('button', { name: 'Create a password-reset link for Alan Agent' }).click();
    await adminPage.getByRole('status').filter({ hasText: 'Switchboard sends no email' }).waitFor();
    const link = await adminPage.getByRole('textbox', { name: 'Password-reset link for Alan Agent' }).inputValue();
    assert.match(link, new RegExp(`^${s.baseURL}/reset/[\\w-]{43}$`));

    const page = await pageFor(t, browser, s.baseURL);
    await page.goto(link);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await page.getByText('Set a new password for alan@example.test.').waitFor();
    await page.getByLabel('New password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByRole('status').filter({ hasText: 'Your password was changed' }).waitFor();

    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('Email').fill('alan@example.test');
    await page.getByLabel('Password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/conversations');
    await page.getByRole('banner').getByRole('link', { name: 'Alan Agent' }).waitFor();

    const used = await page.goto(link);
    assert.equal(used?.status(), 410);
    await page
      .getByRole('alert')
      .filter({ hasText: 'This password-reset link has expired or was already used.' })
      .waitFor();
  });

  await t.test(
    'a user turns on two-factor sign-in in Settings, signs out, and signs in with password and code',
    async (t) => {
      const s = await serverFor(t);
      // The server's clock, moved on by hand so the sign-in's code is not the one that confirmed the enrolment.
      let offset = 0;
      s.app.domain.now = () => Date.now() + offset;
      const agent = await buildUser(s, { name: 'Alan Agent' });
      const page = await signedInPage(t, browser, s.baseURL, agent.email);

      await page.goto('/settings');
      await page.getByRole('link', { name: 'Set up two-factor sign-in' }).click();
      await page.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
      assert.ok(
        (await page
          .getByRole('img', { name: 'QR code for your authenticator app' })
          .evaluate((img: HTMLImageElement) => img.naturalWidth)) > 0,
        'the QR code renders under the CSP',
      );
      const secret = (await page.getByLabel('Or enter this key by hand').inputValue()).replace(/\s/g, '');
      const code = () => TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: Date.now() + offset });
      await page.getByLabel('Six-digit code').fill(code());
      await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
      await page.getByRole('status').filter({ hasText: 'Two-factor sign-in is on.' }).waitFor();
      assert.equal(await page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem').count(), 10);

      await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL((url) => url.pathname === '/login');
      await page.getByLabel('Email').fill(agent.email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL((url) => url.pathname === '/login/code');
      assert.deepEqual(
        (await page.context().cookies()).filter((c) => c.name === 'sb_session'),
        [],
        'no session before the code',
      );

      offset += 30_000;
      await page.getByLabel('Six-digit code').fill(code());
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.waitForURL((url) => url.pathname === '/conversations');
      await page.getByRole('banner').getByRole('link', { name: 'Alan Agent' }).waitFor();
    },
  );
});
