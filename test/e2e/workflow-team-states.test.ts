/**
 * The shared-inbox workflow in Chromium, as a team (continued from workflow-team.test.ts, split to stay within the
 * per-file time limit): moving, reading state, tags, statuses, races and permissions, each seen live by a teammate.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page, Route } from 'playwright-core';
import { setConversationStatus } from '../../src/domain/conversations/actions.ts';
import { goLive, markDocument, noChromium, sameDocument } from './browser.ts';
import {
  CUSTOMER,
  badge,
  button,
  combobox,
  conversationList,
  framesOf,
  nav,
  newTab,
  nextFrame,
  openMenu,
  order,
  row,
  shown,
  state,
  timeline,
  waitForBadge,
  waitForTitle,
  world,
} from './workflow-world.ts';

const DAN = '+15553334444';

test(
  'moving: the admin allows it on the inbox list; a move shows live in both inboxes',
  { skip: noChromium },
  async (t) => {
    const w = await world(t, ['ada', 'ana', 'ben']);
    const id = w.receive(CUSTOMER, 'I want to buy 500 units.');
    w.receive(DAN, 'Stays in Support');
    const [ana, ben, ada] = await Promise.all([
      w.open(w.ana, `/conversations/${id}`),
      w.open(w.ben, `/conversations?inbox=${w.support}`),
      w.open(w.ada, `/conversations?inbox=${w.support}`),
    ]);
    await markDocument(ana);
    await markDocument(ben);

    // Moving is off: no Move control for Ana; only the admin has the switch.
    await openMenu(ana, 'More actions');
    assert.equal(await combobox(ana, 'Move to inbox').count(), 0);
    assert.equal(await button(ana, 'Move').count(), 0);
    assert.equal(await button(ben, 'Allow moving').count(), 0, 'agents have no inbox switches');
    await ada.getByText('Conversations cannot be moved out of this inbox.').waitFor();
    await goLive(ada, () => button(ada, 'Allow moving').click());
    await ada.getByText('Conversations may be moved out of this inbox.').waitFor();
    await button(ada, 'Stop moving').waitFor();

    // Ana's open page offers the move at once (in her open menu): to Sales, the other inbox she works in.
    await combobox(ana, 'Move to inbox').waitFor();
    assert.deepEqual(await combobox(ana, 'Move to inbox').getByRole('option').allTextContents(), ['Sales']);
    // Ada watches Sales; Ben (not in Sales) watches Support.
    await goLive(ada, () => ada.goto(`/conversations?inbox=${w.sales}`));
    await ada.getByRole('heading', { level: 1, name: 'Sales' }).waitFor();
    assert.equal(await row(conversationList(ada), shown(CUSTOMER)).count(), 0);
    await row(conversationList(ben), shown(CUSTOMER)).waitFor();

    await openMenu(ana, 'More actions');
    await combobox(ana, 'Move to inbox').selectOption({ label: 'Sales' });
    await button(ana, 'Move').click();
    await timeline(ana).getByText('Ana moved it from Support to Sales').waitFor();
    await ana.getByRole('main').getByRole('link', { name: 'Sales', exact: true }).waitFor(); // the crumb above the name
    await row(conversationList(ben), shown(CUSTOMER)).waitFor({ state: 'detached' });
    await row(conversationList(ada), shown(CUSTOMER)).getByText('Sales', { exact: true }).waitFor();
    assert.deepEqual(await order(conversationList(ben), [shown(CUSTOMER), shown(DAN)]), [shown(DAN)]);
    assert.ok(await sameDocument(ben));
    assert.ok(await sameDocument(ana));
    // From Sales (moving not allowed there) there is nowhere to move it.
    await openMenu(ana, 'More actions');
    assert.equal(await combobox(ana, 'Move to inbox').count(), 0);

    // The customer's next text follows it to Sales.
    w.receive(CUSTOMER, 'Make it 600.');
    await row(conversationList(ada), shown(CUSTOMER)).getByText('Make it 600.').waitFor();
    await timeline(ana).getByText('Make it 600.').waitFor();
  },
);

test('"Mark unread for me" updates my badge and title live, not my teammate’s', { skip: noChromium }, async (t) => {
  const w = await world(t, ['ana', 'ben']);
  const id = w.receive(CUSTOMER, 'Where is my order?');
  w.name(id, 'Carla Customer');
  const ana = await w.open(w.ana, `/conversations/${id}`);
  const anaList = await newTab(ana, '/conversations');
  const ben = await w.open(w.ben, `/conversations/${id}`);
  await markDocument(ana);
  await markDocument(ben);
  for (const page of [ana, anaList, ben]) {
    assert.equal(await badge(page), null, 'opened, so read');
    assert.ok(!(await page.title()).startsWith('('), await page.title());
  }
  assert.equal(await row(conversationList(anaList), 'Carla Customer').getByRole('img', { name: 'unread' }).count(), 0);

  await ana.bringToFront();
  await openMenu(ana, 'More actions');
  await button(ana, 'Mark unread for me').click();
  await waitForBadge(ana, '1 unread');
  await waitForTitle(
    ana,
    (title) => title === '(1) Carla Customer · Switchboard',
    '"(1) Carla Customer · Switchboard"',
  );
  await waitForBadge(anaList, '1 unread');
  await row(conversationList(anaList), 'Carla Customer').getByRole('img', { name: 'unread' }).waitFor();

  // Ana then takes the conversation: once Ben sees that, he would have seen an unread mark too, had one been sent.
  await openMenu(ana, 'Assign…');
  await button(ana, 'Assign to me').click();
  await state(ben, 'Assigned to Ana').waitFor();
  assert.equal(await badge(ben), null);
  assert.equal(await ben.title(), 'Carla Customer · Switchboard');
  assert.ok(await sameDocument(ana), 'marked unread in place: the page was not reloaded (which would read it again)');
  assert.ok(await sameDocument(ben));
  assert.equal(await badge(ana), '1 unread', 'still unread for Ana until she opens it again');

  await goLive(ana, () => ana.reload());
  assert.equal(await badge(ana), null);
  await waitForBadge(anaList, null);
});

test(
  'tags: added and removed live; "Hide tags in conversation lists" hides them from my lists only',
  { skip: noChromium },
  async (t) => {
    const w = await world(t, ['ana', 'ben', 'mia']);
    const id = w.receive(CUSTOMER, 'Where is my order?');
    const [ana, ben, mia] = await Promise.all([
      w.open(w.ana, `/conversations/${id}`),
      w.open(w.ben, '/conversations'),
      w.open(w.mia, '/conversations'),
    ]);
    const tagsOf = (page: Page) => page.getByRole('list', { name: 'Tags' });

    await openMenu(ana, 'More actions');
    await ana.getByRole('combobox', { name: 'Add a tag' }).fill('vip');
    await button(ana, 'Add tag').click();
    await tagsOf(ana).getByRole('listitem').filter({ hasText: 'vip' }).waitFor();
    await button(ana, 'Remove tag vip').waitFor();
    await timeline(ana).getByText('Ana added the tag vip').waitFor();
    await row(conversationList(ben), shown(CUSTOMER)).getByText('vip', { exact: true }).waitFor();
    await row(conversationList(mia), shown(CUSTOMER)).getByText('vip', { exact: true }).waitFor();
    // The same tag in other letters is the same tag: refused, with the reason by the field.
    await openMenu(ana, 'More actions');
    await ana.getByRole('combobox', { name: 'Add a tag' }).fill('VIP');
    await button(ana, 'Add tag').click();
    await ana.getByText('The conversation already has the tag “vip”.').waitFor();
    assert.equal(await tagsOf(ana).getByRole('listitem').count(), 1);

    // Ben hides tags in his Settings.
    await goLive(ben, () => nav(ben).getByRole('link', { name: 'Settings' }).click());
    await ben.getByRole('checkbox', { name: 'Hide tags in conversation lists' }).check();
    await button(ben, 'Save display settings').click();
    await ben.getByRole('status').filter({ hasText: 'Display settings saved.' }).waitFor();
    assert.ok(await ben.getByRole('checkbox', { name: 'Hide tags in conversation lists' }).isChecked());
    await goLive(ben, () =>
      nav(ben)
        .getByRole('link', { name: /^Inbox/ })
        .click(),
    );
    const benRow = row(conversationList(ben), shown(CUSTOMER));
    await benRow.waitFor();
    assert.equal(await benRow.getByText('vip', { exact: true }).count(), 0, 'no tags in Ben’s list');

    // Ana adds another: Mia sees it; Ben's pushed row has none either.
    const framesBefore = framesOf(ben);
    await openMenu(ana, 'More actions');
    await ana.getByRole('combobox', { name: 'Add a tag' }).fill('refund');
    await button(ana, 'Add tag').click();
    await row(conversationList(mia), shown(CUSTOMER)).getByText('refund', { exact: true }).waitFor();
    await nextFrame(ben, framesBefore);
    await benRow.waitFor();
    assert.equal(await benRow.getByText(/^(vip|refund)$/).count(), 0, 'no tags in Ben’s pushed row');

    // Ana removes "vip": gone from her header and from Mia's list, noted on the timeline.
    await button(ana, 'Remove tag vip').click();
    await button(ana, 'Remove tag vip').waitFor({ state: 'detached' });
    await timeline(ana).getByText('Ana removed the tag vip').waitFor();
    await row(conversationList(mia), shown(CUSTOMER)).getByText('vip', { exact: true }).waitFor({ state: 'detached' });
    await row(conversationList(mia), shown(CUSTOMER)).getByText('refund', { exact: true }).waitFor();
    assert.deepEqual(
      await tagsOf(ana)
        .getByRole('listitem')
        .allInnerTexts()
        .then((x) => x.map((s) => s.replace('×', '').trim())),
      ['refund'],
    );
  },
);

test(
  'close, reopen, spam: lists follow at once; later texts stay in Spam; a manager undoes it',
  { skip: noChromium },
  async (t) => {
    const w = await world(t, ['ana', 'ben', 'mia']);
    const id = w.receive(CUSTOMER, 'Cheap watches!');
    w.receive(DAN, 'A real customer');
    const [ana, ben] = await Promise.all([w.open(w.ana, `/conversations/${id}`), w.open(w.ben, '/conversations')]);
    const benClosed = await newTab(ben, '/conversations?view=closed');
    const mia = await w.open(w.mia, '/conversations?view=spam');
    for (const page of [ben, benClosed, mia]) await markDocument(page);
    const benRow = row(conversationList(ben), shown(CUSTOMER));
    await benRow.waitFor();
    assert.equal(await row(conversationList(benClosed), shown(CUSTOMER)).count(), 0);

    await button(ana, 'Close').click();
    await state(ana, 'Closed').waitFor();
    await timeline(ana).getByText('Ana closed it').waitFor();
    await benRow.waitFor({ state: 'detached' });
    await row(conversationList(benClosed), shown(CUSTOMER)).getByText('Closed', { exact: true }).waitFor();

    await button(ana, 'Reopen').click();
    await state(ana, 'Open').waitFor();
    await timeline(ana).getByText('Ana reopened it').waitFor();
    await benRow.waitFor();
    await row(conversationList(benClosed), shown(CUSTOMER)).waitFor({ state: 'detached' });

    await openMenu(ana, 'More actions');
    await button(ana, 'Close and mark as spam').click();
    await state(ana, 'Spam').waitFor();
    await timeline(ana).getByText('Ana closed it and marked it as spam').waitFor();
    await benRow.waitFor({ state: 'detached' });
    await row(conversationList(mia), shown(CUSTOMER)).waitFor();
    await openMenu(ana, 'More actions');
    for (const name of ['Close', 'Reopen', 'Close and mark as spam', 'Not spam: reopen']) {
      assert.equal(await button(ana, name).count(), 0, `an agent has no "${name}" on a spam conversation`);
    }
    assert.deepEqual(await order(conversationList(ben), [shown(CUSTOMER), shown(DAN)]), [shown(DAN)]);

    // The spammer texts again: it stays in Spam (Mia's list, Ana's open page), not in Ben's Inbox.
    const before = framesOf(ben);
    w.receive(CUSTOMER, 'Buy now!!!');
    await row(conversationList(mia), shown(CUSTOMER)).getByText('Buy now!!!').waitFor();
    await timeline(ana).getByText('Buy now!!!').waitFor();
    await nextFrame(ben, before); // the push of that text has reached Ben's list
    assert.equal(await benRow.count(), 0);
    assert.equal(await badge(ben), '1 unread', 'spam is not counted as unread');
    assert.equal(await state(ana, 'Spam').count(), 1);
    assert.equal(w.status(id), 'spam');

    // Mia (a manager) undoes it from the Spam list: back in Ben's Inbox with the latest text, and open on Ana's page.
    await goLive(mia, () => row(conversationList(mia), shown(CUSTOMER)).getByRole('link').click());
    await button(mia, 'Not spam: reopen').click();
    await state(mia, 'Open').waitFor();
    await state(ana, 'Open').waitFor();
    await timeline(ana).getByText('Mia reopened it: not spam').waitFor();
    await benRow.getByText('Buy now!!!').waitFor();
    await waitForBadge(ben, '2 unread');
    for (const page of [ben, benClosed]) assert.ok(await sameDocument(page));
  },
);

test(
  'two people click "Assign to me" on the same page state: one wins, the other is told who did',
  { skip: noChromium },
  async (t) => {
    const w = await world(t, ['ana', 'ben']);
    const id = w.receive(CUSTOMER, 'Can someone help me?');
    const [ana, ben] = await Promise.all([
      w.open(w.ana, `/conversations/${id}`),
      w.open(w.ben, `/conversations/${id}`),
    ]);

    // Hold both requests until both have been sent: each carries the version of the page both were looking at.
    const held: Route[] = [];
    let bothSent!: () => void;
    const sent = new Promise<void>((resolve) => (bothSent = resolve));
    const hold = async (route: Route) => {
      held.push(route);
      if (held.length === 2) bothSent();
      await sent;
      await route.continue();
    };
    const version = String(w.version(id));
    await ana.route('**/assign', hold);
    await ben.route('**/assign', hold);
    await Promise.all([openMenu(ana, 'Assign…'), openMenu(ben, 'Assign…')]);
    await Promise.all([button(ana, 'Assign to me').click(), button(ben, 'Assign to me').click()]);
    await sent;
    assert.deepEqual(
      held.map((r) => new URLSearchParams(r.request().postData() ?? '').get('version')),
      [version, version],
    );

    const alert =
      'Someone changed this conversation a moment ago. This is how it is now; try again if you still want to.';
    const outcome = await Promise.race([
      ana
        .getByRole('alert')
        .filter({ hasText: alert })
        .waitFor()
        .then(() => 'ben won' as const),
      ben
        .getByRole('alert')
        .filter({ hasText: alert })
        .waitFor()
        .then(() => 'ana won' as const),
    ]);
    const [winner, loser, winnerName] = outcome === 'ana won' ? [ana, ben, 'Ana'] : [ben, ana, 'Ben'];
    assert.equal(w.assignee(id), outcome === 'ana won' ? w.ana.id : w.ben.id);
    // The loser sees who won, in the header that carries the alert.
    await state(loser, `Assigned to ${winnerName}`).waitFor();
    await state(winner, `Assigned to ${winnerName}`).waitFor();
    assert.equal(await winner.getByRole('alert').count(), 0);
    await timeline(loser).getByText(`${winnerName} assigned it to themselves`).waitFor();
    assert.equal(
      await timeline(loser)
        .getByText(/assigned it to/)
        .count(),
      1,
      'one assignment, not two',
    );
    const kinds = w.s.sqlite.prepare('SELECT kind FROM conversation_events WHERE conversation_id = ?').pluck().all(id);
    assert.deepEqual(kinds, ['self_assigned']);
  },
);

