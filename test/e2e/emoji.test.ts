/**
 * Emoji in Chromium: reactions on a message (picked from "React to this message", added and taken back with the
 * reaction's own toggle button), pushed live to a teammate on the same conversation and never texted to the
 * customer; and the composer's "Emoji" picker, which puts the emoji at the cursor and lists the ones used lately first.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { buildConversation, buildInbox, buildUser, type User } from '../factories.ts';
import {
  browserFor,
  conversationPageFor,
  dialogsOf,
  eventually,
  noChromium,
  serverFor,
  until,
  waitForLiveOpens,
} from './browser.ts';

const QUESTION = 'Where is my order?';

/** Emoji may carry U+FE0F variation selectors (👍 or 👍️): compare without them. */
const bare = (text: string): string => text.replace(/\uFE0F/g, '');
/** A regex source for an emoji that allows a variation selector after each of its characters. */
const loose = (emoji: string): string => [...bare(emoji)].map((c) => `${c}\\uFE0F?`).join('');

/**
 * One server and one browser for one test: Ana and Ben, agents of Support, and a conversation in which the customer
 * asked QUESTION.
 */
async function world(t: TestContext) {
  const browser = await browserFor(t);
  const s = await serverFor(t, { contacts: { default_country: 'US' } });
  const [ana, ben] = await Promise.all([buildUser(s, { name: 'Ana Alvarez' }), buildUser(s, { name: 'Ben Baker' })]);
  const support = buildInbox(s, { name: 'Support', members: [ana, ben] });
  const conversationId = buildConversation(s, { inbox: support, texts: [QUESTION] }).id;

  return {
    s,
    ana,
    ben,
    conversationId,
    /** A fresh browser profile signed in as `user`, on the conversation, live. */
    open: (user: User) => conversationPageFor(t, browser, s.baseURL, user.email, conversationId, QUESTION),
    outbound: () => s.sqlite.prepare(`SELECT count(*) FROM messages WHERE direction = 'out'`).pluck().get() as number,
    reactionRows: () =>
      s.sqlite.prepare('SELECT user_id, emoji FROM message_reactions ORDER BY user_id').all() as {
        user_id: number;
        emoji: string;
      }[],
    recentOf: (user: User) =>
      (
        s.sqlite
          .prepare('SELECT emoji FROM recent_emoji WHERE user_id = ? ORDER BY used_at DESC')
          .pluck()
          .all(user.id) as string[]
      ).map(bare),
  };
}

const button = (scope: Page | Locator, name: string | RegExp) =>
  scope.getByRole('button', typeof name === 'string' ? { name, exact: true } : { name });
const composer = (page: Page) => page.getByRole('textbox', { name: 'Reply by text message', exact: true });
const timeline = (page: Page) => page.getByRole('list', { name: 'Messages and events' });
const customerMessage = (page: Page) => timeline(page).getByRole('listitem').filter({ hasText: QUESTION });
/** A details element (role group) by its summary's text, or its name when the summary is an icon ("Emoji"). */
const disclosure = (scope: Page | Locator, summary: string) => {
  const page = 'page' in scope ? scope.page() : scope; // `has` is matched inside each group: it must start from the page
  return scope.getByRole('group').filter({ has: summaryOf(page, summary) });
};
const summaryOf = (scope: Page | Locator, summary: string) =>
  scope.getByText(summary, { exact: true }).or(scope.getByLabel(summary, { exact: true }));
const emojiSearch = (scope: Page | Locator) => scope.getByRole('searchbox', { name: 'Find an emoji', exact: true });
/** The toggle buttons of the reactions under a message ("👍 2: Ana Alvarez, Ben Baker"), by emoji. */
const reactionButton = (item: Locator, emoji: string) =>
  item.getByRole('button', { name: new RegExp(`^${loose(emoji)} \\d+: `) });
/** The composer picker's results, as the emoji they insert (variation selectors dropped). */
const insertedEmoji = (page: Page) =>
  disclosure(page, 'Emoji')
    .getByRole('button', { name: /^Insert / })
    .allTextContents()
    .then((all) => all.map((e) => bare(e.trim())));

