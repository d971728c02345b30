/**
 * Team chats and private notes in Chromium, with three people signed in at once in their own browser profiles:
 * Ana and Ben (agents) and Mia (a manager). A direct chat and a team chat are exchanged live (messages, edits,
 * deletions, reactions, unread counts); a mention in a private note on a customer's conversation shows its target a
 * toast linking there, and the note never reaches the customer.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { buildInbox, buildNumber, buildUser, receiveText, type User } from '../factories.ts';
import { browserFor, eventually, goLive, livePageFor, noChromium, serverFor, until } from './browser.ts';

const CUSTOMER = '+15557654321';
const QUESTION = 'Where is my order?';
/** One server and one browser for one test: Ana and Ben (agents) and Mia (manager), all three members of Support. */
async function world(t: TestContext) {
  const browser = await browserFor(t);
  const s = await serverFor(t, { contacts: { default_country: 'US' } });
  const [ana, ben, mia] = await Promise.all([
    buildUser(s, { name: 'Ana Alvarez' }),
    buildUser(s, { name: 'Ben Baker' }),
    buildUser(s, { role: 'manager', name: 'Mia Manager' }),
  ]);
  const shop = buildNumber(s, { inbox: buildInbox(s, { name: 'Support', members: [ana, ben, mia] }) });
  // Unread counts start when a user joined: what is written must come strictly later than the accounts.
  await new Promise((resolve) => setTimeout(resolve, 5));

  return {
    s,
    ana,
    ben,
    mia,
    /** A fresh browser profile signed in as `user`, showing `path` (else the home page) with its live socket answered. */
    open: (user: User, path?: string) => livePageFor(t, browser, s.baseURL, user.email, path),
    /** A customer's text to Support, stored; its conversation's id. */
    receive: (text: string): number => receiveText(s, { from: CUSTOMER, to: shop, text }).conversationId,
    messageRows: () => s.sqlite.prepare('SELECT count(*) FROM messages').pluck().get() as number,
    outbound: () => s.sqlite.prepare(`SELECT count(*) FROM messages WHERE direction = 'out'`).pluck().get() as number,
    notificationsOf: (user: User) =>
      s.sqlite
        .prepare(
          `SELECT kind, chat_id AS chatId, conversation_id AS conversationId, excerpt FROM notifications WHERE user_id = ? AND kind <> 'new_conversation' ORDER BY id`,
        )
        .all(user.id) as { kind: string; chatId: number | null; conversationId: number | null; excerpt: string }[],
    lastRead: (user: User, chatId: number) =>
      (s.sqlite
        .prepare('SELECT last_read_id FROM chat_members WHERE chat_id = ? AND user_id = ?')
        .pluck()
        .get(chatId, user.id) as number | undefined) ?? 0,
    newestMessage: (chatId: number) =>
      s.sqlite.prepare('SELECT max(id) FROM chat_messages WHERE chat_id = ?').pluck().get(chatId) as number,
  };
}

const button = (scope: Page | Locator, name: string) => scope.getByRole('button', { name, exact: true });
const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });
/** The Chats link's unread badge ("1 unread chat message", "2 unread chat messages"). */
const chatsBadge = (page: Page) => nav(page).getByText(/^\d+ unread chat messages?$/);
/** The list of the user's chats on /chats. */
const myChats = (page: Page) => page.getByRole('region', { name: 'Your chats', exact: true }).getByRole('listitem');
const chatMessages = (page: Page) => page.getByRole('list', { name: 'Messages', exact: true });
/** A chat message by (part of) its text. */
const chatMessage = (page: Page, text: string | RegExp) =>
  chatMessages(page).getByRole('listitem').filter({ hasText: text });
const chatComposer = (page: Page) => page.getByRole('textbox', { name: 'Message', exact: true });
const timeline = (page: Page) => page.getByRole('list', { name: 'Messages and events', exact: true });
/** The page's notifications region (toasts pushed live) and the toasts in it. */
const toastRegion = (page: Page) => page.getByRole('status', { name: 'Notifications', exact: true });
const toasts = (page: Page) => toastRegion(page).getByRole('article');
/** A details element (role group) by its summary's text. */
const disclosure = (scope: Locator, summary: string) =>
  scope.getByRole('group').filter({ has: scope.page().getByText(summary, { exact: true }) });
/** Reaction toggle buttons ("👍 1: Ben Baker"); emoji may carry a U+FE0F variation selector. */
const thumbsUp = (item: Locator) => item.getByRole('button', { name: /^👍\uFE0F? \d+: / });

/** An element's text with its whitespace collapsed (as read, whatever the layout). */
const plain = async (locator: Locator): Promise<string> =>
  ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();

