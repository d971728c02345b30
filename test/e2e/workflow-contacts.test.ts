/**
 * The contact side of the shared-inbox workflow in Chromium: starting a conversation, the contact panel beside a
 * conversation, and favourites, with two people signed in at the same time. One acts; the other sees the change
 * arrive over /live without reloading.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { createContact, setFavourite } from '../../src/domain/contacts/service.ts';
import { setConversationStatus } from '../../src/domain/conversations/actions.ts';
import { SETUP } from '../factories.ts';
import { goLive, markDocument, noChromium, sameDocument } from './browser.ts';
import {
  CUSTOMER,
  OTHER,
  SALES,
  SHOP,
  button,
  combobox,
  conversationList,
  nav,
  row,
  shown,
  state,
  timeline,
  world,
} from './workflow-world.ts';

const DORA = '+15558889999';
const WILLA = '+15554443333';

/** Text with its runs of white space made one space. */
const squash = (text: string | null): string => (text ?? '').replace(/\s+/g, ' ').trim();

const panelOf = (page: Page) => page.getByRole('complementary', { name: 'Contact' });
/** One of the panel's folded sections ("Edit contact", …), opened. */
async function section(page: Page, summary: string): Promise<Locator> {
  const details = panelOf(page)
    .getByRole('group')
    .filter({ has: page.getByText(summary, { exact: true }) });
  if ((await details.getAttribute('open')) === null) await details.getByText(summary, { exact: true }).click();
  return details;
}
/** What the panel's fact list says for a term ("Name", "Company", …). */
async function fact(page: Page, term: string): Promise<string | null> {
  const terms = await panelOf(page).getByRole('term').allTextContents();
  const i = terms.indexOf(term);
  return i === -1 ? null : panelOf(page).getByRole('definition').nth(i).textContent();
}
async function waitForFact(page: Page, term: string, value: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  let seen = await fact(page, term);
  while (seen !== value) {
    if (Date.now() > deadline) assert.equal(seen, value, `${term} in the contact panel`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    seen = await fact(page, term);
  }
}

test(
  'new conversation: a typed 10-digit number (default country US) starts one with an unknown number',
  { skip: noChromium },
  async (t) => {
    const w = await world(t, ['ana', 'ben']);
    const [ana, ben] = await Promise.all([w.open(w.ana, '/conversations'), w.open(w.ben, '/conversations')]);
    await markDocument(ben);

    await goLive(ana, () => nav(ana).getByRole('link', { name: 'New conversation' }).click());
    await ana.getByRole('heading', { level: 1, name: 'New conversation' }).waitFor();
    assert.deepEqual(await combobox(ana, 'Send from').getByRole('option').allTextContents(), [
      `${shown(SALES)} · Sales`,
      `${shown(SHOP)} · Support`,
    ]);
    await ana.getByText('A saved contact’s name, or a number such as (201) 555-0123 or +1 201 555 0123.').waitFor();
    await combobox(ana, 'Send from').selectOption({ label: `${shown(SHOP)} · Support` });

    // Not a number: refused by the field, what was typed is kept.
    await combobox(ana, 'To (name or number)').fill('12');
    await ana.getByRole('textbox', { name: 'Message' }).fill('Your order shipped today.');
    await button(ana, 'Send').click();
    await ana.getByText('Enter a phone number, such as (201) 555-0123 or +1 201 555 0123.').waitFor();
    assert.equal(await ana.getByRole('textbox', { name: 'Message' }).inputValue(), 'Your order shipped today.');
    assert.equal(
      await combobox(ana, 'Send from').inputValue(),
      await combobox(ana, 'Send from')
        .getByRole('option', { name: `${shown(SHOP)} · Support` })
        .getAttribute('value'),
    );

    await combobox(ana, 'To (name or number)').fill('5553456789');
    await goLive(ana, () => button(ana, 'Send').click());
    const id = Number(/^\/conversations\/(\d+)$/.exec(new URL(ana.url()).pathname)?.[1]);
    assert.ok(id > 0, ana.url());
    await ana.getByRole('heading', { level: 1, name: '(555) 345-6789' }).waitFor();
    await ana.getByText(`unknown number · (555) 345-6789 texting ${shown(SHOP)}`).waitFor();
    await timeline(ana).getByText('Your order shipped today.').waitFor();
    await timeline(ana).getByText('Ana started the conversation').waitFor();
    await state(ana, 'Assigned to Ana').waitFor();

    // Ben's Inbox shows it at once: an unknown number, from Support's number, Ana's, nothing unread.
    const benRow = row(conversationList(ben), '(555) 345-6789');
    await benRow.getByRole('link', { name: /\(555\) 345-6789.*Your order shipped today\./ }).waitFor();
    for (const text of ['unknown number', 'Support', 'Assigned to Ana'])
      await benRow.getByText(text, { exact: true }).waitFor();
    // The channel is an icon beside the number it came to.
    await benRow
      .getByText(shown(SHOP), { exact: true })
      .filter({ has: ben.getByRole('img', { name: 'SMS', exact: true }) })
      .waitFor();
    assert.equal(await benRow.getByRole('img', { name: 'unread' }).count(), 0, 'our own text is not unread');
    assert.ok(await sameDocument(ben));

    // The same number again, typed another way: the open conversation is continued, not doubled.
    await goLive(ana, () => ana.goto('/conversations/new'));
    await combobox(ana, 'Send from').selectOption({ label: `${shown(SHOP)} · Support` });
    await combobox(ana, 'To (name or number)').fill('+1 (555) 345-6789');
    await ana.getByRole('textbox', { name: 'Message' }).fill('Tracking number: 123');
    await goLive(ana, () => button(ana, 'Send').click());
    assert.equal(new URL(ana.url()).pathname, `/conversations/${id}`);
    await timeline(ana).getByText('Tracking number: 123').waitFor();
    await benRow.getByText('Tracking number: 123').waitFor();
    assert.equal(await conversationList(ben).getByRole('listitem').count(), 1);
  },
);

test(
  'new conversation: To finds a saved contact by name as one types; arrows and Enter pick one, filling in the number',
  { skip: noChromium },
  async (t) => {
    const w = await world(t, ['ana']);
    createContact(w.s.app.domain, SETUP, { name: 'Dora Diaz', company: 'Globex', phones: `${DORA}\n${WILLA}` }, 'US');
    createContact(w.s.app.domain, SETUP, { name: 'Carla Customer', phones: CUSTOMER }, 'US');
    const ana = await w.open(w.ana, '/conversations/new');
    const to = combobox(ana, 'To (name or number)');
    const suggestions = ana.getByRole('listbox', { name: 'Saved contacts' });

    await to.pressSequentially('dora');
    await suggestions.getByRole('option').first().waitFor();
    assert.deepEqual(
      await suggestions
        .getByRole('option')
        .allTextContents()
        .then((o) => o.map(squash)),
      [`Dora Diaz (Globex) ${shown(WILLA)}`, `Dora Diaz (Globex) ${shown(DORA)}`],
    );
    assert.equal(await to.getAttribute('aria-expanded'), 'true');
    await to.press('ArrowDown');
    await to.press('ArrowDown');
    const second = suggestions.getByRole('option', { selected: true });
    assert.equal(squash(await second.textContent()), `Dora Diaz (Globex) ${shown(DORA)}`);
    assert.equal(await to.getAttribute('aria-activedescendant'), await second.getAttribute('id'));
    await to.press('Enter');
    assert.equal(await to.inputValue(), '+1 555 888 9999', 'the number, with its country code');
    await suggestions.waitFor({ state: 'hidden' });
    assert.equal(await to.getAttribute('aria-expanded'), 'false');
    await ana.getByText('To Dora Diaz', { exact: true }).waitFor();

    await ana.getByRole('textbox', { name: 'Message' }).fill('Your quote is ready.');
    await goLive(ana, () => button(ana, 'Send').click());
    await ana.getByRole('heading', { level: 1, name: 'Dora Diaz' }).waitFor();
    assert.deepEqual(
      w.s.sqlite.prepare('SELECT phone, contact_id FROM conversations ORDER BY id DESC').get(),
      { phone: DORA, contact_id: w.s.sqlite.prepare(`SELECT id FROM contacts WHERE name = 'Dora Diaz'`).pluck().get() },
      'to the number picked, filed under the contact picked',
    );

    // By number too, and a click picks.
    await goLive(ana, () => ana.goto('/conversations/new'));
    await to.pressSequentially('765');
    await suggestions.getByRole('option', { name: /Carla Customer/ }).click();
    assert.equal(await to.inputValue(), '+1 555 765 4321');
    await ana.getByText('To Carla Customer', { exact: true }).waitFor();
    // Typing again forgets the pick: Escape closes the list, and the number typed is what counts.
    await to.fill('');
    await to.pressSequentially('car');
    await suggestions.getByRole('option').first().waitFor();
    await to.press('Escape');
    await suggestions.waitFor({ state: 'hidden' });
    assert.equal(await ana.getByText('To Carla Customer', { exact: true }).count(), 0);
  },
);

test(
  'contact panel: edit details and numbers, link to another contact, create one and link; the other page follows live',
  { skip: noChromium },
  async (t) => {
    const w = await world(t, ['ana', 'ben', 'mia']);
    const id = w.receive(CUSTOMER, 'Where is my order?');
    createContact(w.s.app.domain, SETUP, { name: 'Dora Diaz', company: 'Globex', phones: DORA }, 'US');
    const [ana, ben, mia] = await Promise.all([
      w.open(w.ana, `/conversations/${id}`),
      w.open(w.ben, `/conversations/${id}`),
      w.open(w.mia, '/conversations'),
    ]);
    await markDocument(ben);
    assert.equal(await fact(ben, 'Name'), 'unknown number');
    assert.equal(await fact(ben, 'Phone numbers'), shown(CUSTOMER));
    await row(conversationList(mia), shown(CUSTOMER)).getByText('unknown number', { exact: true }).waitFor();

    // Ana fills in the contact; a second number typed the national way.
    const edit = await section(ana, 'Edit contact');
    await edit.getByRole('textbox', { name: 'Name' }).fill('Carla Customer');
    await edit
      .getByRole('textbox', { name: 'Phone numbers (one per line)' })
      .fill(`${shown(CUSTOMER)}\n(555) 234-5678`);
    await edit.getByRole('textbox', { name: 'Email' }).fill('carla@example.com');
    await edit.getByRole('textbox', { name: 'Company' }).fill('Acme');
    await edit.getByRole('textbox', { name: 'Notes' }).fill('Prefers texts after 5 pm.');
    await button(edit, 'Save contact').click();
    await panelOf(ana).getByRole('status').filter({ hasText: 'Contact saved.' }).waitFor();
    await waitForFact(ana, 'Name', 'Carla Customer');
    assert.equal(await fact(ana, 'Phone numbers'), `(555) 234-5678, ${shown(CUSTOMER)}`);
    await ana.getByRole('heading', { level: 1, name: 'Carla Customer' }).waitFor();

    // Ben's open page shows all of it without a reload: the header's name and the panel's details.
    await ben.getByRole('heading', { level: 1, name: 'Carla Customer' }).waitFor();
    await waitForFact(ben, 'Name', 'Carla Customer');
    assert.equal(await fact(ben, 'Phone numbers'), `(555) 234-5678, ${shown(CUSTOMER)}`);
    assert.equal(await fact(ben, 'Email'), 'carla@example.com');
    await panelOf(ben).getByRole('link', { name: 'carla@example.com' }).waitFor();
    assert.equal(await fact(ben, 'Company'), 'Acme');
    assert.equal(await fact(ben, 'Notes'), 'Prefers texts after 5 pm.');
    assert.equal(await ben.getByText('unknown number').count(), 0);
    // Mia has the Inbox open. A later push to her tab (a text from someone else) has been applied, so anything sent
    // to it about the contact before has been too (frames on one socket arrive in order) ...
    w.receive('+15550001234', 'Unrelated question');
    await row(conversationList(mia), 'Unrelated question').waitFor();
    await t.test("... and the conversation's row in her list shows the new name", async () => {
      const miaRow = row(conversationList(mia), 'Carla Customer');
      assert.equal(await miaRow.count(), 1, 'the row is named Carla Customer');
      assert.equal(await miaRow.getByText('unknown number').count(), 0);
    });
    // (After a reload it does.)
    await goLive(mia, () => mia.reload());
    await row(conversationList(mia), 'Carla Customer').waitFor();

    // A bad email is refused by its field and nothing is saved. (The browser's own check lets "carla@example" through;
    // Switchboard wants a domain with a dot.)
    const again = await section(ana, 'Edit contact');
    await again.getByRole('textbox', { name: 'Email' }).fill('carla@example');
    await again.getByRole('textbox', { name: 'Company' }).fill('Not saved Ltd');
    await button(again, 'Save contact').click();
    await panelOf(ana).getByText('Enter an email address such as ana@example.com.').waitFor();
    assert.equal(await panelOf(ana).getByRole('textbox', { name: 'Email' }).getAttribute('aria-invalid'), 'true');
    assert.equal(await fact(ana, 'Company'), 'Acme');
    assert.equal(await fact(ben, 'Company'), 'Acme');

    // Link to another contact, found by company.
    const link = await section(ana, 'Link to another contact');
    await link.getByRole('searchbox', { name: 'Find a contact by name, company or number' }).fill('Glob');
    await button(link, 'Link to Dora Diaz').click();
    await panelOf(ana)
      .getByRole('status')
      .filter({ hasText: 'The conversation is now linked to this contact.' })
      .waitFor();
    await ana.getByRole('heading', { level: 1, name: 'Dora Diaz' }).waitFor();
    await timeline(ana).getByText('Ana linked it to the contact Dora Diaz').waitFor();
    await ben.getByRole('heading', { level: 1, name: 'Dora Diaz' }).waitFor();
    await timeline(ben).getByText('Ana linked it to the contact Dora Diaz').waitFor();
    await row(conversationList(mia), 'Dora Diaz').waitFor();
    await waitForFact(ben, 'Name', 'Dora Diaz');
    assert.equal(await fact(ben, 'Company'), 'Globex');
    assert.equal(
      await fact(ben, 'Phone numbers'),
      `${shown(CUSTOMER)}, ${shown(DORA)}`,
      "the conversation's number went with it",
    );

    // A new contact for this number, linked in one go.
    const create = await section(ana, 'New contact for this number');
    await create.getByRole('textbox', { name: 'Name' }).fill('Eve Example');
    await create.getByRole('textbox', { name: 'Company' }).fill('Initech');
    await button(create, 'Create and link').click();
    await ana.getByRole('heading', { level: 1, name: 'Eve Example' }).waitFor();
    await timeline(ana).getByText('Ana linked it to the contact Eve Example').waitFor();
    await ben.getByRole('heading', { level: 1, name: 'Eve Example' }).waitFor();
    await timeline(ben).getByText('Ana linked it to the contact Eve Example').waitFor();
    await waitForFact(ben, 'Name', 'Eve Example');
    assert.equal(await fact(ben, 'Company'), 'Initech');
    assert.equal(await fact(ben, 'Phone numbers'), shown(CUSTOMER));
    assert.ok(await sameDocument(ben), "Ben's page was updated in place");

    // Dora keeps her own number; the customer's next text lands in the same conversation, filed under Eve.
    const contactNamed = (name: string) =>
      w.s.sqlite.prepare('SELECT id FROM contacts WHERE name = ?').pluck().get(name) as number;
    assert.deepEqual(
      w.s.sqlite
        .prepare('SELECT phone FROM contact_phones WHERE contact_id = ?')
        .pluck()
        .all(contactNamed('Dora Diaz')),
      [DORA],
    );
    w.receive(CUSTOMER, 'Thanks!');
    await timeline(ben).getByText('Thanks!').waitFor();
    assert.deepEqual(w.s.sqlite.prepare('SELECT id, contact_id FROM conversations WHERE phone = ?').all(CUSTOMER), [
      { id, contact_id: contactNamed('Eve Example') },
    ]);
  },
);

test(
  'contact panel: history across the inboxes I may see, favourite, Call, unsubscribe (and replies refused after)',
  { skip: noChromium },
  async (t) => {
    const w = await world(t, ['ana', 'ben']);
    const support = w.receive(CUSTOMER, 'Where is my order?');
    const sales = w.receive(CUSTOMER, 'Do you sell in bulk?', SALES);
    w.receive(CUSTOMER, 'Hello Other', OTHER);
    w.name(support, 'Carla Customer');
    const [ana, ben] = await Promise.all([
      w.open(w.ana, `/conversations/${support}`),
      w.open(w.ben, `/conversations/${support}`),
    ]);
    await markDocument(ben);

    // History: Ana works in Support and Sales, Ben only in Support; nobody here sees Other's conversation.
    const history = (page: Page) => panelOf(page).getByRole('list', { name: 'Conversations with this contact' });
    assert.deepEqual(await history(ana).getByRole('link').allTextContents(), [
      `Sales · ${shown(SALES)}`,
      `Support · ${shown(SHOP)}`,
    ]);
    assert.equal(
      await history(ana)
        .getByRole('link', { name: `Support · ${shown(SHOP)}` })
        .getAttribute('aria-current'),
      'page',
    );
    assert.deepEqual(await history(ben).getByRole('link').allTextContents(), [`Support · ${shown(SHOP)}`]);
    await goLive(ana, () =>
      history(ana)
        .getByRole('link', { name: `Sales · ${shown(SALES)}` })
        .click(),
    );
    assert.equal(new URL(ana.url()).pathname, `/conversations/${sales}`);
    await timeline(ana).getByText('Do you sell in bulk?').waitFor();
    await goLive(ana, () =>
      history(ana)
        .getByRole('link', { name: `Support · ${shown(SHOP)}` })
        .click(),
    );
    assert.equal(new URL(ana.url()).pathname, `/conversations/${support}`);

    // Favourites are per person.
    await button(panelOf(ana), 'Add to favourites').click();
    await button(panelOf(ana), 'Remove from favourites').waitFor();
    assert.equal(await button(panelOf(ana), 'Remove from favourites').getAttribute('aria-pressed'), 'true');
    assert.equal(await button(panelOf(ben), 'Add to favourites').getAttribute('aria-pressed'), 'false');

    // Unsubscribe asks first: dismissing changes nothing.
    ana.once('dialog', (dialog) => void dialog.dismiss());
    await button(panelOf(ana), 'Unsubscribe from texts').click();
    await ana.getByRole('textbox', { name: 'Reply by text message' }).fill('Are you still there?');
    assert.equal(await timeline(ana).getByText('Unsubscribed by Ana').count(), 0);
    assert.equal(w.s.sqlite.prepare('SELECT count(*) FROM opt_outs').pluck().get(), 0);
    // Accepting unsubscribes: shown in the panel and, for Ben too, on the timeline.
    let question = '';
    ana.once('dialog', (dialog) => {
      question = dialog.message();
      void dialog.accept();
    });
    await button(panelOf(ana), 'Unsubscribe from texts').click();
    await panelOf(ana)
      .getByRole('status')
      .filter({ hasText: 'Unsubscribed. Nothing more will be sent from this number.' })
      .waitFor();
    assert.match(question, /^Unsubscribe this contact from texts from this number\?/);
    await timeline(ana).getByText('Unsubscribed by Ana').waitFor();
    await timeline(ben).getByText('Unsubscribed by Ana').waitFor();
    await panelOf(ben).getByText('Unsubscribed from texts from this number.').waitFor();
    assert.equal(await button(panelOf(ben), 'Unsubscribe from texts').count(), 0);
    assert.ok(await sameDocument(ben));

    // A reply is refused now, and nothing is queued.
    await button(ana, 'Send reply').click();
    await ana.getByText(/^Not sent: this contact has opted out/).waitFor();
    assert.equal(await timeline(ana).getByText('Are you still there?').count(), 0);
    assert.equal(w.s.sqlite.prepare(`SELECT count(*) FROM messages WHERE direction = 'out'`).pluck().get(), 0);

    // Call: a tel: link the browser follows itself (a form's redirect to tel: is blocked by the page's CSP).
    // Following it logs the call, live for Ben. In a tab of its own: after following a tel: link, headless Chromium
    // here sometimes delivers no further clicks to that page (the reply below then never left).
    const call = (page: Page) => panelOf(page).getByRole('link', { name: 'Call', exact: true });
    const dialling = await w.open(w.ana, `/conversations/${support}`);
    const [dialled] = await Promise.all([
      dialling.waitForEvent('request', (r) => r.url().startsWith('tel:')),
      call(dialling).click(),
    ]);
    assert.equal(dialled.url(), `tel:${CUSTOMER}`);
    await timeline(ben)
      .getByText(`Ana started a call to ${shown(CUSTOMER)}`)
      .waitFor();
    assert.equal(new URL(dialling.url()).pathname, `/conversations/${support}`);

    // With a click-to-call URL configured (here one served by this server), the browser goes there. In a new tab:
    // after a later page.goto in the same tab, headless Chromium here delivered no clicks to the page (no pointer
    // event reached the document; Enter on a link did not follow it either), most likely since the service worker.
    w.s.configStore.current.contacts.call_url = `${w.s.baseURL}/healthz?to={number}&from={from}`;
    const tab = await w.open(w.ana, `/conversations/${support}`);
    await Promise.all([tab.waitForURL((url) => url.pathname === '/healthz'), call(tab).click()]);
    assert.deepEqual(Object.fromEntries(new URL(tab.url()).searchParams), { to: CUSTOMER, from: SHOP });
    await tab.getByText('ok', { exact: true }).waitFor();
    await timeline(ben)
      .getByText(`Ana started a call to ${shown(CUSTOMER)}`)
      .nth(1)
      .waitFor();
    await goLive(tab, () => tab.goto(`/conversations/${support}`));
    assert.equal(
      await timeline(tab)
        .getByText(`Ana started a call to ${shown(CUSTOMER)}`)
        .count(),
      2,
    );
  },
);

test(
  'favourites: the page lists my favourites; its links open the latest conversation or start a new one',
  { skip: noChromium },
  async (t) => {
    const w = await world(t, ['ana', 'ben']);
    const support = w.receive(CUSTOMER, 'Where is my order?');
    w.name(support, 'Carla Customer');
    await new Promise((resolve) => setTimeout(resolve, 5));
    const sales = w.receive(CUSTOMER, 'Do you sell in bulk?', SALES);
    const other = w.receive(DORA, 'Texted to Other', OTHER);
    w.name(other, 'Dora Diaz');
    const contactOf = (id: number) =>
      w.s.sqlite.prepare('SELECT contact_id FROM conversations WHERE id = ?').pluck().get(id) as number;
    // Dora's only conversation is in an inbox Ana does not work in: Dora does not exist for her. Willa, added to the
    // address book by hand, has no conversation at all: she is everyone's.
    assert.throws(() => setFavourite(w.s.app.domain, w.ana.actor, contactOf(other), true), /not_found/);
    const willa = createContact(w.s.app.domain, SETUP, { name: 'Willa Walk-in', phones: WILLA }, 'US');
    setFavourite(w.s.app.domain, w.ana.actor, willa.id, true);
    const [ana, ben] = await Promise.all([w.open(w.ana, `/conversations/${support}`), w.open(w.ben, '/conversations')]);
    await markDocument(ben);

    await button(panelOf(ana), 'Add to favourites').click();
    await button(panelOf(ana), 'Remove from favourites').waitFor();
    await goLive(ana, () => nav(ana).getByRole('link', { name: 'Favourites' }).click());
    await ana.getByRole('heading', { level: 1, name: 'Favourite contacts' }).waitFor();
    const favourites = ana.getByRole('main').getByRole('listitem');
    assert.equal(await favourites.count(), 2);
    assert.match(
      (await favourites.nth(0).innerText()).replace(/\s+/g, ' '),
      new RegExp(`^Carla Customer ${shown(CUSTOMER).replace(/[()]/g, '\\$&')}`),
    );
    assert.match(
      (await favourites.nth(1).innerText()).replace(/\s+/g, ' '),
      new RegExp(`^Willa Walk-in ${shown(WILLA).replace(/[()]/g, '\\$&')}`),
    );
    // Willa has no conversation: no "open" link for her, only "new".
    assert.equal(await ana.getByRole('link', { name: 'Open the latest conversation with Willa Walk-in' }).count(), 0);
    await ana.getByRole('link', { name: 'New conversation with Willa Walk-in' }).waitFor();

    // "Open the latest conversation": Carla's newest one Ana may see (Sales).
    await goLive(ana, () =>
      ana.getByRole('link', { name: 'Open the latest conversation with Carla Customer' }).click(),
    );
    assert.equal(new URL(ana.url()).pathname, `/conversations/${sales}`);
    await timeline(ana).getByText('Do you sell in bulk?').waitFor();

    // "New conversation": the form is addressed to Carla; sent from Support, where her conversation is closed, it
    // starts a new one, which Ben (in Support) sees arrive in his Inbox.
    setConversationStatus(w.s.app.domain, w.ana.actor, support, w.version(support), 'closed');
    await goLive(ana, () => ana.goto('/favourites'));
    await goLive(ana, () => ana.getByRole('link', { name: 'New conversation with Carla Customer' }).click());
    assert.equal(new URL(ana.url()).pathname, '/conversations/new');
    await ana.getByText('To Carla Customer', { exact: true }).waitFor();
    assert.deepEqual(await combobox(ana, 'Their number').getByRole('option').allTextContents(), [shown(CUSTOMER)]);
    await combobox(ana, 'Send from').selectOption({ label: `${shown(SHOP)} · Support` });
    await ana.getByRole('textbox', { name: 'Message' }).fill('Your bulk quote is ready.');
    await goLive(ana, () => button(ana, 'Send').click());
    const started = Number(/^\/conversations\/(\d+)$/.exec(new URL(ana.url()).pathname)?.[1]);
    assert.ok(started > 0 && started !== support && started !== sales, ana.url());
    await ana.getByRole('heading', { level: 1, name: 'Carla Customer' }).waitFor();
    await timeline(ana).getByText('Your bulk quote is ready.').waitFor();
    await row(conversationList(ben), 'Carla Customer').getByText('Your bulk quote is ready.').waitFor();
    assert.ok(await sameDocument(ben));

    // Ben's favourites are his own: none.
    await goLive(ben, () => nav(ben).getByRole('link', { name: 'Favourites' }).click());
    await ben.getByText('No favourites yet. Add contacts from the contact panel beside a conversation.').waitFor();
    // Ana takes Willa off her list from the page.
    await goLive(ana, () => ana.goto('/favourites'));
    await goLive(ana, () => button(ana, 'Remove Willa Walk-in from favourites').click());
    await ana.getByRole('heading', { level: 1, name: 'Favourite contacts' }).waitFor();
    assert.equal(await ana.getByRole('main').getByRole('listitem').count(), 1);
    await ana.getByRole('link', { name: 'Open the latest conversation with Carla Customer' }).waitFor();
    assert.equal(
      new URL(
        (await ana
          .getByRole('link', { name: 'Open the latest conversation with Carla Customer' })
          .getAttribute('href'))!,
        w.s.baseURL,
      ).pathname,
      `/conversations/${started}`,
      'the newest conversation now',
    );
  },
);
