/**
 * Canned replies in Chromium: the /canned page (a manager shares replies with an inbox, an agent keeps quick replies
 * of their own), and the reply composer (the picker and typed /keywords), with placeholders filled from the
 * conversation.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { createCanned } from '../../src/domain/canned/service.ts';
import { receiveText, SETUP, type User } from '../factories.ts';
import { eventually, livePageFor, noChromium, waitForLiveOpens } from './browser.ts';
import { nameContact, team, type Cast } from './team.ts';

const SHOP = '+15551230000'; // Support's number
const SALES = '+15551230001'; // Sales' number
const CUSTOMER = '+15557654321';
const STRANGER = '+15558889999';

const people = {
  mia: { role: 'manager', name: 'Mia Manager' },
  ana: { role: 'agent', name: 'Ana Alvarez' },
  ben: { role: 'agent', name: 'Ben Baker' },
} satisfies Cast<string>;
type Who = keyof typeof people;

/** Support's shared reply, and what it becomes for Ana in a conversation with Carla Customer (and with nobody named). */
const ORDER = {
  title: 'Order update',
  keyword: 'order',
  body: 'Hi {{contact.first_name}}, this is {{agent.name}} from {{inbox.name}}. Your order is on its way.',
  forCarla: 'Hi Carla, this is Ana Alvarez from Support. Your order is on its way.',
  forNobody: 'Hi, this is Ana Alvarez from Support. Your order is on its way.',
};
/** Ana's own quick reply. */
const THANKS = {
  title: 'Thanks, signed',
  keyword: 'thanks',
  body: 'Thanks {{contact.first_name}}! {{agent.first_name}}',
  forCarla: 'Thanks Carla! Ana',
};
const insertName = (r: { title: string; keyword: string }) => `Insert “${r.title}” (/${r.keyword})`;

/**
 * One server and one browser for one test: Mia manages and Ana and Ben are agents, all three in Support; Mia also
 * works in Sales.
 */
async function world<const W extends Who>(t: TestContext, who: W[]) {
  const { browser, s, users, inboxIds } = await team(t, people, who, [
    { name: 'Support', number: SHOP, members: ['mia', 'ana', 'ben'] },
    { name: 'Sales', number: SALES, members: ['mia'] },
  ]);
  const [support, sales] = inboxIds as [number, number];
  return {
    ...users,
    s,
    support,
    sales,
    /** A customer's text to Support, stored; returns its conversation's id. */
    receive: (from: string, text: string): number => receiveText(s, { from, to: SHOP, text }).conversationId,
    /** Gives the contact behind a conversation a name (keeping its number). */
    name: (conversationId: number, name: string): void => nameContact(s, conversationId, name),
    cannedCount: () => s.sqlite.prepare('SELECT count(*) FROM canned_replies').pluck().get() as number,
    /** A fresh browser profile signed in as `user`, showing `path` with its live socket open. */
    open: (user: User, path: string) => livePageFor(t, browser, s.baseURL, user.email, path),
  };
}

const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });
const button = (scope: Page | Locator, name: string) => scope.getByRole('button', { name, exact: true });
const textbox = (scope: Page | Locator, name: string) => scope.getByRole('textbox', { name, exact: true });
/** A section of /canned, by its heading. */
const section = (page: Page, heading: string) => page.getByRole('region', { name: heading, exact: true });
/** A reply listed on /canned: an article headed by its title and /keyword. */
const item = (scope: Page | Locator, r: { title: string; keyword: string }) =>
  scope.getByRole('article', { name: `${r.title} /${r.keyword}`, exact: true });
const newForm = (page: Page) => page.getByRole('form', { name: 'New canned reply', exact: true });
const composer = (page: Page) => textbox(page, 'Reply by text message');
const timeline = (page: Page) => page.getByRole('list', { name: 'Messages and events' });
/** The "Insert …" buttons on the page (the picker's results and the /keyword suggestions), by name. */
const insertButtons = (page: Page) => page.getByRole('button', { name: /^Insert “/ });

/** A canned-reply form's "Title" field. */
const titleField = (form: Locator) => textbox(form, 'Title');

/** Fills and submits the "New canned reply" form. */
async function createReply(
  page: Page,
  r: { scope: string; title: string; keyword: string; body: string },
): Promise<void> {
  const form = newForm(page);
  await form.getByRole('combobox', { name: 'For', exact: true }).selectOption({ label: r.scope });
  await titleField(form).fill(r.title);
  await textbox(form, 'Keyword (typed as /keyword)').fill(r.keyword);
  await textbox(form, 'Text').fill(r.body);
  await button(form, 'Create').click();
}