async function send(page: Page, text: string): Promise<void> {
  await chatComposer(page).fill(text);
  await button(page, 'Send').click();
}

/** Opens the "React to this message" picker under `item`, searches it and reacts with `name`. */
async function reactWith(item: Locator, query: string, name: string): Promise<void> {
  const picker = disclosure(item, 'React');
  if ((await picker.getAttribute('open')) === null) await picker.getByText('React', { exact: true }).click();
  await picker.getByRole('searchbox', { name: 'Find an emoji', exact: true }).fill(query);
  await button(picker, `React with ${name}`).click();
}

/** Clicks something that navigates to a chat (/chats/<id>) and waits until that page is live; the chat's id. */
async function toChat(page: Page, click: () => Promise<void>): Promise<number> {
  await goLive(page, async () => {
    await click();
    await page.waitForURL((url) => /^\/chats\/\d+$/.test(url.pathname));
  });
  return Number(new URL(page.url()).pathname.split('/').pop());
}

test(
  'direct chat: started from the team list, delivered live with unread counts, edited and reacted to live; private to the two',
  { skip: noChromium },
  async (t) => {
    const w = await world(t);
    const [ana, ben, mia] = await Promise.all([w.open(w.ana, '/chats'), w.open(w.ben, '/chats'), w.open(w.mia)]);
    await chatsBadge(ben).waitFor({ state: 'hidden' });

    // Ana starts the chat from the team list and writes, with Markdown.
    const chatId = await toChat(ana, () => button(ana, 'Message Ben Baker').click());
    const url = `/chats/${chatId}`;
    assert.equal(
      await ana.getByRole('heading', { level: 1 }).textContent(),
      'Ben Baker',
      'a direct chat is titled with the other person',
    );
    await send(ana, 'Hi **Ben**, got a minute?');
    const mine = chatMessage(ana, 'Hi Ben, got a minute?');
    await mine.waitFor(); // pushed to her own tab too
    assert.equal(
      await mine.getByText('Ben', { exact: true }).evaluate((el) => el.tagName),
      'STRONG',
      '**Ben** is shown bold',
    );
    await eventually(() => chatComposer(ana).inputValue(), '', 'the composer is emptied');

    // Ben, on /chats, is told without reloading: the navigation's badge, the chat's row, and a toast.
    await nav(ben).getByText('1 unread chat message', { exact: true }).waitFor();
    const row = myChats(ben).filter({ hasText: 'Ana Alvarez' });
    await row.getByText('1 unread', { exact: true }).waitFor();
    assert.match(await row.innerText(), /Hi Ben, got a minute\?/, 'the row previews the message');
    const toast = toasts(ben).filter({ hasText: 'Ana Alvarez: Hi Ben, got a minute?' });
    await toast.waitFor();
    assert.equal(await toast.getByRole('link').getAttribute('href'), url, 'the toast links to the chat');

    // Ben opens the chat: it is read, the badge goes.
    await toChat(ben, () => row.getByRole('link').click());
    assert.equal(new URL(ben.url()).pathname, url);
    assert.equal(await ben.getByRole('heading', { level: 1 }).textContent(), 'Ana Alvarez');
    await chatMessage(ben, 'Hi Ben, got a minute?').getByText('Ben', { exact: true }).waitFor();
    await chatsBadge(ben).waitFor({ state: 'hidden' });

    // Ben replies; Ana, who has the chat open, sees it arrive — and has read it.
    await send(ben, 'Sure, what is up?');
    await chatMessage(ana, 'Sure, what is up?').waitFor();
    await until(
      () => w.lastRead(w.ana, chatId) === w.newestMessage(chatId),
      'Ben’s reply read by Ana, who has the chat open',
    );
    await chatsBadge(ana).waitFor({ state: 'hidden' });

    // Ana edits her message; Ben sees the new text marked "edited", live.
    const edit = disclosure(mine, 'Edit');
    await edit.getByText('Edit', { exact: true }).click();
    await edit.getByRole('textbox', { name: 'Edit your message', exact: true }).fill('Hi **Ben**, got two minutes?');
    await button(edit, 'Save').click();
    const edited = chatMessage(ben, 'Hi Ben, got two minutes?');
    await edited.waitFor();
    assert.match(await edited.innerText(), /· edited/);
    assert.equal(await chatMessage(ben, 'got a minute').count(), 0, 'the old text is gone');
    assert.equal(await chatMessages(ben).getByRole('listitem').count(), 2, 'replaced in place, not added');
    await chatMessage(ana, 'Hi Ben, got two minutes?')
      .getByText(/· edited/)
      .waitFor();

    // Ben reacts to it with 👍; Ana sees the reaction, live.
    await reactWith(edited, 'thumbs up', 'thumbs up');
    const reaction = thumbsUp(chatMessage(ana, 'Hi Ben, got two minutes?'));
    await reaction.waitFor();
    assert.match((await reaction.getAttribute('aria-label')) ?? '', /^👍\uFE0F? 1: Ben Baker$/);
    assert.equal(await reaction.getAttribute('aria-pressed'), 'false', 'not Ana’s own reaction');
    await eventually(
      () => thumbsUp(chatMessage(ben, 'Hi Ben, got two minutes?')).getAttribute('aria-pressed'),
      'true',
      'Ben’s own reaction, pressed for him',
    );

    // A long chat shows its newest page; "Show earlier messages" brings the start back above it, reactions and all.
    const insert = w.s.sqlite.prepare(
      'INSERT INTO chat_messages (chat_id, author_id, body, created_at) VALUES (?, ?, ?, ?)',
    );
    for (let i = 1; i <= 40; i++) insert.run(chatId, w.ana.id, `Filler ${i}`, Date.now());
    await goLive(ben, () => ben.reload());
    await chatMessage(ben, 'Filler 40').waitFor();
    assert.equal(
      await chatMessages(ben)
        .getByRole('listitem')
        .filter({ hasText: /Filler \d+/ })
        .count(),
      40,
    );
    assert.equal(await chatMessage(ben, 'got two minutes').count(), 0, 'the start is on an earlier page');
    // A message arriving now goes below the newest, not above the way back.
    await send(ana, 'One more thing');
    await eventually(
      async () => (await chatMessages(ben).getByRole('listitem').last().innerText()).includes('One more thing'),
      true,
      'the live message at the end',
    );
    await button(ben, 'Show earlier messages').click();
    const first = chatMessage(ben, 'Hi Ben, got two minutes?');
    await first.waitFor();
    await thumbsUp(first).waitFor();
    await chatMessage(ben, 'Sure, what is up?').waitFor();
    assert.equal(await button(ben, 'Show earlier messages').count(), 0, 'the start of the chat');
    assert.equal(await chatMessages(ben).getByRole('listitem').count(), 43);

    // Mia is not one of the two: the chat does not exist for her.
    const denied = await mia.goto(url);
    assert.equal(denied?.status(), 404);
    assert.equal(await mia.getByText('Hi Ben').count(), 0);
    assert.deepEqual(w.notificationsOf(w.mia), []);
  },
);

