/**
 * The shared-inbox workflow in Chromium, as a team: two (or more) people signed in at the same time in their own
 * browser profiles. One acts; the other sees the change arrive over /live without reloading.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { assignConversation, setConversationStatus } from '../../src/domain/conversations/actions.ts';
import { addTag } from '../../src/domain/tags/service.ts';
import { goLive, markDocument, noChromium, sameDocument } from './browser.ts';
import {
  CUSTOMER,
  SALES,
  SHOP,
  badge,
  button,
  combobox,
  conversationList,
  newTab,
  openMenu,
  order,
  pinnedList,
  row,
  shown,
  state,
  timeline,
  waitForBadge,
  waitForOrder,
  waitForTitle,
  world,
} from './workflow-world.ts';

const CARLA = '+15552345678';
const DAN = '+15553334444';
const EVE = '+15554445555';

test(
  'lists: rows show who, where, what and how old; a new text arrives and a closed conversation leaves, live',
  { skip: noChromium },
  async (t) => {
    const w = await world(t, ['ana', 'ben']);
    w.receiveEarlier(3, EVE, 'An old question');
    const unknown = w.receive(CUSTOMER, 'Where is my order?');
    const carla = w.receive(CARLA, 'Can I change my delivery address?');
    w.name(carla, 'Carla Customer');
    addTag(w.s.app.domain, w.ana.actor, carla, 'vip');
    assignConversation(w.s.app.domain, w.ana.actor, carla, w.version(carla), w.ana.id);

    const [ben, ana] = await Promise.all([w.open(w.ben, '/conversations'), w.open(w.ana, '/conversations')]);
    await markDocument(ben);
    const list = conversationList(ben);

    // An unknown number: the number itself, "unknown number", the channel, the inbox, nobody assigned.
    const unknownRow = row(list, shown(CUSTOMER));
    await unknownRow
      .getByRole('link', { name: new RegExp(`${shown(CUSTOMER).replace(/[()]/g, '\\$&')}.*Where is my order\\?`) })
      .waitFor();
    for (const text of ['unknown number', shown(SHOP), 'Support', 'Unassigned'])
      await unknownRow.getByText(text, { exact: true }).waitFor();
    await unknownRow.getByRole('img', { name: 'SMS', exact: true }).waitFor();
    await unknownRow.getByText('now', { exact: true }).waitFor();
    await unknownRow.getByRole('img', { name: 'unread' }).waitFor();
    // A known contact: the name, not "unknown number"; the assignee and the tags.
    const carlaRow = row(list, 'Carla Customer');
    await carlaRow.getByRole('link', { name: /Carla Customer.*Can I change my delivery address\?/ }).waitFor();
    for (const text of [shown(SHOP), 'Support', 'Assigned to Ana', 'vip'])
      await carlaRow.getByText(text, { exact: true }).waitFor();
    await carlaRow.getByRole('img', { name: 'SMS', exact: true }).waitFor();
    assert.equal(await carlaRow.getByText('unknown number').count(), 0);
    await carlaRow.getByRole('img', { name: 'unread' }).waitFor();
    // Texts from before Ben joined are not unread for him; the age says how long ago.
    const oldRow = row(list, shown(EVE));
    // (Yesterday, when three hours ago was before midnight.)
    await oldRow.getByText(/^(3 h|Yesterday)$/).waitFor();
    assert.equal(await oldRow.getByRole('img', { name: 'unread' }).count(), 0);
    assert.deepEqual(
      await order(list, [shown(CUSTOMER), 'Carla Customer', shown(EVE)]),
      ['Carla Customer', shown(CUSTOMER), shown(EVE)],
      'latest activity first',
    );
    assert.equal(await badge(ben), '2 unread');
    await waitForTitle(ben, (title) => title.startsWith('(2) '), '"(2) …"');

    // A new text from a new number: on top of both lists, and in the badge, without a reload.
    w.receive(DAN, 'Is the shop open on Sunday?');
    const danRow = row(list, shown(DAN));
    await danRow.getByRole('link', { name: /Is the shop open on Sunday\?/ }).waitFor();
    await danRow.getByRole('img', { name: 'unread' }).waitFor();
    await danRow.getByText('unknown number', { exact: true }).waitFor();
    await row(conversationList(ana), shown(DAN)).waitFor();
    assert.deepEqual(await order(list, [shown(CUSTOMER), 'Carla Customer', shown(DAN), shown(EVE)]), [
      shown(DAN),
      'Carla Customer',
      shown(CUSTOMER),
      shown(EVE),
    ]);
    await waitForBadge(ben, '3 unread');
    await waitForTitle(ben, (title) => title.startsWith('(3) '), '"(3) …"');

    // Ana opens the unknown number's conversation and closes it: it leaves Ben's Inbox at once.
    await goLive(ana, () => row(conversationList(ana), shown(CUSTOMER)).getByRole('link').click());
    assert.equal(new URL(ana.url()).pathname, `/conversations/${unknown}`);
    await button(ana, 'Close').click();
    await state(ana, 'Closed').waitFor();
    await unknownRow.waitFor({ state: 'detached' });
    assert.deepEqual(await order(list, [shown(CUSTOMER), 'Carla Customer', shown(DAN), shown(EVE)]), [
      shown(DAN),
      'Carla Customer',
      shown(EVE),
    ]);
    await waitForBadge(ben, '2 unread');
    assert.ok(await sameDocument(ben), "Ben's list was updated in place, not reloaded");
  },
);

test(
  'filters live in the URL: they survive a reload, shape live updates, and "Reset filters" clears them',
  { skip: noChromium },
  async (t) => {
    const w = await world(t, ['ana']);
    const closedVip = w.receive(DAN, 'Thanks, all sorted.');
    const carla = w.receive(CARLA, 'Where is my parcel?');
    w.receive(CUSTOMER, 'Hello from an untagged number');
    w.receive(EVE, 'Hello Sales', SALES);
    w.name(carla, 'Carla Customer');
    w.name(closedVip, 'Dan Done');
    addTag(w.s.app.domain, w.ana.actor, carla, 'vip');
    addTag(w.s.app.domain, w.ana.actor, closedVip, 'vip');
    setConversationStatus(w.s.app.domain, w.ana.actor, closedVip, w.version(closedVip), 'closed');

    const ana = await w.open(w.ana, '/conversations');
    const list = conversationList(ana);
    const all = ['Carla Customer', 'Dan Done', shown(CUSTOMER), shown(EVE)];
    assert.deepEqual(
      await order(list, all),
      [shown(EVE), shown(CUSTOMER), 'Carla Customer'],
      'the Inbox: open conversations of all my inboxes',
    );
    assert.equal(await ana.getByRole('link', { name: 'Reset filters' }).count(), 0);

    await ana.getByText('Filters and sorting').click();
    await combobox(ana, 'Inbox').selectOption({ label: 'Support' });
    await combobox(ana, 'Status').selectOption({ label: 'Any status' });
    await combobox(ana, 'Tag').selectOption({ label: 'vip' });
    await combobox(ana, 'Sort by').selectOption({ label: 'Oldest activity first' });
    await ana.getByRole('checkbox', { name: 'Unread only' }).check();
    const day = new Date(
      w.s.sqlite.prepare('SELECT last_message_at FROM conversations WHERE id = ?').pluck().get(carla) as number,
    )
      .toISOString()
      .slice(0, 10);
    await ana.getByLabel('Active from').fill(day);
    await ana.getByLabel('Active until').fill(day);
    await goLive(ana, () => button(ana, 'Apply filters').click());
    const url = new URL(ana.url());
    assert.equal(url.pathname, '/conversations');
    const tagId = w.s.sqlite.prepare(`SELECT id FROM tags WHERE name = 'vip'`).pluck().get() as number;
    assert.deepEqual(Object.fromEntries([...url.searchParams].filter(([, v]) => v !== '')), {
      view: 'inbox',
      inbox: String(w.support),
      status: 'any',
      tag: String(tagId),
      unread: '1',
      from: day,
      to: day,
      sort: 'oldest',
    });

    const expectFiltered = async () => {
      await ana.getByRole('heading', { level: 1, name: 'Support' }).waitFor();
      assert.deepEqual(
        await order(list, all),
        ['Dan Done', 'Carla Customer'],
        'Support, any status, vip, unread, that day, oldest first',
      );
      assert.equal(await combobox(ana, 'Inbox').inputValue(), String(w.support));
      assert.equal(await combobox(ana, 'Status').inputValue(), 'any');
      assert.equal(await combobox(ana, 'Tag').inputValue(), String(tagId));
      assert.equal(await combobox(ana, 'Sort by').inputValue(), 'oldest');
      assert.ok(await ana.getByRole('checkbox', { name: 'Unread only' }).isChecked());
      assert.equal(await ana.getByLabel('Active from').inputValue(), day);
      assert.equal(await ana.getByLabel('Active until').inputValue(), day);
      assert.ok(await combobox(ana, 'Sort by').isVisible(), 'the filters are shown open while some are set');
    };
    await expectFiltered();
    await goLive(ana, () => ana.reload());
    await expectFiltered();

    // Pushed rows follow the list's filters: an untagged text changes the badge but does not join this list...
    await waitForBadge(ana, '3 unread');
    w.receive('+15556667777', 'A brand new untagged number');
    await waitForBadge(ana, '4 unread');
    assert.deepEqual(await order(list, all), ['Dan Done', 'Carla Customer']);
    // ... while a text in a matching conversation updates its row in place.
    w.receive(CARLA, 'Any news on my parcel?');
    await row(list, 'Carla Customer').getByText('Any news on my parcel?').waitFor();
    assert.deepEqual(await order(list, all), ['Dan Done', 'Carla Customer']);

    // A day with no activity: nothing matches, and the list says so.
    const dayBefore = new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    await goLive(ana, () => ana.goto(`/conversations?view=inbox&to=${dayBefore}`));
    await ana.getByText('No conversations match these filters.').waitFor();
    assert.equal(await conversationList(ana).getByRole('listitem').count(), 0);

    await goLive(ana, () => ana.getByRole('link', { name: 'Reset filters' }).click());
    assert.equal(new URL(ana.url()).search, '?view=inbox');
    await ana.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
    assert.equal(await ana.getByRole('link', { name: 'Reset filters' }).count(), 0);
    assert.equal(await combobox(ana, 'Sort by').isVisible(), false, 'the filters are folded away again');
    await ana.getByText('Filters and sorting').click();
    assert.equal(await combobox(ana, 'Inbox').inputValue(), '');
    assert.equal(await combobox(ana, 'Tag').inputValue(), '');
    assert.equal(await combobox(ana, 'Sort by').inputValue(), 'newest');
    assert.equal(await ana.getByRole('checkbox', { name: 'Unread only' }).isChecked(), false);
    assert.equal(await ana.getByLabel('Active from').inputValue(), '');
    assert.deepEqual(await order(list, [...all, shown('+15556667777')]), [
      'Carla Customer',
      shown('+15556667777'),
      shown(EVE),
      shown(CUSTOMER),
    ]);
  },
);

/**
 * Presses `action` in the conversation's "More actions" menu and waits for the header it redraws to offer `then`.
 * The menu is still open until the answer swaps the header in, closed: wait for that before opening it again.
 */