/** What a page shows of the 👍 reaction under the customer's message: its accessible name and aria-pressed; null when absent. */
async function thumbs(page: Page): Promise<{ name: string; pressed: string | null } | null> {
  // Read in one go: a live push may replace the message between two separate reads.
  const seen = await reactionButton(customerMessage(page), '👍').evaluateAll((els) =>
    els.map((el) => ({
      name: el.getAttribute('aria-label') ?? el.textContent ?? '',
      pressed: el.getAttribute('aria-pressed'),
    })),
  );
  if (seen.length === 0) return null;
  assert.equal(seen.length, 1, 'one 👍 reaction button');
  return { name: bare(seen[0]!.name), pressed: seen[0]!.pressed };
}

/** Opens the "React to this message" picker under `item`, searches it and reacts with `name`. */
async function reactWith(item: Locator, query: string, name: string): Promise<void> {
  const picker = disclosure(item, 'React');
  if ((await picker.getAttribute('open')) === null) await picker.getByText('React', { exact: true }).click();
  await emojiSearch(picker).fill(query);
  await button(picker, `React with ${name}`).click();
}

/** Opens the composer's "Emoji" picker (when closed) and searches it. */
async function openComposerPicker(page: Page, query: string): Promise<Locator> {
  const picker = disclosure(page, 'Emoji');
  if ((await picker.getAttribute('open')) === null) await summaryOf(picker, 'Emoji').click();
  await emojiSearch(picker).fill(query);
  return picker;
}

test(
  'reactions: given from the picker, shown live to a teammate, added and taken back with the toggle; never texted',
  { skip: noChromium },
  async (t) => {
    const w = await world(t);
    const [ana, ben] = await Promise.all([w.open(w.ana), w.open(w.ben)]);
    const dialogs = dialogsOf([ana, ben]);

    await t.test('every message has its own "React to this message" picker, labelled', async () => {
      const item = customerMessage(ana);
      const picker = disclosure(item, 'React');
      assert.equal(await picker.count(), 1);
      assert.equal(
        await picker.getByText('React', { exact: true }).getAttribute('aria-label'),
        'React to this message',
      );
      assert.equal(await picker.getAttribute('open'), null, 'closed at first');
      assert.equal(await thumbs(ana), null, 'no reactions yet');
    });

    // Ana reacts with 👍 through the picker, found by its name.
    await reactWith(customerMessage(ana), 'thumbs up', 'thumbs up');
    const one = { name: '👍 1: Ana Alvarez' };
    await eventually(() => thumbs(ana), { ...one, pressed: 'true' }, 'Ana sees her reaction, pressed');
    // Ben sees it arrive over the live socket, without reloading: not his, so not pressed.
    await eventually(() => thumbs(ben), { ...one, pressed: 'false' }, 'Ben sees Ana’s reaction live');
    assert.deepEqual(
      w.reactionRows().map((r) => [r.user_id, bare(r.emoji)]),
      [[w.ana.id, '👍']],
    );

    // Ben adds the same reaction by clicking it.
    await reactionButton(customerMessage(ben), '👍').click();
    const two = { name: '👍 2: Ana Alvarez, Ben Baker' };
    await eventually(() => thumbs(ben), { ...two, pressed: 'true' }, 'Ben’s view: his reaction too, pressed');
    await eventually(() => thumbs(ana), { ...two, pressed: 'true' }, 'Ana’s view: still pressed (hers is in it)');
    assert.equal(await customerMessage(ana).getByRole('button', { name: /: / }).count(), 1, 'one grouped 👍, not two');

    // Ana takes hers back by clicking her (pressed) reaction.
    await reactionButton(customerMessage(ana), '👍').click();
    const ben1 = { name: '👍 1: Ben Baker' };
    await eventually(
      () => thumbs(ana),
      { ...ben1, pressed: 'false' },
      'Ana’s view: only Ben’s is left, not pressed for her',
    );
    await eventually(() => thumbs(ben), { ...ben1, pressed: 'true' }, 'Ben’s view: his own, pressed');
    assert.deepEqual(
      w.reactionRows().map((r) => [r.user_id, bare(r.emoji)]),
      [[w.ben.id, '👍']],
    );

    // Ben takes his back too: the reaction is gone for both.
    await reactionButton(customerMessage(ben), '👍').click();
    await eventually(() => thumbs(ben), null, 'gone for Ben');
    await eventually(() => thumbs(ana), null, 'gone for Ana');

    // Reactions stay inside the team: no outbound text was created, the timeline holds only the customer's message.
    assert.equal(w.outbound(), 0, 'no outbound message row');
    assert.equal(await timeline(ana).getByRole('listitem').filter({ hasText: QUESTION }).count(), 1);
    assert.equal(
      await timeline(ana)
        .getByRole('img', { name: /^(Queued|Sent|Failed)$/ })
        .count(),
      0,
      'no outgoing message shown',
    );
    assert.deepEqual(dialogs, []);
  },
);

