/**
 * Surveys in the browser: a manager defines one, an agent texts it from a conversation (through the sandbox SMSC),
 * the customer answers it on a phone-sized page without signing in, the answer shows up live on the agent's
 * timeline, and the manager's report (counts, average, NPS, chart, escaped free text, CSV) reflects it.
 * A one-question rating survey answered by texting a number back shows up live too.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test, type TestContext } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { SANDBOX } from '../../src/config/sandbox.ts';
import { decodeShortMessage } from '../../src/channels/smpp/encoding.ts';
import { setMembers } from '../../src/domain/inboxes/service.ts';
import { createSurvey } from '../../src/domain/surveys/definitions.ts';
import {
  buildConversation,
  buildNumber,
  buildUser,
  findNumber,
  receiveText,
  SETUP,
  type ShopNumber,
} from '../factories.ts';
import {
  browserFor,
  conversationPageFor,
  dialogsOf,
  noChromium,
  pageFor,
  sandboxServerFor,
  serverFor,
  signIn,
  until,
  type Server,
} from './browser.ts';

const CUSTOMER = '+15557654321';
const QUESTION = 'When are you open?';
const FREE_TEXT = 'Great <b>tags</b>, thanks';

/** A manager and an agent in the inbox that owns `shop`, and a conversation with CUSTOMER in it; `open` shows it to one. */
async function setUp(t: TestContext, s: Server, shop: ShopNumber) {
  const browser = await browserFor(t);
  const manager = await buildUser(s, { role: 'manager', name: 'Mia Manager' });
  const agent = await buildUser(s, { name: 'Ana Agent' });
  setMembers(s.app.domain, SETUP, shop.inboxId, [manager.id, agent.id]);
  const conversationId = buildConversation(s, { number: shop, from: CUSTOMER, texts: [QUESTION] }).id;
  const open = (user: { email: string }) =>
    conversationPageFor(t, browser, s.baseURL, user.email, conversationId, QUESTION);
  return { browser, manager, agent, conversationId, open };
}

const timeline = (page: Page): Locator => page.getByRole('list', { name: 'Messages and events' });
const timelineItem = (page: Page, text: string): Locator =>
  timeline(page).getByRole('listitem').filter({ hasText: text });

/** Picks `title` in the composer's survey select and sends it. */
async function sendSurvey(page: Page, title: string): Promise<void> {
  await page.getByRole('combobox', { name: 'Survey', exact: true }).selectOption({ label: title });
  await page.getByRole('button', { name: 'Send survey' }).click();
  await page.getByRole('status').filter({ hasText: 'Survey sent.' }).waitFor();
}

const fitsWidth = (page: Page) =>
  page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));