test(
  'team chat: a manager creates it; messages, a deletion and a mention reach the members’ tabs live',
  { skip: noChromium },
  async (t) => {
    const w = await world(t);
    const [mia, ana, ben] = await Promise.all([
      w.open(w.mia, '/chats'),
      w.open(w.ana, '/chats'),
      w.open(w.ben, '/chats'),
    ]);
    const dialogs: string[] = [];
    ana.on('dialog', (d) => void (dialogs.push(d.message()), d.accept()));

    // Mia creates "Ops" with Ana and Ben.
    await mia.getByText('New team chat', { exact: true }).click();
    await mia.getByRole('textbox', { name: 'Name', exact: true }).fill('Ops');
    const members = mia.getByRole('group', { name: 'Members', exact: true });
    await members.getByRole('checkbox', { name: 'Ana Alvarez', exact: true }).check();
    await members.getByRole('checkbox', { name: 'Ben Baker', exact: true }).check();
    const chatId = await toChat(mia, () => button(mia, 'Create team chat').click());
    assert.equal(await mia.getByRole('heading', { level: 1 }).textContent(), 'Ops');
    assert.match(await mia.getByText(/^Members: /).innerText(), /Ana Alvarez/);

    // Ana and Ben see it in their lists without reloading, and open it.
    const open = async (page: Page) => {
      const row = myChats(page).filter({ hasText: 'Ops' });
      await row.waitFor();
      assert.match(await row.innerText(), /Team chat/);
      assert.equal(await toChat(page, () => row.getByRole('link').click()), chatId);
    };
    await Promise.all([open(ana), open(ben)]);

    // A message from each reaches the other two.
    const all = { mia, ana, ben };
    const exchange: [keyof typeof all, string][] = [
      ['mia', 'Morning, team'],
      ['ana', 'I can take the **late** shift'],
      ['ben', 'I have the early one'],
    ];
    for (const [who, text] of exchange) {
      await send(all[who], text);
      const shown = text.replace(/\*\*/g, '');
      await Promise.all(Object.values(all).map((page) => chatMessage(page, shown).waitFor()));
    }
    assert.equal(
      await chatMessage(ben, 'I can take the late shift')
        .getByText('late', { exact: true })
        .evaluate((el) => el.tagName),
      'STRONG',
    );
    assert.match(
      await chatMessage(mia, 'I can take the late shift').innerText(),
      /Ana Alvarez/,
      'shown with its author',
    );

    // Ana deletes hers (after confirming); the others see it go, live.
    await button(chatMessage(ana, 'I can take the late shift'), 'Delete').click();
    for (const page of [mia, ben, ana]) {
      const gone = chatMessage(page, 'This message was deleted.');
      await gone.waitFor();
      assert.match(await gone.innerText(), /Ana Alvarez/);
      assert.equal(await chatMessage(page, 'late shift').count(), 0, 'its text is gone');
    }
    assert.deepEqual(dialogs, ['Delete this message?']);
    assert.equal(await chatMessages(ben).getByRole('listitem').count(), 3, 'still in its place');

    // Mia mentions Ben: Ben's tab shows a toast that says who and where, linking to the chat; Ana gets none.
    await send(mia, '@Ben can you take Friday?');
    await chatMessage(ana, '@Ben can you take Friday?').waitFor();
    const toast = toasts(ben).filter({ hasText: 'Mia Manager mentioned you in Ops' });
    await toast.waitFor();
    assert.equal(
      await toast.getByRole('link', { name: 'Mia Manager mentioned you in Ops', exact: true }).getAttribute('href'),
      `/chats/${chatId}`,
    );
    assert.match(await toast.innerText(), /@Ben can you take Friday\?/, 'with what was said');
    assert.deepEqual(w.notificationsOf(w.ana), [], 'only the named hear of a team message');
    assert.equal(await toasts(ana).count(), 0);
    assert.deepEqual(
      w.notificationsOf(w.ben).map((n) => [n.kind, n.chatId]),
      [['mention', chatId]],
    );
  },
);

