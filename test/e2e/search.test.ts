import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildConversation, buildInbox, buildUser } from '../factories.ts';
import { browserFor, noChromium, serverFor, signedInPage } from './browser.ts';

test(
  'browser: / goes to the search box, and the results show the conversations with the words marked',
  { skip: noChromium },
  async (t) => {
    const browser = await browserFor(t);
    const s = await serverFor(t);
    const agent = await buildUser(s);
    buildInbox(s, { name: 'Support', members: [agent] });
    buildInbox(s, { name: 'Sales' });
    const ours = buildConversation(s, {
      inbox: 'Support',
      texts: ['Herr Müller fragt nach dem Paket <script>x</script>'],
    });
    buildConversation(s, { inbox: 'Sales', texts: ['Müller in sales'] });

    const page = await signedInPage(t, browser, s.baseURL, agent.email);
    const box = page.getByRole('search', { name: 'Search conversations' }).getByRole('searchbox', {
      name: 'Search conversations',
    });
    await page.locator('body').press('/');
    assert.ok(await box.evaluate((el) => el === document.activeElement), '/ focuses the box');
    // Inside a field `/` is a character like any other.
    await box.pressSequentially('mue/ller');
    assert.equal(await box.inputValue(), 'mue/ller');
    await box.fill('mueller');
    await box.press('Enter');

    await page.getByRole('heading', { level: 1, name: 'Search: mueller' }).waitFor();
    assert.equal(new URL(page.url()).pathname + new URL(page.url()).search, '/search?q=mueller');
    const results = page.getByRole('list', { name: 'Results' });
    const rows = results.getByRole('listitem');
    assert.equal(await rows.count(), 1, 'one result: the other inbox is not the agent’s');
    assert.equal(await rows.locator('mark').innerText(), 'Müller');
    assert.match(await rows.innerText(), /<script>x<\/script>/, 'the text as text');
    assert.equal(await box.inputValue(), 'mueller', 'the box keeps the words');

    // The filters go into the URL (htmx swaps the results in place).
    await page.getByText('Filters and sorting').click();
    await page.getByLabel('Status').selectOption('closed');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('Nothing found for “mueller”.').waitFor();
    assert.match(page.url(), /status=closed/);

    await page.goBack();
    await rows.first().waitFor();
    await rows.first().getByRole('link').click();
    await page.waitForURL(`**/conversations/${ours.id}`);
  },
);