test(
  'browser: a survey defined by a manager, texted by an agent, answered on a phone, shown live and in the report',
  { skip: noChromium },
  async (t) => {
    const s = await sandboxServerFor(t);
    const simulator = s.messaging.sandbox!;
    const { browser, manager, agent, open } = await setUp(t, s, findNumber(s, SANDBOX.number));

    // --- The manager defines a four-question survey through the form.
    const m = await pageFor(t, browser, s.baseURL);
    const dialogs = dialogsOf([m]);
    await signIn(m, manager.email);
    await m.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Surveys', exact: true }).click();
    await m.waitForURL((url) => url.pathname === '/surveys');
    const form = m.getByRole('region', { name: 'New survey' });
    await form.getByRole('textbox', { name: 'Title', exact: true }).fill('After-visit');
    const invitation = form.getByRole('textbox', { name: 'Text message with the link ({link} marks where it goes)' });
    assert.equal(await invitation.inputValue(), 'How did we do? Tell us in one minute: {link}', 'prefilled');
    const questions: [string, string, string?][] = [
      ['How was your visit?', 'Rating 1 to 5'],
      ['Would you recommend us?', 'Recommendation score 0 to 10'],
      ['What brought you in?', 'Multiple choice', 'Repair\nPurchase\nJust browsing'],
      ['Anything else?', 'Free text'],
    ];
    for (const [i, [prompt, kind, choices]] of questions.entries()) {
      const n = i + 1;
      const group = form.getByRole('group', { name: `Question ${n} (leave empty to skip)` });
      await group.getByRole('textbox', { name: `Question ${n}`, exact: true }).fill(prompt);
      await group.getByRole('combobox', { name: `Kind of answer ${n}` }).selectOption({ label: kind });
      if (choices)
        await group
          .getByRole('textbox', { name: `Choices for question ${n} (multiple choice: one per line)` })
          .fill(choices);
    }
    assert.equal(
      await form
        .getByRole('group', { name: 'Question 5 (leave empty to skip)' })
        .getByRole('textbox', { name: 'Question 5', exact: true })
        .inputValue(),
      '',
    );
    await form.getByRole('button', { name: 'Create survey' }).click();
    await m.waitForURL((url) => /^\/surveys\/\d+$/.test(url.pathname));
    const reportPath = new URL(m.url()).pathname;
    await m.getByRole('heading', { level: 1, name: 'After-visit' }).waitFor();
    await m.getByText('Sent 0 · answered 0 · response rate –', { exact: true }).waitFor();

    // --- The agent, conversation open and live socket up, sends it.
    const a = await open(agent);
    dialogsOf([a], dialogs);
    await sendSurvey(a, 'After-visit');
    await timelineItem(a, 'Ana Agent sent the survey After-visit').waitFor();

    // --- What reached the customer's phone (the sandbox SMSC): the invitation with the link on this host.
    const toCustomer = () => simulator.received.filter((msg) => msg.destAddr === CUSTOMER.slice(1));
    await until(() => toCustomer().length > 0, 'the survey text at the SMSC');
    const texts = toCustomer().map((msg) => decodeShortMessage(msg).text);
    assert.equal(texts.length, 1);
    const match = /^How did we do\? Tell us in one minute: (\S+)$/.exec(texts[0]!);
    assert.ok(match, `the text: ${texts[0]}`);
    const link = match[1]!;
    assert.match(link, new RegExp(`^${s.baseURL.replace(/\./g, '\\.')}/s/[\\w-]{20,}$`));
    // The sent text is on the agent's timeline too.
    await timelineItem(a, 'Tell us in one minute').waitFor();

    // --- The customer answers on a phone, without signing in.
    const phone = await pageFor(t, browser, s.baseURL, { viewport: { width: 360, height: 740 } });
    dialogsOf([phone], dialogs);
    await phone.goto(link);
    await phone.getByRole('heading', { level: 1, name: 'After-visit' }).waitFor();
    assert.equal(new URL(phone.url()).pathname, new URL(link).pathname, 'no redirect to the login page');
    assert.equal(await phone.getByRole('navigation').count(), 0, 'no app around the survey');
    const rating = phone.getByRole('group', { name: 'How was your visit?' });
    const nps = phone.getByRole('group', { name: 'Would you recommend us?' });
    const choice = phone.getByRole('group', { name: 'What brought you in?' });
    assert.deepEqual(
      await rating
        .getByRole('radio')
        .evaluateAll((els) => els.map((e) => (e as HTMLInputElement).labels?.[0]?.textContent?.trim())),
      ['1', '2', '3', '4', '5'],
    );
    assert.equal(await nps.getByRole('radio').count(), 11);
    assert.equal(await choice.getByRole('radio').count(), 3);
    const free = phone.getByRole('textbox', { name: 'Anything else?' });
    await free.waitFor();
    const before = await fitsWidth(phone);
    assert.ok(before.scroll <= 360, `the survey fits 360 px without sideways scrolling (scrollWidth ${before.scroll})`);

    await rating.getByRole('radio', { name: '4', exact: true }).check();
    await nps.getByRole('radio', { name: '9', exact: true }).check();
    await choice.getByRole('radio', { name: 'Repair', exact: true }).check();
    await free.fill(FREE_TEXT);
    await phone.getByRole('button', { name: 'Send answers' }).click();
    await phone.getByRole('status').filter({ hasText: 'Thank you! Your answers were sent.' }).waitFor();
    assert.equal(await phone.getByRole('button', { name: 'Send answers' }).count(), 0);
    const after = await fitsWidth(phone);
    assert.ok(after.scroll <= 360, `the thank-you page fits 360 px (scrollWidth ${after.scroll})`);

    // --- The answer arrives live on the agent's open conversation, the free text as text.
    const summary = `The customer answered the survey After-visit: 4/5 · 9/10 · Repair · “${FREE_TEXT}”`;
    const answered = timelineItem(a, 'The customer answered the survey After-visit');
    await answered.waitFor();
    const shown = (await answered.innerText()).trim();
    assert.ok(shown.startsWith(`${summary} · `), `the timeline shows: ${shown}`);
    assert.equal(await answered.evaluate((el) => el.querySelectorAll('b').length), 0, 'no <b> element from the answer');

    // --- A second visit to the link: already answered, no form.
    await phone.goto(link);
    await phone.getByRole('status').filter({ hasText: 'This survey has already been answered. Thank you!' }).waitFor();
    assert.equal(await phone.getByRole('button', { name: 'Send answers' }).count(), 0);
    assert.equal(await phone.getByRole('radio').count(), 0);

    // --- The manager's report.
    await m.goto(reportPath);
    await m.getByText('Sent 1 · answered 1 · response rate 100%', { exact: true }).waitFor();
    const section = (prompt: string) => m.getByRole('region', { name: prompt });
    const ratingReport = section('How was your visit?');
    await ratingReport.getByText(/^\s*1 answers?\s*·\s*average 4\.0\s*$/).waitFor();
    await ratingReport.getByRole('img', { name: '1: 0, 2: 0, 3: 0, 4: 1, 5: 0', exact: true }).waitFor();
    const npsReport = section('Would you recommend us?');
    await npsReport.getByText(/^\s*1 answers?\s*·\s*average 9\.0\s*·\s*NPS 100\s*$/).waitFor();
    await npsReport
      .getByRole('img', { name: '0: 0, 1: 0, 2: 0, 3: 0, 4: 0, 5: 0, 6: 0, 7: 0, 8: 0, 9: 1, 10: 0', exact: true })
      .waitFor();
    const choiceReport = section('What brought you in?');
    await choiceReport.getByRole('img', { name: 'Repair: 1, Purchase: 0, Just browsing: 0', exact: true }).waitFor();
    const textReport = section('Anything else?');
    assert.equal(await textReport.getByRole('img').count(), 0, 'no chart for free text');
    const textAnswer = textReport.getByRole('listitem').filter({ hasText: FREE_TEXT });
    await textAnswer.waitFor();
    assert.equal(
      await textAnswer.evaluate((el) => el.querySelectorAll('b').length),
      0,
      'the free text is escaped, not HTML',
    );
    await textReport.getByText(FREE_TEXT, { exact: false }).waitFor();

    // The CSV download has the answers.
    const [download] = await Promise.all([
      m.waitForEvent('download'),
      m.getByRole('link', { name: 'Download CSV' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^survey-\d+\.csv$/);
    const csv = await readFile(await download.path(), 'utf8');
    assert.match(csv, /^sent_at,answered_at,conversation,inbox,question,answer\r\n/);
    assert.match(csv, /,How was your visit\?,4\r\n/);
    assert.match(csv, /,Would you recommend us\?,9\r\n/);
    assert.match(csv, /,What brought you in\?,Repair\r\n/);
    assert.ok(csv.includes(`,Anything else?,"${FREE_TEXT}"\r\n`), `the free text in the CSV:\n${csv}`);

    // The date range: a range in the future has nothing.
    const range = m.getByRole('form', { name: 'Date range' });
    await range.getByLabel('Active from').fill('2099-01-01');
    await range.getByRole('button', { name: 'Show' }).click();
    await m.waitForURL((url) => url.searchParams.get('from') === '2099-01-01');
    await m.getByText('Sent 0 · answered 0 · response rate –', { exact: true }).waitFor();
    assert.equal(
      await m.getByRole('link', { name: 'Download CSV' }).getAttribute('href'),
      `${reportPath}/report.csv?from=2099-01-01`,
    );

    assert.deepEqual(dialogs, []);
  },
);

test(
  'browser: a one-question rating survey answered by texting "5" shows live on the timeline',
  { skip: noChromium },
  async (t) => {
    const s = await serverFor(t, {}, { publicUrl: true });
    const shop = buildNumber(s, { inbox: 'Support' });
    const { manager, agent, conversationId, open } = await setUp(t, s, shop);
    createSurvey(s.app.domain, manager.actor, {
      title: 'Quick rating',
      invitation: 'Rate us 1-5 by replying, or tap {link}',
      questions: [{ kind: 'rating', prompt: 'Rate us', options: '' }],
    });

    const a = await open(agent);
    await sendSurvey(a, 'Quick rating');
    await timelineItem(a, 'Ana Agent sent the survey Quick rating').waitFor();
    const sms = s.sqlite
      .prepare(`SELECT body FROM messages WHERE conversation_id = ? AND direction = 'out'`)
      .pluck()
      .all(conversationId) as string[];
    assert.equal(sms.length, 1);
    assert.match(
      sms[0]!,
      new RegExp(`^Rate us 1-5 by replying, or tap ${s.baseURL.replace(/\./g, '\\.')}/s/[\\w-]{20,}$`),
    );

    receiveText(s, { from: CUSTOMER, to: shop, text: '5' });
    await timelineItem(a, 'The customer answered the survey Quick rating: 5/5').waitFor();
    await timeline(a)
      .getByRole('listitem')
      .filter({ has: a.getByText('5', { exact: true }) })
      .waitFor();
    assert.equal(s.sqlite.prepare('SELECT count(*) FROM survey_answers').pluck().get(), 1);
  },
);