test(
  'private note: on the team’s timelines live, never sent; "@Ben Baker" shows Ben a toast that links to the conversation',
  { skip: noChromium },
  async (t) => {
    const w = await world(t);
    const conversationId = w.receive(QUESTION);
    const path = `/conversations/${conversationId}`;
    const [ben, mia, ana] = await Promise.all([w.open(w.ben, path), w.open(w.mia, path), w.open(w.ana, path)]);
    await timeline(ben).getByRole('listitem').filter({ hasText: QUESTION }).waitFor();
    const messagesBefore = w.messageRows();

    // Ana switches the composer to Note and writes it.
    await button(ana, 'Note').click();
    const noteBox = ana.getByRole('textbox', { name: 'Private note', exact: true });
    await noteBox.fill('@Ben Baker please call her back');
    await button(ana, 'Add note').click();

    // On every teammate's timeline, live, marked as a private note by Ana.
    for (const page of [ana, ben, mia]) {
      const note = timeline(page).getByRole('listitem').filter({ hasText: 'please call her back' });
      await note.waitFor();
      assert.match(await plain(note), /^Private note · Ana Alvarez · /);
    }
    await eventually(
      () => ana.getByRole('textbox', { name: 'Private note', exact: true }).inputValue(),
      '',
      'the note form is emptied',
    );

    // Ben, who is mentioned, gets a toast in his open tab linking to the conversation.
    const toast = toasts(ben).filter({ hasText: /Ana Alvarez mentioned you in a note on / });
    await toast.waitFor();
    await toast.hover(); // a toast stays while the pointer is on it
    const link = toast.getByRole('link', { name: /^Ana Alvarez mentioned you in a note on / });
    assert.equal(await link.getAttribute('href'), path);
    assert.match(await toast.innerText(), /@Ben Baker please call her back/);
    assert.deepEqual(
      w.notificationsOf(w.ben).map((n) => [n.kind, n.conversationId]),
      [['mention', conversationId]],
    );

    // Mia, not mentioned, gets none (the note reached her tab, so a toast would have too); Ana neither.
    assert.deepEqual(w.notificationsOf(w.mia), []);
    assert.equal(await toasts(mia).count(), 0);
    assert.equal(await toasts(ana).count(), 0, 'nobody is told of their own note');

    // Nothing for the customer: no message row, nothing outbound, nothing on the timeline that looks sent.
    assert.equal(w.messageRows(), messagesBefore, 'a note is not a message');
    assert.equal(w.outbound(), 0, 'no outbound message row');
    assert.equal(
      await timeline(ana)
        .getByRole('img', { name: /^(Queued|Sent|Failed)$/ })
        .count(),
      0,
      'no outgoing message shown',
    );

    // The toast's link leads to the conversation.
    await link.click();
    await ben.waitForURL((u) => u.pathname === path);
    await timeline(ben).getByRole('listitem').filter({ hasText: 'please call her back' }).waitFor();
  },
);
