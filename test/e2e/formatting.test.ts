/**
 * The reply composer's formatting: the "Formatting" toolbar and the shortcuts write Markdown into the textbox,
 * the timeline shows it formatted (also live, to a second user), the counter counts the plain text, and the
 * SMS that reaches the (sandbox) SMSC is plain text.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { SANDBOX } from '../../src/config/sandbox.ts';
import { decodeShortMessage } from '../../src/channels/smpp/encoding.ts';
import { setMembers } from '../../src/domain/inboxes/service.ts';
import { toPlainText } from '../../src/formatting/markdown.ts';
import { buildConversation, buildNumber, buildUser, findNumber, SETUP, type ShopNumber } from '../factories.ts';
import {
  browserFor,
  conversationPageFor,
  dialogsOf,
  noChromium,
  sandboxServerFor,
  serverFor,
  until,
  type Server,
} from './browser.ts';

const CUSTOMER = '+15557654321';
const QUESTION = 'When are you open?';

/** Two agents of the inbox that owns `shop`, and a conversation with CUSTOMER in it; `open` shows it to one. */
async function setUp(t: TestContext, s: Server, shop: ShopNumber) {
  const browser = await browserFor(t);
  const writer = await buildUser(s, { name: 'Wanda Writer' });
  const watcher = await buildUser(s, { name: 'Walter Watcher' });
  setMembers(s.app.domain, SETUP, shop.inboxId, [writer.id, watcher.id]);
  const conversationId = buildConversation(s, { number: shop, from: CUSTOMER, texts: [QUESTION] }).id;
  const open = (user: { email: string }) =>
    conversationPageFor(t, browser, s.baseURL, user.email, conversationId, QUESTION);
  return { writer, watcher, conversationId, open };
}

const composer = (page: Page): Locator => page.getByRole('textbox', { name: 'Reply by text message' });
const toolbarButton = (page: Page, name: string): Locator =>
  page.getByRole('toolbar', { name: 'Formatting' }).getByRole('button', { name, exact: true });
const selection = (box: Locator) =>
  box.evaluate((el: HTMLTextAreaElement) => ({
    value: el.value,
    selected: el.value.slice(el.selectionStart, el.selectionEnd),
    start: el.selectionStart,
    end: el.selectionEnd,
  }));
async function pressTimes(page: Page, key: string, times: number): Promise<void> {
  for (let i = 0; i < times; i++) await page.keyboard.press(key);
}
/** The counter under the composer, for a plain text of `length` GSM characters in one SMS. */
const counter = (page: Page, length: number): Locator =>
  page.getByText(`${160 - length} characters left · 1 SMS`, { exact: true });

