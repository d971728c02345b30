/**
 * Campaigns in the browser: a manager creates a draft, uploads a CSV (one line refused, one duplicate merged),
 * writes the text with a CSV column as a placeholder, previews it per recipient, schedules it for the current
 * minute, watches the progress fill in live as the sandbox SMSC delivers, opens the report and downloads the CSV.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { wallAt } from '../../src/domain/calendar.ts';
import { buildInbox, buildNumber, buildUser } from '../factories.ts';
import {
  browserFor,
  goLive,
  noChromium,
  pageFor,
  sandboxServerFor,
  signIn,
  trackLiveSocket,
  until,
} from './browser.ts';

const CSV = [
  'Name;Mobile;Coupon',
  'Ana;+1 555 010 0201;AB12',
  'Ben;+1 555 010 0202;CD34',
  'Cleo;not a phone;EF56',
  'Ana again;(555) 010-0201;GH78',
  'Dan;+1 555 010 0203;IJ90',
].join('\r\n');

test(
  'a manager uploads a CSV, previews, schedules, watches progress live and opens the report',
  { skip: noChromium },
  async (t) => {
    const browser = await browserFor(t);
    const s = await sandboxServerFor(t);
    // Quiet hours kept out of the way: the test runs at any time of day.
    s.configStore.current = {
      ...s.configStore.current,
      contacts: { ...s.configStore.current.contacts, default_country: 'US' },
      campaigns: { ...s.configStore.current.campaigns, send_from: '00:00', send_until: '23:59', area_rules: [] },
    };
    const manager = await buildUser(s, { role: 'manager', name: 'Mia Manager' });
    const marketing = buildInbox(s, { name: 'Marketing', members: [manager] });
    buildNumber(s, { inbox: marketing, e164: '+15550100100' });
    const page = await pageFor(t, browser, s.baseURL);
    await trackLiveSocket(page);
    await signIn(page, manager.email);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Campaigns' }).click();
    await page.getByRole('heading', { level: 1, name: 'Campaigns' }).waitFor();
    await page.getByRole('link', { name: 'New campaign' }).click();
    await page.getByLabel('Campaign name').fill('Winter sale');
    await page.getByLabel('Send from').selectOption({ index: 0 });
    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.waitForURL(/\/campaigns\/\d+\/edit$/);
    const id = Number(/\/campaigns\/(\d+)\/edit$/.exec(page.url())![1]);

    // 1. Audience: the CSV, its refused line listed, the duplicate merged.
    const audience = page.getByRole('region', { name: 'Audience', exact: true });
    await audience
      .getByLabel('CSV file')
      .setInputFiles({ name: 'list.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    await audience.getByRole('button', { name: 'Add from file' }).click();
    await until(
      async () => (await audience.locator('[data-count="will-receive"]').textContent()) === '3',
      'three will receive',
    );
    await audience.locator('summary', { hasText: '1 line could not be used' }).click();
    const refused = audience.getByRole('row').filter({ hasText: 'Cleo' });
    await refused.getByRole('cell', { name: 'Not a phone number', exact: true }).waitFor();

    // 2. Message: an unknown placeholder is refused in place, then the CSV's column fills in per recipient.
    const message = page.getByRole('region', { name: 'Message', exact: true });
    await message.getByLabel('Text', { exact: true }).fill('Hi {{contact.first_name}}, take {{voucher}}');
    await message.getByRole('button', { name: 'Save message' }).click();
    await message.getByText('No contact field or CSV column is called {{voucher}}').waitFor();
    await message.getByLabel('Text', { exact: true }).fill('Hello from Winter sale: your code {{coupon}}');
    await message.getByRole('button', { name: 'Save message' }).click();
    await message.getByText('Message saved.').waitFor();
    const preview = page.getByRole('region', { name: 'Preview', exact: true });
    await preview.getByText('your code AB12').waitFor();
    await preview.getByText(/GSM-7/).waitFor();
    await preview.getByRole('link', { name: 'Next' }).click();
    await preview.getByText('your code CD34').waitFor();

    // 3. Schedule: for the minute it is now (in the manager's zone), at a pace the test can watch.
    const schedule = page.getByRole('region', { name: 'Schedule', exact: true });
    await schedule.getByLabel('At a time').check();
    const zone = s.configStore.current.server.time_zone;
    await schedule.getByLabel(/Date and time/).fill(wallAt(Date.now(), zone).toISOString().slice(0, 16));
    await schedule.getByLabel('Texts per minute').fill('20');
    await goLive(page, () => schedule.getByRole('button', { name: 'Send or schedule' }).click());
    assert.equal(new URL(page.url()).pathname, `/campaigns/${id}`);

    // Progress, live: every recipient ends delivered without a reload.
    const progress = page.getByRole('region', { name: 'Progress', exact: true });
    const count = (name: string) => progress.locator(`[data-count="${name}"]`).textContent();
    // At 20 a minute the three go three seconds apart: the page opened before the last was delivered.
    assert.notEqual(await count('delivered'), '3', 'not all delivered when the page opened');
    await until(async () => (await count('delivered')) === '3', 'all three delivered, pushed live', 60_000);
    assert.equal(await count('failed'), '0');
    await progress.getByText('Done').waitFor();

    // The report: the recipients' table (following the progress live) and the CSV.
    const recipients = page.getByRole('table', { name: 'Recipients' });
    await until(
      async () => (await recipients.getByRole('cell', { name: 'Delivered', exact: true }).count()) === 3,
      'the table shows the three delivered without a reload',
    );
    assert.equal(await recipients.getByRole('row').count(), 4, 'a header row and three recipients');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download CSV' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), `campaign-${id}.csv`);
    const csv = await readFile(await download.path(), 'utf8');
    const lines = csv.trimEnd().split('\r\n');
    assert.equal(lines.length, 4, csv);
    assert.ok(
      lines.slice(1).every((l) => l.includes(',delivered,')),
      csv,
    );
  },
);