async function toggle(page: Page, action: string, then: string): Promise<void> {
  const menu = await openMenu(page, 'More actions');
  await menu.getByRole('button', { name: action }).click();
  await menu.waitFor({ state: 'hidden' });
  await (await openMenu(page, 'More actions')).getByRole('button', { name: then }).waitFor();
}

test(
  'pins are per user, sit on top of my list, and reorder with the keyboard buttons and by drag and drop',
  { skip: noChromium },
  async (t) => {
    const w = await world(t, ['ana', 'ben']);
    const ids = {
      Alice: w.receive('+15550000001', 'first'),
      Bruno: w.receive('+15550000002', 'second'),
      Chloe: w.receive('+15550000003', 'third'),
      Dora: w.receive('+15550000004', 'fourth'),
    };
    for (const [name, id] of Object.entries(ids)) w.name(id, name);
    const names = Object.keys(ids);

    const [ana, ben] = await Promise.all([w.open(w.ana, '/conversations'), w.open(w.ben, '/conversations')]);
    const anaTab = await newTab(ana, `/conversations/${ids.Alice}`);
    await markDocument(ana);
    const pinnedRegion = ana.getByRole('region', { name: 'Pinned' });
    assert.equal(await pinnedRegion.isVisible(), false, 'no pins yet: no "Pinned" section');

    // Ana pins three conversations from their pages; her list (another tab) follows live.
    for (const name of ['Alice', 'Bruno', 'Chloe'] as const) {
      if (name !== 'Alice') await goLive(anaTab, () => anaTab.goto(`/conversations/${ids[name]}`));
      await toggle(anaTab, 'Pin to my list', 'Unpin');
      await row(pinnedList(ana), name).waitFor();
    }
    assert.deepEqual(await order(pinnedList(ana), names), ['Alice', 'Bruno', 'Chloe'], 'in the order pinned');
    await t.test('a conversation pinned live leaves the main list (it is listed once)', async () => {
      assert.deepEqual(await order(conversationList(ana), names), ['Dora'], 'pinned ones are not listed twice');
    });
    // The first cannot go up, the last cannot go down.
    assert.ok(await button(ana, 'Move Alice up').isDisabled());
    assert.ok(await button(ana, 'Move Chloe down').isDisabled());

    // Ben's list has no pins: his own, not Ana's.
    assert.equal(await ben.getByRole('region', { name: 'Pinned' }).isVisible(), false);
    assert.deepEqual(await order(conversationList(ben), names), ['Dora', 'Chloe', 'Bruno', 'Alice']);

    // From the keyboard: focus "Move Alice down" and press Enter, then "Move Chloe up" with the space bar.
    await button(ana, 'Move Alice down').focus();
    await ana.keyboard.press('Enter');
    await waitForOrder(pinnedList(ana), names, ['Bruno', 'Alice', 'Chloe']);
    await button(ana, 'Move Chloe up').focus();
    await ana.keyboard.press('Space');
    await waitForOrder(pinnedList(ana), names, ['Bruno', 'Chloe', 'Alice']);

    // By drag and drop: Alice onto the first row. (Ana's list is a background tab: bring it to the front, as a
    // person would, or Chromium throttles its animation frames and each drag step waits for them.)
    await ana.bringToFront();
    await row(pinnedList(ana), 'Alice').dragTo(row(pinnedList(ana), 'Bruno'));
    await waitForOrder(pinnedList(ana), names, ['Alice', 'Bruno', 'Chloe']);
    assert.ok(await sameDocument(ana), "Ana's list was redrawn in place");

    // The order is stored: it is the same after a reload, and Ben's list is still untouched.
    await goLive(ana, () => ana.reload());
    assert.deepEqual(await order(pinnedList(ana), names), ['Alice', 'Bruno', 'Chloe']);
    assert.deepEqual(await order(conversationList(ana), names), ['Dora']);
    // Ben pins one of his own; Ana's pins do not change.
    await goLive(ben, () => ben.goto(`/conversations/${ids.Dora}`));
    await toggle(ben, 'Pin to my list', 'Unpin');
    await goLive(ben, () => ben.goto('/conversations'));
    assert.deepEqual(await order(pinnedList(ben), names), ['Dora']);
    assert.deepEqual(await order(pinnedList(ana), names), ['Alice', 'Bruno', 'Chloe']);

    // Unpinning puts the row back among the others, live.
    await toggle(anaTab, 'Unpin', 'Pin to my list');
    await waitForOrder(pinnedList(ana), names, ['Alice', 'Bruno']);
    await row(conversationList(ana), 'Chloe').waitFor();
    assert.deepEqual(await order(conversationList(ana), names), ['Dora', 'Chloe']);
  },
);