test(
  'browser: formatting a reply with the toolbar and shortcuts; shown formatted (also live), sent as plain SMS',
  { skip: noChromium },
  async (t) => {
    const s = await sandboxServerFor(t);
    const simulator = s.messaging.sandbox!;
    const { writer, watcher, conversationId, open } = await setUp(t, s, findNumber(s, SANDBOX.number));
    const page = await open(writer);
    const other = await open(watcher);
    const dialogs = dialogsOf([page, other]);

    const box = composer(page);
    await page.getByRole('toolbar', { name: 'Formatting' }).waitFor();

    // Bold without a selection: **** with the cursor in the middle; what is typed lands between the markers.
    await box.click();
    await toolbarButton(page, 'Bold').click();
    assert.deepEqual(await selection(box), { value: '****', selected: '', start: 2, end: 2 });
    await page.keyboard.type('hi');
    assert.equal(await box.inputValue(), '**hi**');
    await page.getByText('158 characters left · 1 SMS', { exact: true }).waitFor(); // the plain "hi": 2 characters
    await box.fill('');

    // Select a word, Bold from the toolbar.
    await box.click();
    await page.keyboard.type('Open today');
    await page.keyboard.press('Home');
    await pressTimes(page, 'Shift+ArrowRight', 4);
    assert.equal((await selection(box)).selected, 'Open');
    await toolbarButton(page, 'Bold').click();
    assert.equal(await box.inputValue(), '**Open** today');

    // Select a word, Ctrl+I.
    await page.keyboard.press('End');
    await pressTimes(page, 'Shift+ArrowLeft', 5);
    assert.equal((await selection(box)).selected, 'today');
    await page.keyboard.press('Control+i');
    assert.equal(await box.inputValue(), '**Open** _today_');

    // Link from the toolbar: "https://" is selected, and the URL typed replaces it.
    await page.keyboard.press('End');
    await page.keyboard.type(' see hours');
    await pressTimes(page, 'Shift+ArrowLeft', 5);
    assert.equal((await selection(box)).selected, 'hours');
    await toolbarButton(page, 'Link').click();
    assert.deepEqual(await selection(box), {
      value: '**Open** _today_ see [hours](https://)',
      selected: 'https://',
      start: '**Open** _today_ see [hours]('.length,
      end: '**Open** _today_ see [hours](https://'.length,
    });
    await page.keyboard.type('https://example.com/hours');
    assert.equal(await box.inputValue(), '**Open** _today_ see [hours](https://example.com/hours)');

    // Two lines, selected, made a bulleted list from the toolbar.
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('walk in');
    await page.keyboard.press('Enter');
    await page.keyboard.type('or call');
    await page.keyboard.press('Shift+ArrowUp');
    await page.keyboard.press('Shift+Home');
    assert.equal((await selection(box)).selected, 'walk in\nor call');
    await toolbarButton(page, 'Bulleted list').click();
    const markdown = '**Open** _today_ see [hours](https://example.com/hours)\n- walk in\n- or call';
    const plain = 'Open today see hours (https://example.com/hours)\n- walk in\n- or call';
    assert.equal(await box.inputValue(), markdown);
    assert.equal(toPlainText(markdown), plain);

    // The counter counts the plain text, not the markers.
    await counter(page, plain.length).waitFor();
    assert.equal(await counter(page, markdown.length).count(), 0);

    // Ctrl+Enter sends.
    await box.focus();
    await page.keyboard.press('Control+Enter');
    const sent = (p: Page) =>
      p
        .getByRole('list', { name: 'Messages and events' })
        .getByRole('listitem')
        .filter({ has: p.getByRole('link', { name: 'hours' }) });
    await sent(page).waitFor();
    assert.equal(await sent(page).count(), 1);
    await until(async () => (await composer(page).inputValue()) === '', 'the composer is cleared');

    // Stored as Markdown.
    const stored = s.sqlite
      .prepare(`SELECT body FROM messages WHERE conversation_id = ? AND direction = 'out'`)
      .pluck()
      .all(conversationId);
    assert.deepEqual(stored, [markdown]);

    // Shown formatted, on the writer's page and, pushed live, on the watcher's.
    for (const p of [page, other]) {
      const item = sent(p);
      await item.waitFor();
      assert.equal(await item.getByText('Open', { exact: true }).evaluate((el) => el.tagName), 'STRONG');
      assert.equal(await item.getByText('today', { exact: true }).evaluate((el) => el.tagName), 'EM');
      const link = item.getByRole('link', { name: 'hours' });
      assert.equal(await link.getAttribute('href'), 'https://example.com/hours');
      const bullets = item.getByRole('list').getByRole('listitem');
      assert.deepEqual(await bullets.allTextContents(), ['walk in', 'or call']);
      const html = await item.evaluate((el) => el.innerHTML);
      assert.match(
        html,
        /<strong>Open<\/strong> <em>today<\/em> see <a href="https:\/\/example\.com\/hours"[^>]*>hours<\/a>/,
      );
      assert.match(html, /<ul><li>walk in<\/li><li>or call<\/li><\/ul>/);
      assert.doesNotMatch(html, /\*\*|_today_|\[hours\]/, 'no Markdown markers are shown');
    }

    // The SMS that reaches the SMSC is plain text.
    const toCustomer = () => simulator.received.filter((m) => m.destAddr === CUSTOMER.slice(1));
    await until(() => toCustomer().length > 0, 'the reply at the SMSC');
    assert.deepEqual(
      toCustomer().map((m) => decodeShortMessage(m).text),
      [plain],
    );
    assert.deepEqual(dialogs, []);
  },
);