/** Opens the composer's "Canned replies" picker and searches it. */
async function pick(page: Page, query: string): Promise<void> {
  // Its summary is an icon named "Canned replies".
  const opener = page.getByLabel('Canned replies', { exact: true });
  const picker = page.getByRole('group').filter({ has: opener });
  if ((await picker.getAttribute('open')) === null) await opener.click();
  await page.getByRole('searchbox', { name: 'Find a canned reply', exact: true }).fill(query);
}

const isFocused = (field: Locator) => field.evaluate((el) => el === document.activeElement);
const caretAtEnd = (field: Locator) =>
  field.evaluate((el) => {
    const t = el as HTMLTextAreaElement;
    return t.selectionStart === t.value.length && t.selectionEnd === t.value.length;
  });

test(
  '/canned: a manager shares a reply with an inbox; an agent may only read it and keeps quick replies of their own',
  { skip: noChromium },
  async (t) => {
    const w = await world(t, ['mia', 'ana']);
    const mia = await w.open(w.mia, '/');
    await nav(mia).getByRole('link', { name: 'Canned replies', exact: true }).click();
    await mia.getByRole('heading', { level: 1, name: 'Canned replies' }).waitFor();
    assert.equal(new URL(mia.url()).pathname, '/canned');
    await t.test('every field of the form is named by its label', async () => {
      assert.deepEqual(
        await newForm(mia)
          .getByLabel('Title', { exact: true })
          .evaluateAll((els) => els.map((el) => el.tagName)),
        ['INPUT'],
      );
      assert.equal(await textbox(newForm(mia), 'Title').count(), 1);
    });
    // A manager may write for everyone in each inbox they work in.
    assert.deepEqual(
      await newForm(mia).getByRole('combobox', { name: 'For', exact: true }).getByRole('option').allTextContents(),
      ['Only me (a quick reply)', 'Everyone in Sales', 'Everyone in Support'],
    );

    // A placeholder we cannot fill is refused in place; what was typed stays, nothing is saved.
    await createReply(mia, {
      scope: 'Everyone in Support',
      title: ORDER.title,
      keyword: ORDER.keyword,
      body: 'Hi {{contact.nickname}}, your order is on its way.',
    });
    await newForm(mia)
      .getByText('{{contact.nickname}} is not a placeholder we can fill. Use one of those listed.')
      .waitFor();
    assert.equal(await textbox(newForm(mia), 'Text').getAttribute('aria-invalid'), 'true');
    assert.equal(
      await textbox(newForm(mia), 'Text').inputValue(),
      'Hi {{contact.nickname}}, your order is on its way.',
    );
    assert.equal(await titleField(newForm(mia)).inputValue(), ORDER.title);
    assert.equal(
      await newForm(mia).getByRole('combobox', { name: 'For', exact: true }).inputValue(),
      String(w.support),
      'still for Support',
    );
    assert.equal(w.cannedCount(), 0);

    // Fixed, it is created and listed under Support.
    await textbox(newForm(mia), 'Text').fill(ORDER.body);
    await button(newForm(mia), 'Create').click();
    await mia.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const shared = item(section(mia, 'Shared in Support'), ORDER);
    await shared.getByRole('paragraph').filter({ hasText: ORDER.body }).waitFor();
    assert.equal(await item(section(mia, 'My quick replies (only I see them)'), ORDER).count(), 0);
    assert.equal(await item(section(mia, 'Shared in Sales'), ORDER).count(), 0);
    await button(shared, `Delete ${ORDER.title}`).waitFor();

    // The same keyword again in Support is refused in place.
    await createReply(mia, {
      scope: 'Everyone in Support',
      title: 'Order late',
      keyword: 'Order',
      body: 'Sorry, your order is late.',
    });
    await newForm(mia).getByText('/Order is already used here.').waitFor();
    assert.equal(await textbox(newForm(mia), 'Keyword (typed as /keyword)').getAttribute('aria-invalid'), 'true');
    assert.equal(w.cannedCount(), 1);

    // Editing: the reply's own form, opened from "Edit …".
    await shared.getByText(`Edit ${ORDER.title}`, { exact: true }).click();
    const edit = shared.getByRole('form', { name: `Edit ${ORDER.title}`, exact: true });
    await titleField(edit).fill('Order update (draft)');
    await button(edit, 'Save').click();
    await item(section(mia, 'Shared in Support'), { title: 'Order update (draft)', keyword: ORDER.keyword }).waitFor();
    const edited = item(section(mia, 'Shared in Support'), { title: 'Order update (draft)', keyword: ORDER.keyword });
    await edited.getByText('Edit Order update (draft)', { exact: true }).click();
    await titleField(edited.getByRole('form', { name: 'Edit Order update (draft)' })).fill(ORDER.title);
    await button(edited, 'Save').click();
    await item(section(mia, 'Shared in Support'), ORDER).waitFor();

    // Ana (an agent in Support) sees it, read-only, and may write only for herself.
    const ana = await w.open(w.ana, '/canned');
    await ana.getByRole('heading', { level: 1, name: 'Canned replies' }).waitFor();
    assert.deepEqual(
      await newForm(ana).getByRole('combobox', { name: 'For', exact: true }).getByRole('option').allTextContents(),
      ['Only me (a quick reply)'],
    );
    assert.equal(await ana.getByRole('option', { name: /^Everyone in/ }).count(), 0);
    const seen = item(section(ana, 'Shared in Support'), ORDER);
    await seen.getByRole('paragraph').filter({ hasText: ORDER.body }).waitFor();
    assert.equal(await seen.getByRole('button').count(), 0, 'no Edit or Delete');
    assert.equal(await seen.getByText(`Edit ${ORDER.title}`).count(), 0);
    assert.equal(await ana.getByRole('button', { name: /^(Edit|Delete) / }).count(), 0);
    assert.equal(await section(ana, 'Shared in Sales').count(), 0, 'not her inbox');

    // Her quick reply.
    await createReply(ana, { scope: 'Only me (a quick reply)', ...THANKS });
    await ana.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const mine = item(section(ana, 'My quick replies (only I see them)'), THANKS);
    await mine.getByRole('paragraph').filter({ hasText: THANKS.body }).waitFor();
    await button(mine, `Delete ${THANKS.title}`).waitFor();
    assert.equal(await item(section(ana, 'Shared in Support'), THANKS).count(), 0);
    // It is hers alone: Mia's page does not list it.
    await mia.reload();
    await item(section(mia, 'Shared in Support'), ORDER).waitFor();
    assert.equal(await mia.getByRole('article', { name: new RegExp(`^${THANKS.title}`) }).count(), 0);

    // Nor can she get around the page: the server refuses her writes to Support's replies.
    const csrf = await button(newForm(ana), 'Create').evaluate(
      (b) => new FormData((b as HTMLButtonElement).form!).get('_csrf') as string,
    );
    const request = ana.context().request;
    const sharedId = w.s.sqlite
      .prepare('SELECT id FROM canned_replies WHERE inbox_id = ?')
      .pluck()
      .get(w.support) as number;
    const create = await request.post('/canned', {
      form: { _csrf: csrf, scope: String(w.support), title: 'Mine now', keyword: 'mine', body: 'x' },
      maxRedirects: 0,
    });
    const change = await request.post(`/canned/${sharedId}`, {
      form: { _csrf: csrf, title: 'Hijacked', keyword: 'order', body: 'x' },
      maxRedirects: 0,
    });
    const remove = await request.post(`/canned/${sharedId}/delete`, { form: { _csrf: csrf }, maxRedirects: 0 });
    assert.deepEqual([create.status(), change.status(), remove.status()], [403, 403, 403]);
    assert.deepEqual(w.s.sqlite.prepare('SELECT title FROM canned_replies ORDER BY id').pluck().all(), [
      ORDER.title,
      THANKS.title,
    ]);
  },
);

