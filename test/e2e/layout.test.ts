import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recordAuditAlone } from '../../src/domain/audit/record.ts';
import { postChatMessage } from '../../src/domain/chats/messages.ts';
import { buildCampaign, buildChat, buildConversation, buildInbox, buildNumber, buildUser } from '../factories.ts';
import { browserFor, inboxNav, noChromium, pageFor, serverFor, signIn } from './browser.ts';

const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 800 };

test('browser: layout', { skip: noChromium }, async (t) => {
  const browser = await browserFor(t);

  const s = await serverFor(t);
  const admin = await buildUser(s, { role: 'admin', name: 'Ada Admin' });
  const agent = await buildUser(s, { name: 'Maximiliane Mustermann-Schlesinger' });
  // Realistic content, including a name long enough to wrap.
  const names = ['Support', 'Sales', 'Kundenservice Nordrhein-Westfalen und Niedersachsen', 'Billing'];
  for (const name of names) buildInbox(s, { name, members: [agent] });

  await t.test('at phone width the home page does not scroll sideways and the navigation is usable', async (t) => {
    const page = await pageFor(t, browser, s.baseURL, { viewport: PHONE });
    await signIn(page, agent.email);
    await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();

    const widths = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
      inner: window.innerWidth,
    }));
    assert.equal(widths.inner, PHONE.width);
    assert.ok(widths.scroll <= PHONE.width, `page is ${widths.scroll}px wide at a ${PHONE.width}px viewport`);

    // The tab bar shows Inbox; "More" opens the rest, the inboxes and Settings among them.
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('button', { name: 'More' }).click();
    for (const link of ['Inbox', 'Settings']) {
      assert.ok(await nav.getByRole('link', { name: link, exact: true }).isVisible(), `${link} link visible`);
    }
    for (const name of names) {
      const link = inboxNav(page).getByRole('link', { name });
      assert.ok(await link.isVisible(), `${name} visible in the navigation`);
      const box = await link.boundingBox();
      assert.ok(
        box && box.x >= 0 && box.x + box.width <= PHONE.width + 0.5,
        `${name} fits the screen: ${JSON.stringify(box)}`,
      );
    }
    assert.ok(await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).isVisible());
    const who = await page
      .getByRole('banner')
      .getByRole('link', { name: 'Maximiliane Mustermann-Schlesinger' })
      .boundingBox();
    assert.ok(
      who && who.x + who.width <= PHONE.width + 0.5,
      `the user's name fits the top bar: ${JSON.stringify(who)}`,
    );

    await page.screenshot({ path: '/tmp/e2e-phone.png', fullPage: true });
  });

  await t.test(
    'at phone width the page is only as tall as its content, the navigation a tab bar at the bottom, "Sign out" on one line level with the name',
    async (t) => {
      const page = await pageFor(t, browser, s.baseURL, { viewport: PHONE });
      await signIn(page, agent.email);
      await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();

      const signOut = page.getByRole('banner').getByRole('button', { name: 'Sign out' });
      const lines = await signOut.evaluate((el) => {
        const range = document.createRange();
        range.selectNodeContents(el);
        return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
      });
      assert.equal(lines, 1, '"Sign out" is broken over several lines');

      const name = await page.getByRole('banner').getByRole('link', { name: agent.name }).boundingBox();
      const button = await signOut.boundingBox();
      // The name may wrap; the button should be centred on it, as `align-items: center` intends.
      assert.ok(name && button);
      const offset = Math.abs(name.y + name.height / 2 - (button.y + button.height / 2));
      assert.ok(offset <= 1, `"Sign out" is ${offset}px off the name's centre line`);

      // The navigation is a slim tab bar along the bottom of the screen.
      const navBox = await page.getByRole('navigation', { name: 'Main' }).boundingBox();
      assert.ok(navBox);
      assert.ok(
        Math.abs(navBox.y + navBox.height - PHONE.height) <= 1,
        `the tab bar ends at ${navBox.y + navBox.height}px`,
      );
      assert.ok(navBox.height <= 64, `the tab bar is ${navBox.height}px tall`);

      // Four short inboxes fit a 740px screen: nothing to scroll.
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      assert.ok(height <= PHONE.height, `page is ${height}px tall at a ${PHONE.height}px viewport`);
    },
  );

  await t.test('the admin pages and the inbox workflow pages fit a phone too', async (t) => {
    const conversation = buildConversation(s, {
      inbox: 'Support',
      texts: ['A rather long first message from a customer who has a lot to say about their order'],
    });
    const chat = buildChat(s, { by: admin, name: 'Kundenservice Nordrhein-Westfalen Frühschicht', members: [agent] });
    postChatMessage(
      s.app.domain,
      agent.actor,
      chat,
      'A **long** line with a link https://example.com/a/very/long/path/that/does/not/wrap/easily/at/all and @Ada',
    );
    // The audit log's longest cells: a backup folder's path and an IPv6 address.
    recordAuditAlone(
      s.app.domain,
      { ...admin.actor, address: '2001:db8:85a3:8d3:1319:8a2e:370:7348' },
      {
        action: 'backup.made',
        subject: { name: '/var/lib/switchboard/backups/switchboard-20261206T010000Z' },
        changes: { databaseBytes: 123_456_789, mediaFiles: 12 },
      },
    );
    // A campaign under way and a draft, with a long name and the editor's forms.
    const shop = buildNumber(s, { inbox: 'Support' });
    const campaign = buildCampaign(s, {
      number: shop,
      name: 'Winterschlussverkauf Nordrhein-Westfalen und Niedersachsen',
    });
    const draft = buildCampaign(s, { number: shop, state: 'draft' });
    const page = await pageFor(t, browser, s.baseURL, { viewport: PHONE });
    await signIn(page, admin.email);
    for (const path of [
      '/campaigns',
      '/campaigns/new',
      `/campaigns/${campaign.id}`,
      `/campaigns/${draft.id}/edit`,
      '/admin/users',
      '/admin/inboxes',
      '/admin/audit',
      '/settings',
      '/conversations',
      `/conversations/${conversation.id}`,
      '/favourites',
      '/conversations/new',
      '/chats',
      `/chats/${chat}`,
    ]) {
      await page.goto(path);
      await page.getByRole('heading', { level: 1 }).waitFor();
      const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(scroll <= PHONE.width, `${path} is ${scroll}px wide at a ${PHONE.width}px viewport`);
    }
    await page.screenshot({ path: '/tmp/e2e-phone-chat.png', fullPage: true });
    await page.goto('/admin/users');
    await page.screenshot({ path: '/tmp/e2e-phone-admin-users.png', fullPage: true });
    await page.goto('/admin/audit');
    await page.screenshot({ path: '/tmp/e2e-phone-admin-audit.png', fullPage: true });
  });

  await t.test('desktop: the navigation sits beside the content', async (t) => {
    const page = await pageFor(t, browser, s.baseURL, { viewport: DESKTOP });
    await signIn(page, agent.email);
    await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
    const nav = await page.getByRole('navigation', { name: 'Main' }).boundingBox();
    const main = await page.getByRole('main').boundingBox();
    assert.ok(
      nav && main && nav.x + nav.width <= main.x + 0.5,
      `nav ${JSON.stringify(nav)} is left of main ${JSON.stringify(main)}`,
    );
    assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= DESKTOP.width);
    await page.screenshot({ path: '/tmp/e2e-desktop.png', fullPage: true });
  });
});