test(
  'permissions: assignment switched off by a manager, no moving, another inbox’s conversation, spam is for managers',
  { skip: noChromium },
  async (t) => {
    const w = await world(t, ['ana', 'mia', 'otto']);
    const id = w.receive(CUSTOMER, 'Where is my order?');
    const spam = w.receive(DAN, 'You won a prize!');
    setConversationStatus(w.s.app.domain, w.mia.actor, spam, w.version(spam), 'spam');
    const [ana, mia] = await Promise.all([
      w.open(w.ana, `/conversations/${id}`),
      w.open(w.mia, `/conversations?inbox=${w.support}`),
    ]);
    await markDocument(ana);

    // Assignment is on: Ana has the controls. Mia (a manager) switches it off from the inbox's list ...
    await openMenu(ana, 'Assign…');
    await button(ana, 'Assign to me').waitFor();
    await combobox(ana, 'Assign to').waitFor();
    await mia.getByText('Assignment is on: conversations can be assigned to members.').waitFor();
    assert.equal(await button(mia, 'Allow moving').count(), 0, 'moving is for admins');
    await goLive(mia, () => button(mia, 'Switch assignment off').click());
    await mia.getByText('Assignment is off: conversations are simply shared.').waitFor();
    await button(mia, 'Switch assignment on').waitFor();
    // ... and Ana's open page drops every assignment control, live.
    await button(ana, 'Assign to me').waitFor({ state: 'detached' });
    assert.equal(await combobox(ana, 'Assign to').count(), 0);
    assert.equal(await button(ana, 'Assign…').count(), 0);
    assert.equal(await button(ana, 'Assign').count(), 0);
    assert.equal(await button(ana, 'Unassign').count(), 0);
    assert.ok(await sameDocument(ana));
    // Moving was never enabled: no Move control either. Agents get no inbox switches on the list.
    await openMenu(ana, 'More actions');
    assert.equal(await combobox(ana, 'Move to inbox').count(), 0);
    assert.equal(await button(ana, 'Move').count(), 0);
    await goLive(ana, () => ana.goto(`/conversations?inbox=${w.support}`));
    await ana.getByRole('heading', { level: 1, name: 'Support' }).waitFor();
    for (const name of ['Switch assignment on', 'Switch assignment off', 'Allow moving', 'Stop moving']) {
      assert.equal(await button(ana, name).count(), 0, `an agent has no "${name}"`);
    }

    // Spam is for managers: Ana has no Spam link and no "Not spam" button; the Spam list is refused.
    assert.equal(await nav(ana).getByRole('link', { name: 'Spam' }).count(), 0);
    await nav(mia).getByRole('link', { name: 'Spam' }).waitFor();
    const spamList = await ana.goto('/conversations?view=spam');
    assert.equal(spamList?.status(), 403);
    await ana.getByRole('alert').filter({ hasText: 'You are not allowed to do that.' }).waitFor();
    await ana.goto(`/conversations/${spam}`);
    await state(ana, 'Spam').waitFor();
    assert.equal(await button(ana, 'Not spam: reopen').count(), 0);
    await goLive(mia, () => mia.goto(`/conversations/${spam}`));
    await button(mia, 'Not spam: reopen').waitFor();

    // Otto works in another inbox: Support's conversation does not exist for him.
    const otto = await w.open(w.otto, '/conversations');
    assert.equal(await row(conversationList(otto), shown(CUSTOMER)).count(), 0);
    const denied = await otto.goto(`/conversations/${id}`);
    assert.equal(denied?.status(), 404);
    await otto
      .getByRole('alert')
      .filter({ hasText: 'This page does not exist, or you do not have access to it.' })
      .waitFor();
    assert.equal(await otto.getByText('Where is my order?').count(), 0);
    assert.equal(await otto.getByText(shown(CUSTOMER)).count(), 0);
    const deniedInbox = await otto.goto(`/conversations?inbox=${w.support}`);
    assert.equal(deniedInbox?.status(), 404);
  },
);