test('opening a conversation reads it for me only; Ctrl+Enter sends the reply', { skip: noChromium }, async (t) => {
  const w = await world(t, ['ana', 'ben']);
  const id = w.receive(CUSTOMER, 'Where is my order?');
  w.receive(DAN, 'Do you ship abroad?');
  w.name(id, 'Carla Customer');

  const ana = await w.open(w.ana, '/conversations');
  const anaList = await newTab(ana, '/conversations');
  const ben = await w.open(w.ben, '/conversations');
  await markDocument(ben);
  await markDocument(anaList);
  for (const page of [ana, anaList, ben]) {
    assert.equal(await badge(page), '2 unread');
    await row(conversationList(page), 'Carla Customer').getByRole('img', { name: 'unread' }).waitFor();
  }

  // Ana opens it: read for her (this page, and her other tab, live) ...
  await ana.bringToFront();
  await goLive(ana, () => row(conversationList(ana), 'Carla Customer').getByRole('link').click());
  assert.equal(new URL(ana.url()).pathname, `/conversations/${id}`);
  await ana.getByRole('heading', { level: 1, name: 'Carla Customer' }).waitFor();
  await timeline(ana).getByText('Where is my order?').waitFor();
  assert.equal(await badge(ana), '1 unread');
  assert.ok((await ana.title()).startsWith('(1) Carla Customer'), await ana.title());
  await row(conversationList(anaList), 'Carla Customer')
    .getByRole('img', { name: 'unread' })
    .waitFor({ state: 'detached' });
  await waitForBadge(anaList, '1 unread');
  await row(conversationList(anaList), shown(DAN)).getByRole('img', { name: 'unread' }).waitFor();

  // ... and Ctrl+Enter in the composer sends the reply.
  const composer = ana.getByRole('textbox', { name: 'Reply by text message' });
  await composer.fill('It left our warehouse this morning.');
  await composer.press('Control+Enter');
  const reply = timeline(ana).getByRole('listitem').filter({ hasText: 'It left our warehouse this morning.' });
  await reply.getByRole('img', { name: /^(Queued|Sent)$/ }).waitFor();
  assert.equal(await composer.inputValue(), '', 'the composer is cleared');
  assert.equal(await reply.count(), 1);

  // Ben sees the reply in the row's preview (so every push for Ana's reading has been sent by now) ...
  const benRow = row(conversationList(ben), 'Carla Customer');
  await benRow.getByText('It left our warehouse this morning.').waitFor();
  // ... and for him it is still unread: his badge, title and dot did not change.
  assert.equal(await badge(ben), '2 unread');
  assert.ok((await ben.title()).startsWith('(2) '), await ben.title());
  await benRow.getByRole('img', { name: 'unread' }).waitFor();
  assert.ok(await sameDocument(ben));
  assert.ok(await sameDocument(anaList));
});

