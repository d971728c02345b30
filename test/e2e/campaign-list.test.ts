/**
 * The campaign list in the browser, live: an agent watching it sees a manager's new draft appear (the "no campaigns
 * yet" line gone), its progress follow the audience the manager adds (the same row, redrawn), and another campaign
 * come in above it once it changes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cancelCampaign } from '../../src/domain/campaigns/lifecycle.ts';
import { buildCampaign, buildInbox, buildNumber, buildUser } from '../factories.ts';
import { browserFor, eventually, livePageFor, noChromium, pageFor, serverFor, signIn } from './browser.ts';

test('an agent’s campaign list follows a manager’s new draft and a cancel, live', { skip: noChromium }, async (t) => {
  const browser = await browserFor(t);
  const s = await serverFor(t);
  const [mia, ana] = await Promise.all([
    buildUser(s, { role: 'manager', name: 'Mia Manager' }),
    buildUser(s, { name: 'Ana Agent' }),
  ]);
  const support = buildInbox(s, { name: 'Support', members: [mia, ana] });
  const number = buildNumber(s, { inbox: support, e164: '+15550100100' });

  const watching = await livePageFor(t, browser, s.baseURL, ana.email, '/campaigns');
  const table = watching.getByRole('table', { name: 'Campaigns' });
  await table.getByText('No campaigns yet.').waitFor();
  assert.equal(await watching.getByRole('link', { name: 'New campaign' }).count(), 0, 'no New campaign for an agent');

  const manager = await pageFor(t, browser, s.baseURL);
  await signIn(manager, mia.email);
  await manager.goto('/campaigns/new');
  await manager.getByLabel('Campaign name').fill('Autumn');
  await manager.getByLabel('Send from').selectOption({ index: 0 });
  await manager.getByRole('button', { name: 'Create draft' }).click();
  await manager.waitForURL(/\/campaigns\/\d+\/edit$/);

  const autumn = table.getByRole('row').filter({ hasText: 'Autumn' });
  await autumn.getByRole('cell', { name: 'Draft', exact: true }).waitFor();
  await table.getByText('No campaigns yet.').waitFor({ state: 'detached' });

  const audience = manager.getByRole('region', { name: 'Audience', exact: true });
  await audience.getByLabel('Phone numbers (one per line, or separated by commas)').fill('+15550100201\n+15550100202');
  await audience.getByRole('button', { name: 'Add numbers' }).click();
  await autumn.getByRole('cell', { name: '0 of 2', exact: true }).waitFor();
  assert.equal(await autumn.count(), 1, 'the row redrawn in place');

  const spring = buildCampaign(s, { number, name: 'Spring', state: 'paused' });
  cancelCampaign(s.app.domain, mia.actor, spring.id);
  await table
    .getByRole('row')
    .filter({ hasText: 'Spring' })
    .getByRole('cell', { name: 'Cancelled', exact: true })
    .waitFor();
  await eventually(() => table.getByRole('rowheader').allTextContents(), ['Spring', 'Autumn'], 'newest first');
});