test('browser: the other shortcuts and buttons of the Formatting toolbar', { skip: noChromium }, async (t) => {
  const s = await serverFor(t);
  const { writer, open } = await setUp(t, s, buildNumber(s, { inbox: 'Support' }));
  const page = await open(writer);
  const box = composer(page);

  const toolbar = page.getByRole('toolbar', { name: 'Formatting' });
  // Icon buttons, each named (and titled) by what it does.
  const names = toolbar.getByRole('button').evaluateAll((all) => all.map((b) => b.getAttribute('aria-label')));
  assert.deepEqual(await names, ['Bold', 'Italic', 'Strikethrough', 'Bulleted list', 'Numbered list', 'Link']);

  /** Types `text`, selects its last `select` characters, applies `action`, returns the value and selection. */
  const apply = async (text: string, select: number, action: () => Promise<void>) => {
    await box.fill('');
    await box.click();
    await page.keyboard.type(text);
    await pressTimes(page, 'Shift+ArrowLeft', select);
    await action();
    return selection(box);
  };
  const key = (k: string) => () => page.keyboard.press(k);
  const button = (name: string) => () => toolbarButton(page, name).click();

  assert.equal((await apply('a b', 1, key('Control+b'))).value, 'a **b**');
  assert.deepEqual(await apply('a ', 0, key('Control+b')), { value: 'a ****', selected: '', start: 4, end: 4 });
  assert.equal((await apply('a b', 1, button('Italic'))).value, 'a _b_');
  assert.equal((await apply('a b', 1, button('Strikethrough'))).value, 'a ~~b~~');
  assert.equal((await apply('a b', 1, key('Control+Shift+X'))).value, 'a ~~b~~');
  assert.deepEqual(await apply('a b', 1, key('Control+k')), {
    value: 'a [b](https://)',
    selected: 'https://',
    start: 6,
    end: 14,
  });
  // Lists: the current line without a selection, every selected line with one.
  assert.equal((await apply('one', 0, key('Control+Shift+8'))).value, '- one');
  assert.equal((await apply('one\ntwo', 5, button('Numbered list'))).value, '1. one\n2. two');
  assert.equal((await apply('one\ntwo', 5, key('Control+Shift+7'))).value, '1. one\n2. two');
  assert.equal((await apply('intro\none\ntwo', 3, button('Bulleted list'))).value, 'intro\none\n- two');
});

test(
  'browser: HTML and javascript: links typed into the composer show as text and run nothing',
  { skip: noChromium },
  async (t) => {
    const s = await serverFor(t);
    const { writer, watcher, open } = await setUp(t, s, buildNumber(s, { inbox: 'Support' }));
    const page = await open(writer);
    const other = await open(watcher);
    const dialogs = dialogsOf([page, other]);

    const attack = '<img src=x onerror=alert(1)> **[x](javascript:alert(1))**';
    await composer(page).fill(attack);
    await composer(page).press('Control+Enter');
    const storedBody = () =>
      s.sqlite.prepare(`SELECT body FROM messages WHERE direction = 'out'`).pluck().get() as string | undefined;
    await until(() => storedBody() !== undefined, 'the reply stored');
    assert.equal(storedBody(), attack, 'stored as typed');
    assert.equal(
      toPlainText(attack),
      '<img src=x onerror=alert(1)> [x](javascript:alert(1))',
      'the SMS gets it as typed, without the bold markers',
    );

    for (const p of [page, other]) {
      const item = p
        .getByRole('list', { name: 'Messages and events' })
        .getByRole('listitem')
        .filter({ hasText: 'onerror' });
      await item.waitFor();
      await item.getByText('<img src=x onerror=alert(1)>').waitFor();
      assert.equal(
        await item.getByText('[x](javascript:alert(1))', { exact: true }).evaluate((el) => el.tagName),
        'STRONG',
      );
      assert.equal(await item.getByRole('link').count(), 0, 'no link to javascript:');
      // The only image is the message's status tick (an icon named by its status), none from the text.
      assert.deepEqual(
        await item.getByRole('img').evaluateAll((els) => els.map((el) => el.classList.contains('status'))),
        [true],
      );
      const found = await item.evaluate((el) => ({
        imgs: el.querySelectorAll('img').length,
        handlers: el.querySelectorAll('[onerror]').length,
      }));
      assert.deepEqual(found, { imgs: 0, handlers: 0 });
    }
    // Give an (unexpected) onerror a chance to fire before concluding: a round trip through each page.
    for (const p of [page, other])
      await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50))));
    assert.deepEqual(dialogs, []);
  },
);