test(
  'composer: the "Emoji" picker inserts at the cursor and lists recently used emoji first',
  { skip: noChromium },
  async (t) => {
    const w = await world(t);
    const ana = await w.open(w.ana);
    const box = composer(ana);

    // Before anything was picked, an empty search lists the catalogue (no 🎉 at the top).
    const picker = await openComposerPicker(ana, '');
    await emojiSearch(picker).focus(); // results load on focus
    await button(picker, /^Insert /)
      .first()
      .waitFor();
    const before = await insertedEmoji(ana);
    assert.notEqual(before[0], '🎉', 'nothing used yet');

    // "Hello " typed, then 🎉 found by its name and inserted where the cursor is.
    await box.click();
    await box.pressSequentially('Hello ');
    await openComposerPicker(ana, 'party popper');
    await button(picker, 'Insert party popper').click();
    await eventually(async () => bare(await box.inputValue()), 'Hello 🎉', 'the draft');
    assert.ok(await box.evaluate((el) => el === document.activeElement), 'the reply textbox has the focus again');
    assert.ok(
      await box.evaluate((el) => {
        const ta = el as HTMLTextAreaElement;
        return ta.selectionStart === ta.value.length && ta.selectionEnd === ta.value.length;
      }),
      'the cursor is after the emoji',
    );
    // The counter saw the change (an emoji makes it a Unicode SMS).
    await ana.getByText(/characters left · 1 SMS \(emoji/).waitFor();

    // At the cursor, not at the end: with the caret before "!" the emoji goes there.
    await box.fill('Hi !');
    await box.press('End');
    await box.press('ArrowLeft');
    await openComposerPicker(ana, 'party');
    await button(picker, 'Insert party popper').click();
    await eventually(async () => bare(await box.inputValue()), 'Hi 🎉!', 'inserted at the cursor');

    // The pick is remembered; with an empty search, the recently used come first.
    await until(() => w.recentOf(w.ana)[0] === '🎉', '🎉 remembered as Ana’s latest emoji');
    await summaryOf(picker, 'Emoji').click(); // close
    assert.equal(await picker.getAttribute('open'), null);
    await openComposerPicker(ana, '');
    await eventually(async () => (await insertedEmoji(ana))[0], '🎉', 'the picker, empty search: 🎉 first');
    assert.equal((await insertedEmoji(ana)).filter((e) => e === '🎉').length, 1, 'listed once');

    // Still so in a fresh page: focusing the empty search loads the recent ones first.
    await ana.reload();
    await waitForLiveOpens(ana);
    const again = await openComposerPicker(ana, '');
    await emojiSearch(again).focus();
    await eventually(async () => (await insertedEmoji(ana))[0], '🎉', 'after a reload: 🎉 first');

    // Nothing was sent.
    assert.equal(w.outbound(), 0, 'no outbound message row');
  },
);
