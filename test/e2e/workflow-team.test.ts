/**
 * The shared-inbox workflow in Chromium, as a team: two (or more) people signed in at the same time in their own
 * browser profiles. One acts; the other sees the change arrive over /live without reloading.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Locator, Page, Route } from 'playwright-core';
import { assignConversation, setConversationStatus } from '../../src/domain/conversations/actions.ts';
import { addTag } from '../../src/domain/tags/service.ts';
import { noChromium } from './browser.ts';
import { CUSTOMER, SALES, SHOP, button, combobox, conversationList, framesOf, goLive, markDocument, nav, newTab, nextFrame, pinnedList, row, sameDocument, state, timeline, world } from './workflow-world.ts';

const CARLA = '+15552345678';
const DAN = '+15553334444';
const EVE = '+15554445555';

/** The unread badge as shown ("2 unread"), or null when hidden. */
async function badge(page: Page): Promise<string | null> {
  const b = nav(page).getByText(/^\d+ unread$/);
  return (await b.isVisible()) ? b.textContent() : null;
}
async function waitForBadge(page: Page, text: string | null): Promise<void> {
  if (text === null) await nav(page).getByText(/^\d+ unread$/).waitFor({ state: 'hidden' });
  else await nav(page).getByText(text, { exact: true }).waitFor();
}
async function waitForTitle(page: Page, test: (title: string) => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!test(await page.title())) {
    if (Date.now() > deadline) throw new Error(`title is "${await page.title()}", expected ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Which of `names` each row of `list` mentions, in the order shown. */
async function order(list: Locator, names: string[]): Promise<string[]> {
  const texts = await list.getByRole('listitem').allInnerTexts();
  return texts.map((text) => names.find((n) => text.includes(n)) ?? `?${text}`);
}

async function waitForOrder(list: Locator, names: string[], expected: string[]): Promise<void> {
  const deadline = Date.now() + 15_000;
  let seen = await order(list, names);
  while (JSON.stringify(seen) !== JSON.stringify(expected)) {
    if (Date.now() > deadline) assert.deepEqual(seen, expected);
    await new Promise((resolve) => setTimeout(resolve, 20));
    seen = await order(list, names);
  }
}

test('lists: rows show who, where, what and how old; a new text arrives and a closed conversation leaves, live', { skip: noChromium }, async (t) => {
  const w = await world(t, ['ana', 'ben']);
  w.receiveEarlier(3, EVE, 'An old question');
  const unknown = w.receive(CUSTOMER, 'Where is my order?');
  const carla = w.receive(CARLA, 'Can I change my delivery address?');
  w.name(carla, 'Carla Customer');
  addTag(w.s.app.domain, w.ana.actor, carla, 'vip');
  assignConversation(w.s.app.domain, w.ana.actor, carla, w.version(carla), w.ana.id);

  const [ben, ana] = await Promise.all([
    w.open(w.ben, '/conversations'),
    w.open(w.ana, '/conversations'),
  ]);
  await markDocument(ben);
  const list = conversationList(ben);

  // An unknown number: the number itself, "unknown number", the channel, the inbox, nobody assigned.
  const unknownRow = row(list, CUSTOMER);
  await unknownRow.getByRole('link', { name: new RegExp(`${CUSTOMER.replace('+', '\\+')}.*Where is my order\\?`) }).waitFor();
  for (const text of ['unknown number', `SMS ${SHOP}`, 'Support', 'Unassigned']) await unknownRow.getByText(text, { exact: true }).waitFor();
  await unknownRow.getByText('now', { exact: true }).waitFor();
  await unknownRow.getByRole('img', { name: 'unread' }).waitFor();
  // A known contact: the name, not "unknown number"; the assignee and the tags.
  const carlaRow = row(list, 'Carla Customer');
  await carlaRow.getByRole('link', { name: /Carla Customer.*Can I change my delivery address\?/ }).waitFor();
  for (const text of [`SMS ${SHOP}`, 'Support', 'Assigned to Ana', 'vip']) await carlaRow.getByText(text, { exact: true }).waitFor();
  assert.equal(await carlaRow.getByText('unknown number').count(), 0);
  await carlaRow.getByRole('img', { name: 'unread' }).waitFor();
  // Texts from before Ben joined are not unread for him; the age says how long ago.
  const oldRow = row(list, EVE);
  await oldRow.getByText('3 h', { exact: true }).waitFor();
  assert.equal(await oldRow.getByRole('img', { name: 'unread' }).count(), 0);
  assert.deepEqual(await order(list, [CUSTOMER, 'Carla Customer', EVE]), ['Carla Customer', CUSTOMER, EVE], 'latest activity first');
  assert.equal(await badge(ben), '2 unread');
  await waitForTitle(ben, (title) => title.startsWith('(2) '), '"(2) …"');

  // A new text from a new number: on top of both lists, and in the badge, without a reload.
  w.receive(DAN, 'Is the shop open on Sunday?');
  const danRow = row(list, DAN);
  await danRow.getByRole('link', { name: /Is the shop open on Sunday\?/ }).waitFor();
  await danRow.getByRole('img', { name: 'unread' }).waitFor();
  await danRow.getByText('unknown number', { exact: true }).waitFor();
  await row(conversationList(ana), DAN).waitFor();
  assert.deepEqual(await order(list, [CUSTOMER, 'Carla Customer', DAN, EVE]), [DAN, 'Carla Customer', CUSTOMER, EVE]);
  await waitForBadge(ben, '3 unread');
  await waitForTitle(ben, (title) => title.startsWith('(3) '), '"(3) …"');

  // Ana opens the unknown number's conversation and closes it: it leaves Ben's Inbox at once.
  await goLive(ana, () => row(conversationList(ana), CUSTOMER).getByRole('link').click());
  assert.equal(new URL(ana.url()).pathname, `/conversations/${unknown}`);
  await button(ana, 'Close').click();
  await state(ana, 'Closed').waitFor();
  await unknownRow.waitFor({ state: 'detached' });
  assert.deepEqual(await order(list, [CUSTOMER, 'Carla Customer', DAN, EVE]), [DAN, 'Carla Customer', EVE]);
  await waitForBadge(ben, '2 unread');
  assert.ok(await sameDocument(ben), "Ben's list was updated in place, not reloaded");
});

test('filters live in the URL: they survive a reload, shape live updates, and "Reset filters" clears them', { skip: noChromium }, async (t) => {
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
  const all = ['Carla Customer', 'Dan Done', CUSTOMER, EVE];
  assert.deepEqual(await order(list, all), [EVE, CUSTOMER, 'Carla Customer'], 'the Inbox: open conversations of all my inboxes');
  assert.equal(await ana.getByRole('link', { name: 'Reset filters' }).count(), 0);

  await ana.getByText('Filters and sorting').click();
  await combobox(ana, 'Inbox').selectOption({ label: 'Support' });
  await combobox(ana, 'Status').selectOption({ label: 'Any status' });
  await combobox(ana, 'Tag').selectOption({ label: 'vip' });
  await combobox(ana, 'Sort by').selectOption({ label: 'Oldest activity first' });
  await ana.getByRole('checkbox', { name: 'Unread only' }).check();
  const day = new Date(w.s.sqlite.prepare('SELECT last_message_at FROM conversations WHERE id = ?').pluck().get(carla) as number).toISOString().slice(0, 10);
  await ana.getByLabel('Active from').fill(day);
  await ana.getByLabel('Active until').fill(day);
  await goLive(ana, () => button(ana, 'Apply filters').click());
  const url = new URL(ana.url());
  assert.equal(url.pathname, '/conversations');
  const tagId = w.s.sqlite.prepare(`SELECT id FROM tags WHERE name = 'vip'`).pluck().get() as number;
  assert.deepEqual(
    Object.fromEntries([...url.searchParams].filter(([, v]) => v !== '')),
    { view: 'inbox', inbox: String(w.support), status: 'any', tag: String(tagId), unread: '1', from: day, to: day, sort: 'oldest' },
  );

  const expectFiltered = async () => {
    await ana.getByRole('heading', { level: 1, name: 'Support' }).waitFor();
    assert.deepEqual(await order(list, all), ['Dan Done', 'Carla Customer'], 'Support, any status, vip, unread, that day, oldest first');
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
  assert.deepEqual(await order(list, [...all, '+15556667777']), ['Carla Customer', '+15556667777', EVE, CUSTOMER]);
});

test('pins are per user, sit on top of my list, and reorder with the keyboard buttons and by drag and drop', { skip: noChromium }, async (t) => {
  const w = await world(t, ['ana', 'ben']);
  const ids = {
    Alice: w.receive('+15550000001', 'first'),
    Bruno: w.receive('+15550000002', 'second'),
    Chloe: w.receive('+15550000003', 'third'),
    Dora: w.receive('+15550000004', 'fourth'),
  };
  for (const [name, id] of Object.entries(ids)) w.name(id, name);
  const names = Object.keys(ids);

  const [ana, ben] = await Promise.all([
    w.open(w.ana, '/conversations'),
    w.open(w.ben, '/conversations'),
  ]);
  const anaTab = await newTab(ana, `/conversations/${ids.Alice}`);
  await markDocument(ana);
  const pinnedRegion = ana.getByRole('region', { name: 'Pinned' });
  assert.equal(await pinnedRegion.isVisible(), false, 'no pins yet: no "Pinned" section');

  // Ana pins three conversations from their pages; her list (another tab) follows live.
  for (const name of ['Alice', 'Bruno', 'Chloe'] as const) {
    if (name !== 'Alice') await goLive(anaTab, () => anaTab.goto(`/conversations/${ids[name]}`));
    await button(anaTab, 'Pin to my list').click();
    await button(anaTab, 'Unpin').waitFor();
    await row(pinnedList(ana), name).waitFor();
  }
  assert.deepEqual(await order(pinnedList(ana), names), ['Alice', 'Bruno', 'Chloe'], 'in the order pinned');
  await t.test(
    'a conversation pinned live leaves the main list (it is listed once)',
    async () => {
      assert.deepEqual(await order(conversationList(ana), names), ['Dora'], 'pinned ones are not listed twice');
    },
  );
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
  await button(ben, 'Pin to my list').click();
  await button(ben, 'Unpin').waitFor();
  await goLive(ben, () => ben.goto('/conversations'));
  assert.deepEqual(await order(pinnedList(ben), names), ['Dora']);
  assert.deepEqual(await order(pinnedList(ana), names), ['Alice', 'Bruno', 'Chloe']);

  // Unpinning puts the row back among the others, live.
  await button(anaTab, 'Unpin').click();
  await button(anaTab, 'Pin to my list').waitFor();
  await waitForOrder(pinnedList(ana), names, ['Alice', 'Bruno']);
  await row(conversationList(ana), 'Chloe').waitFor();
  assert.deepEqual(await order(conversationList(ana), names), ['Dora', 'Chloe']);
});

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
  await row(conversationList(anaList), 'Carla Customer').getByRole('img', { name: 'unread' }).waitFor({ state: 'detached' });
  await waitForBadge(anaList, '1 unread');
  await row(conversationList(anaList), DAN).getByRole('img', { name: 'unread' }).waitFor();

  // ... and Ctrl+Enter in the composer sends the reply.
  const composer = ana.getByRole('textbox', { name: 'Reply by text message' });
  await composer.fill('It left our warehouse this morning.');
  await composer.press('Control+Enter');
  const reply = timeline(ana).getByRole('listitem').filter({ hasText: 'It left our warehouse this morning.' });
  await reply.getByText(/Queued|Sent ✓/).waitFor();
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
  const [ana, ben] = await Promise.all([
    w.open(w.ana, `/conversations/${id}`),
    w.open(w.ben, `/conversations/${id}`),
  ]);
  const benList = await newTab(ben, '/conversations?view=mine');
  await markDocument(ben);
  await markDocument(benList);
  await state(ben, 'Unassigned').waitFor();
  assert.equal(await button(ben, 'Unassign').count(), 0, 'nobody to unassign');

  await button(ana, 'Assign to me').click();
  await state(ana, 'Assigned to Ana').waitFor();
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
  await row(conversationList(benList), CUSTOMER).getByText('Assigned to Ben').waitFor();

  // Ben unassigns; Ana sees it, and it leaves Ben's "Assigned to me".
  await ben.bringToFront();
  await button(ben, 'Unassign').click();
  await state(ben, 'Unassigned').waitFor();
  await state(ana, 'Unassigned').waitFor();
  await timeline(ana).getByText('Ben unassigned it').waitFor();
  await button(ana, 'Unassign').waitFor({ state: 'detached' });
  await row(conversationList(benList), CUSTOMER).waitFor({ state: 'detached' });
  assert.equal(w.assignee(id), null);
  assert.ok(await sameDocument(ben));
  assert.ok(await sameDocument(benList));
});

test('moving: the admin allows it on the inbox list; a move shows live in both inboxes', { skip: noChromium }, async (t) => {
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
  assert.equal(await combobox(ana, 'Move to inbox').count(), 0);
  assert.equal(await button(ana, 'Move').count(), 0);
  assert.equal(await button(ben, 'Allow moving').count(), 0, 'agents have no inbox switches');
  await ada.getByText('Conversations cannot be moved out of this inbox.').waitFor();
  await goLive(ada, () => button(ada, 'Allow moving').click());
  await ada.getByText('Conversations may be moved out of this inbox.').waitFor();
  await button(ada, 'Stop moving').waitFor();

  // Ana's open page offers the move at once: to Sales, the other inbox she works in.
  await combobox(ana, 'Move to inbox').waitFor();
  assert.deepEqual(await combobox(ana, 'Move to inbox').getByRole('option').allTextContents(), ['Sales']);
  // Ada watches Sales; Ben (not in Sales) watches Support.
  await goLive(ada, () => ada.goto(`/conversations?inbox=${w.sales}`));
  await ada.getByRole('heading', { level: 1, name: 'Sales' }).waitFor();
  assert.equal(await row(conversationList(ada), CUSTOMER).count(), 0);
  await row(conversationList(ben), CUSTOMER).waitFor();

  await combobox(ana, 'Move to inbox').selectOption({ label: 'Sales' });
  await button(ana, 'Move').click();
  await timeline(ana).getByText('Ana moved it from Support to Sales').waitFor();
  await ana.getByRole('main').getByRole('link', { name: 'Sales', exact: true }).waitFor(); // the crumb above the name
  await row(conversationList(ben), CUSTOMER).waitFor({ state: 'detached' });
  await row(conversationList(ada), CUSTOMER).getByText('Sales', { exact: true }).waitFor();
  assert.deepEqual(await order(conversationList(ben), [CUSTOMER, DAN]), [DAN]);
  assert.ok(await sameDocument(ben));
  assert.ok(await sameDocument(ana));
  // From Sales (moving not allowed there) there is nowhere to move it.
  assert.equal(await combobox(ana, 'Move to inbox').count(), 0);

  // The customer's next text follows it to Sales.
  w.receive(CUSTOMER, 'Make it 600.');
  await row(conversationList(ada), CUSTOMER).getByText('Make it 600.').waitFor();
  await timeline(ana).getByText('Make it 600.').waitFor();
});

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
  await button(ana, 'Mark unread for me').click();
  await waitForBadge(ana, '1 unread');
  await waitForTitle(ana, (title) => title === '(1) Carla Customer · Switchboard', '"(1) Carla Customer · Switchboard"');
  await waitForBadge(anaList, '1 unread');
  await row(conversationList(anaList), 'Carla Customer').getByRole('img', { name: 'unread' }).waitFor();

  // Ana then takes the conversation: once Ben sees that, he would have seen an unread mark too, had one been sent.
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

test('tags: added and removed live; "Hide tags in conversation lists" hides them from my lists only', { skip: noChromium }, async (t) => {
  const w = await world(t, ['ana', 'ben', 'mia']);
  const id = w.receive(CUSTOMER, 'Where is my order?');
  const [ana, ben, mia] = await Promise.all([
    w.open(w.ana, `/conversations/${id}`),
    w.open(w.ben, '/conversations'),
    w.open(w.mia, '/conversations'),
  ]);
  const tagsOf = (page: Page) => page.getByRole('list', { name: 'Tags' });

  await ana.getByRole('combobox', { name: 'Add a tag' }).fill('vip');
  await button(ana, 'Add tag').click();
  await tagsOf(ana).getByRole('listitem').filter({ hasText: 'vip' }).waitFor();
  await button(ana, 'Remove tag vip').waitFor();
  await timeline(ana).getByText('Ana added the tag vip').waitFor();
  await row(conversationList(ben), CUSTOMER).getByText('vip', { exact: true }).waitFor();
  await row(conversationList(mia), CUSTOMER).getByText('vip', { exact: true }).waitFor();
  // The same tag in other letters is the same tag: refused, with the reason by the field.
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
  await goLive(ben, () => nav(ben).getByRole('link', { name: /^Inbox/ }).click());
  const benRow = row(conversationList(ben), CUSTOMER);
  await benRow.waitFor();
  assert.equal(await benRow.getByText('vip', { exact: true }).count(), 0, 'no tags in Ben’s list');

  // Ana adds another: Mia sees it; Ben's pushed row has none either.
  const framesBefore = framesOf(ben);
  await ana.getByRole('combobox', { name: 'Add a tag' }).fill('refund');
  await button(ana, 'Add tag').click();
  await row(conversationList(mia), CUSTOMER).getByText('refund', { exact: true }).waitFor();
  await nextFrame(ben, framesBefore);
  await benRow.waitFor();
  assert.equal(await benRow.getByText(/^(vip|refund)$/).count(), 0, 'no tags in Ben’s pushed row');

  // Ana removes "vip": gone from her header and from Mia's list, noted on the timeline.
  await button(ana, 'Remove tag vip').click();
  await button(ana, 'Remove tag vip').waitFor({ state: 'detached' });
  await timeline(ana).getByText('Ana removed the tag vip').waitFor();
  await row(conversationList(mia), CUSTOMER).getByText('vip', { exact: true }).waitFor({ state: 'detached' });
  await row(conversationList(mia), CUSTOMER).getByText('refund', { exact: true }).waitFor();
  assert.deepEqual(await tagsOf(ana).getByRole('listitem').allInnerTexts().then((x) => x.map((s) => s.replace('×', '').trim())), ['refund']);
});

test('close, reopen, spam: lists follow at once; later texts stay in Spam; a manager undoes it', { skip: noChromium }, async (t) => {
  const w = await world(t, ['ana', 'ben', 'mia']);
  const id = w.receive(CUSTOMER, 'Cheap watches!');
  w.receive(DAN, 'A real customer');
  const [ana, ben] = await Promise.all([
    w.open(w.ana, `/conversations/${id}`),
    w.open(w.ben, '/conversations'),
  ]);
  const benClosed = await newTab(ben, '/conversations?view=closed');
  const mia = await w.open(w.mia, '/conversations?view=spam');
  for (const page of [ben, benClosed, mia]) await markDocument(page);
  const benRow = row(conversationList(ben), CUSTOMER);
  await benRow.waitFor();
  assert.equal(await row(conversationList(benClosed), CUSTOMER).count(), 0);

  await button(ana, 'Close').click();
  await state(ana, 'Closed').waitFor();
  await timeline(ana).getByText('Ana closed it').waitFor();
  await benRow.waitFor({ state: 'detached' });
  await row(conversationList(benClosed), CUSTOMER).getByText('Closed', { exact: true }).waitFor();

  await button(ana, 'Reopen').click();
  await state(ana, 'Open').waitFor();
  await timeline(ana).getByText('Ana reopened it').waitFor();
  await benRow.waitFor();
  await row(conversationList(benClosed), CUSTOMER).waitFor({ state: 'detached' });

  await button(ana, 'Close and mark as spam').click();
  await state(ana, 'Spam').waitFor();
  await timeline(ana).getByText('Ana closed it and marked it as spam').waitFor();
  await benRow.waitFor({ state: 'detached' });
  await row(conversationList(mia), CUSTOMER).waitFor();
  for (const name of ['Close', 'Reopen', 'Close and mark as spam', 'Not spam: reopen']) {
    assert.equal(await button(ana, name).count(), 0, `an agent has no "${name}" on a spam conversation`);
  }
  assert.deepEqual(await order(conversationList(ben), [CUSTOMER, DAN]), [DAN]);

  // The spammer texts again: it stays in Spam (Mia's list, Ana's open page), not in Ben's Inbox.
  const before = framesOf(ben);
  w.receive(CUSTOMER, 'Buy now!!!');
  await row(conversationList(mia), CUSTOMER).getByText('Buy now!!!').waitFor();
  await timeline(ana).getByText('Buy now!!!').waitFor();
  await nextFrame(ben, before); // the push of that text has reached Ben's list
  assert.equal(await benRow.count(), 0);
  assert.equal(await badge(ben), '1 unread', 'spam is not counted as unread');
  assert.equal(await state(ana, 'Spam').count(), 1);
  assert.equal(w.status(id), 'spam');

  // Mia (a manager) undoes it from the Spam list: back in Ben's Inbox with the latest text, and open on Ana's page.
  await goLive(mia, () => row(conversationList(mia), CUSTOMER).getByRole('link').click());
  await button(mia, 'Not spam: reopen').click();
  await state(mia, 'Open').waitFor();
  await state(ana, 'Open').waitFor();
  await timeline(ana).getByText('Mia reopened it: not spam').waitFor();
  await benRow.getByText('Buy now!!!').waitFor();
  await waitForBadge(ben, '2 unread');
  for (const page of [ben, benClosed]) assert.ok(await sameDocument(page));
});

test('two people click "Assign to me" on the same page state: one wins, the other is told who did', { skip: noChromium }, async (t) => {
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
  await Promise.all([button(ana, 'Assign to me').click(), button(ben, 'Assign to me').click()]);
  await sent;
  assert.deepEqual(held.map((r) => new URLSearchParams(r.request().postData() ?? '').get('version')), [version, version]);

  const alert = 'Someone changed this conversation a moment ago. This is how it is now; try again if you still want to.';
  const outcome = await Promise.race([
    ana.getByRole('alert').filter({ hasText: alert }).waitFor().then(() => 'ben won' as const),
    ben.getByRole('alert').filter({ hasText: alert }).waitFor().then(() => 'ana won' as const),
  ]);
  const [winner, loser, winnerName] = outcome === 'ana won' ? [ana, ben, 'Ana'] : [ben, ana, 'Ben'];
  assert.equal(w.assignee(id), outcome === 'ana won' ? w.ana.id : w.ben.id);
  // The loser sees who won, in the header that carries the alert.
  await state(loser, `Assigned to ${winnerName}`).waitFor();
  await state(winner, `Assigned to ${winnerName}`).waitFor();
  assert.equal(await winner.getByRole('alert').count(), 0);
  await timeline(loser).getByText(`${winnerName} assigned it to themselves`).waitFor();
  assert.equal(await timeline(loser).getByText(/assigned it to/).count(), 1, 'one assignment, not two');
  const kinds = w.s.sqlite.prepare('SELECT kind FROM conversation_events WHERE conversation_id = ?').pluck().all(id);
  assert.deepEqual(kinds, ['self_assigned']);
});

test('permissions: assignment switched off by a manager, no moving, another inbox’s conversation, spam is for managers', { skip: noChromium }, async (t) => {
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
  assert.equal(await button(ana, 'Assign').count(), 0);
  assert.equal(await button(ana, 'Unassign').count(), 0);
  assert.ok(await sameDocument(ana));
  // Moving was never enabled: no Move control either. Agents get no inbox switches on the list.
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
  assert.equal(await row(conversationList(otto), CUSTOMER).count(), 0);
  const denied = await otto.goto(`/conversations/${id}`);
  assert.equal(denied?.status(), 404);
  await otto.getByRole('alert').filter({ hasText: 'This page does not exist, or you do not have access to it.' }).waitFor();
  assert.equal(await otto.getByText('Where is my order?').count(), 0);
  assert.equal(await otto.getByText(CUSTOMER).count(), 0);
  const deniedInbox = await otto.goto(`/conversations?inbox=${w.support}`);
  assert.equal(deniedInbox?.status(), 404);
});