test(
  'composer: the picker and /keyword fill placeholders for the conversation; quick replies are their owner’s only',
  { skip: noChromium },
  async (t) => {
    const w = await world(t, ['ana', 'ben']);
    createCanned(w.s.app.domain, SETUP, { inboxId: w.support }, ORDER);
    createCanned(w.s.app.domain, w.ana.actor, 'personal', THANKS);
    const carla = w.receive(CUSTOMER, 'Where is my order?');
    w.name(carla, 'Carla Customer');
    const nobody = w.receive(STRANGER, 'Any news on my order?');
    const [ana, ben] = await Promise.all([
      w.open(w.ana, `/conversations/${carla}`),
      w.open(w.ben, `/conversations/${carla}`),
    ]);
    await ana.getByRole('heading', { level: 1, name: 'Carla Customer' }).waitFor();

    // The picker, searched by part of a title: the shared reply, filled in for Carla, Ana and Support.
    await pick(ana, 'update');
    await eventually(
      () => insertButtons(ana).allTextContents(),
      [insertName(ORDER)],
      'the picker finds the shared reply only',
    );
    await button(ana, insertName(ORDER)).click();
    await eventually(() => composer(ana).inputValue(), ORDER.forCarla, 'the draft');
    assert.ok(await isFocused(composer(ana)), 'the reply textbox has the focus again');
    assert.ok(await caretAtEnd(composer(ana)), 'writing goes on at the end');

    // A typed /keyword prefix offers her quick reply right under the textbox; choosing it replaces what was typed.
    await composer(ana).press('Enter');
    await composer(ana).pressSequentially('/tha');
    await button(ana, insertName(THANKS)).waitFor();
    assert.deepEqual(
      await insertButtons(ana).allTextContents(),
      [insertName(THANKS)],
      'only replies whose keyword starts with "tha"',
    );
    await button(ana, insertName(THANKS)).click();
    await eventually(() => composer(ana).inputValue(), `${ORDER.forCarla}\n${THANKS.forCarla}`, 'the draft');
    assert.ok(await isFocused(composer(ana)), 'the reply textbox has the focus again');
    assert.equal(await insertButtons(ana).count(), 0, 'the suggestions are gone');

    // Sent as usual.
    await button(ana, 'Send reply').click();
    const sent = timeline(ana).getByRole('listitem').filter({ hasText: THANKS.forCarla });
    await sent.getByRole('img', { name: /^(Queued|Sent)$/ }).waitFor();
    assert.equal(await sent.count(), 1);
    assert.match((await sent.innerText()).replace(/\s+/g, ' '), new RegExp(ORDER.forCarla.replace(/[.]/g, '\\.')));
    assert.equal(await composer(ana).inputValue(), '', 'the composer is cleared');
    assert.deepEqual(w.s.sqlite.prepare(`SELECT body FROM messages WHERE direction = 'out'`).pluck().all(), [
      `${ORDER.forCarla}\n${THANKS.forCarla}`,
    ]);
    // Ben, on the same conversation, sees it arrive.
    await timeline(ben).getByRole('listitem').filter({ hasText: THANKS.forCarla }).waitFor();

    // Ben has the shared reply but not Ana's quick reply: not in the picker ...
    await pick(ben, 'order');
    await eventually(() => insertButtons(ben).allTextContents(), [insertName(ORDER)], "Ben's picker");
    await pick(ben, 'thanks');
    await ben.getByText('No canned reply matches.').waitFor();
    assert.equal(await insertButtons(ben).count(), 0);
    // ... nor offered for /tha (the counter shows the typed text was seen), while /ord offers the shared one.
    await composer(ben).fill('/tha');
    await ben.getByText('156 characters left · 1 SMS').waitFor();
    assert.equal(await insertButtons(ben).count(), 0);
    await composer(ben).fill('Sure /ord');
    await button(ben, insertName(ORDER)).waitFor();

    // A conversation with nobody named: no braces, no stray space ("Hi, this is …").
    await ana.goto(`/conversations/${nobody}`);
    await waitForLiveOpens(ana);
    await composer(ana).fill('Good morning.');
    await pick(ana, 'order');
    await button(ana, insertName(ORDER)).click();
    await eventually(() => composer(ana).inputValue(), `Good morning.\n${ORDER.forNobody}`, 'appended on a new line');
    await composer(ana).pressSequentially(' /thanks');
    await button(ana, insertName(THANKS)).click();
    await eventually(() => composer(ana).inputValue(), `Good morning.\n${ORDER.forNobody} Thanks! Ana`, 'the draft');
    assert.doesNotMatch(await composer(ana).inputValue(), /[{}]| [,.!]/);

    // Enter in the picker's search box searches; it must not send the half-written draft to the customer.
    await t.test('Enter in "Find a canned reply" does not send the draft', async () => {
      await composer(ana).fill('Half-written dra');
      await ana.evaluate(() => {
        const w = window as unknown as { __submits: number };
        w.__submits = 0;
        document.addEventListener('submit', () => (w.__submits += 1), { capture: true });
      });
      await pick(ana, 'order');
      await button(ana, insertName(ORDER)).waitFor();
      // Implicit submission happens during the key press itself: once `press` returns, a submit would have been seen.
      await ana.getByRole('searchbox', { name: 'Find a canned reply', exact: true }).press('Enter');
      assert.equal(
        await ana.evaluate(() => (window as unknown as { __submits: number }).__submits),
        0,
        'the reply form was submitted',
      );
      assert.equal(await composer(ana).inputValue(), 'Half-written dra');
    });
  },
);