test('assign to me, reassign and unassign: the teammate sees each change live', { skip: noChromium }, async (t) => {
  const w = await world(t, ['ana', 'ben']);
  const id = w.receive(CUSTOMER, 'Where is my order?');
  const [ana, ben] = await Promise.all([w.open(w.ana, `/conversations/${id}`), w.open(w.ben, `/conversations/${id}`)]);
  const benList = await newTab(ben, '/conversations?view=mine');
  await markDocument(ben);
  await markDocument(benList);
  await state(ben, 'Unassigned').waitFor();
  await openMenu(ben, 'Assign…');
  assert.equal(await button(ben, 'Unassign').count(), 0, 'nobody to unassign');

  await openMenu(ana, 'Assign…');
  await button(ana, 'Assign to me').click();
  await state(ana, 'Assigned to Ana').waitFor();
  await openMenu(ana, 'Assign…');
  assert.equal(await button(ana, 'Assign to me').count(), 0, 'already hers');
  await state(ben, 'Assigned to Ana').waitFor();
  await timeline(ben).getByText('Ana assigned it to themselves').waitFor();
  assert.equal(await combobox(ben, 'Assign to').inputValue(), String(w.ana.id), 'the picker shows the assignee');

  // Ana hands it to Ben with the picker; Ben's page and his "Assigned to me" list follow.
  await combobox(ana, 'Assign to').selectOption({ label: 'Ben' });
  await button(ana, 'Assign').click();
  await state(ana, 'Assigned to Ben').waitFor();
  await state(ben, 'Assigned to Ben').waitFor();
  await timeline(ben).getByText('Ana assigned it to Ben').waitFor();
  await button(ben, 'Assign to me').waitFor({ state: 'detached' });
  await row(conversationList(benList), shown(CUSTOMER)).getByText('Assigned to Ben').waitFor();

  // Ben unassigns; Ana sees it, and it leaves Ben's "Assigned to me".
  await ben.bringToFront();
  await openMenu(ben, 'Assign…');
  await button(ben, 'Unassign').click();
  await state(ben, 'Unassigned').waitFor();
  await state(ana, 'Unassigned').waitFor();
  await timeline(ana).getByText('Ben unassigned it').waitFor();
  await button(ana, 'Unassign').waitFor({ state: 'detached' });
  await row(conversationList(benList), shown(CUSTOMER)).waitFor({ state: 'detached' });
  assert.equal(w.assignee(id), null);
  assert.ok(await sameDocument(ben));
  assert.ok(await sameDocument(benList));
});
