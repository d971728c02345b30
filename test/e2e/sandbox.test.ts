import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildUser } from '../factories.ts';
import { browserFor, noChromium, sandboxServerFor, signedInPage } from './browser.ts';

test('browser: the sandbox customer phone texts the inbox and receives the reply', { skip: noChromium }, async (t) => {
  const browser = await browserFor(t);
  const s = await sandboxServerFor(t);
  const admin = await buildUser(s, { role: 'admin', name: 'Ada Admin' });
  const phone = await signedInPage(t, browser, s.baseURL, admin.email);
  await phone.getByRole('note').filter({ hasText: 'Sandbox: texts go to a built-in test SMSC' }).waitFor();
  await phone.getByRole('link', { name: 'Open the customer phone' }).click();
  await phone.getByLabel('Message').fill('Do you deliver on Sundays?');
  await phone.getByRole('button', { name: 'Send text from this phone' }).click();
  await phone.getByText('Sent to +1 555 010 0100').waitFor();

  const agentView = await phone.context().newPage();
  await agentView.goto('/');
  await agentView.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Support' }).click();
  await agentView.getByRole('link', { name: /Do you deliver on Sundays\?/ }).click();
  await agentView.getByLabel('Reply by text message').fill('Yes, every day.');
  await agentView.getByRole('button', { name: 'Send reply' }).click();
  await agentView.getByRole('img', { name: 'Delivered', exact: true }).waitFor();

  await phone.getByLabel('Message').fill('half-typed');
  await phone.getByText('Yes, every day.').waitFor();
  await phone.getByText('Received from +1 555 010 0100').waitFor();
  assert.equal(
    await phone.getByLabel('Message').inputValue(),
    'half-typed',
    'polling leaves what is being typed alone',
  );
});
