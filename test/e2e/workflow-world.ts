/**
 * The shared-inbox workflow's browser world: a server with Support, Sales and Other, the people a test names,
 * pages signed in and live, and the locators the workflow tests find things by.
 */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { Browser, Locator, Page, WebSocket } from 'playwright-core';
import { updateContact } from '../../src/domain/contacts/service.ts';
import type { Actor } from '../../src/domain/context.ts';
import { setMembers } from '../../src/domain/inboxes/service.ts';
import { receiveSms } from '../../src/domain/messaging/inbound.ts';
import { defaultKeywordTexts } from '../../src/domain/messaging/texts.ts';
import { syncNumbers } from '../../src/domain/numbers/sync.ts';
import { addUser } from '../helper.ts';
import {
  launchBrowser,
  newContext,
  signIn,
  startServer,
  trackLiveSocket,
  waitForLiveOpens,
  type Server,
} from './browser.ts';

export const SHOP = '+15551230000'; // Support's number
export const SALES = '+15551230001'; // Sales' number
export const OTHER = '+15551230002'; // Other's number (only Otto works there)
export const CUSTOMER = '+15557654321';

type User = Awaited<ReturnType<typeof addUser>>;

/** Who may take part in a test; only those a test names are created (each account costs a password hash). */
const people = {
  ada: { role: 'admin', name: 'Ada' },
  ana: { role: 'agent', name: 'Ana' },
  ben: { role: 'agent', name: 'Ben' },
  mia: { role: 'manager', name: 'Mia' },
  otto: { role: 'agent', name: 'Otto' },
} as const;
type Who = keyof typeof people;
/** The test's own setup acts as an admin that is nobody in particular. */
export const SETUP: Actor = { id: 0, role: 'admin' };

/**
 * One server and one browser for one test, with the people it names: Ada is an admin, Mia a manager, Ana and Ben
 * agents in Support (Ana also in Sales), Otto an agent in Other only.
 */
export async function world<const W extends Who>(t: TestContext, who: W[]) {
  const browser = await launchBrowser();
  t.after(() => browser.close());
  const s = await startServer({ contacts: { default_country: 'US' } });
  t.after(() => s.close());
  const created = await Promise.all(
    who.map(async (key) => [key, await addUser(s.app, people[key].role, people[key].name)] as const),
  );
  const users = Object.fromEntries(created) as Record<W, User>;
  const ids = (...keys: Who[]) => created.filter(([key]) => keys.includes(key)).map(([, user]) => user.id);
  const number = (e164: string, inbox: string) => ({
    e164,
    smpp: 'sandbox',
    inbox,
    registration: 'registered' as const,
    throughput: 0,
  });
  syncNumbers(s.app.domain, [number(SHOP, 'Support'), number(SALES, 'Sales'), number(OTHER, 'Other')]);
  const inboxId = (name: string) =>
    s.sqlite.prepare('SELECT id FROM inboxes WHERE name = ?').pluck().get(name) as number;
  const support = inboxId('Support');
  const sales = inboxId('Sales');
  const other = inboxId('Other');
  setMembers(s.app.domain, SETUP, support, ids('ana', 'ben', 'mia'));
  setMembers(s.app.domain, SETUP, sales, ids('ana'));
  setMembers(s.app.domain, SETUP, other, ids('otto'));
  // Unread counts start when a user joined: texts must come strictly later than the accounts.
  await new Promise((resolve) => setTimeout(resolve, 5));

  const column = (sql: string, id: number) => s.sqlite.prepare(sql).pluck().get(id);
  return {
    ...users,
    browser,
    s,
    support,
    sales,
    other,
    /** A customer's text, stored; returns its conversation's id. */
    receive(from: string, text: string, to = SHOP): number {
      const r = receiveSms(s.app.domain, { from, to, text }, () => defaultKeywordTexts);
      assert.ok(r.stored, `stored: ${text}`);
      return r.conversationId;
    },
    /** A text that came `hoursAgo` hours ago (the domain's clock set back while it is stored). */
    receiveEarlier(hoursAgo: number, from: string, text: string): number {
      const now = s.app.domain.now;
      s.app.domain.now = () => Date.now() - hoursAgo * 3_600_000;
      try {
        return this.receive(from, text);
      } finally {
        s.app.domain.now = now;
      }
    },
    /** Gives the contact behind a conversation a name (keeping its number). */
    name(conversationId: number, name: string): void {
      const contactId = column('SELECT contact_id FROM conversations WHERE id = ?', conversationId) as number;
      const phone = column('SELECT phone FROM conversations WHERE id = ?', conversationId) as string;
      updateContact(s.app.domain, SETUP, contactId, { name, phones: phone }, 'US');
    },
    version: (conversationId: number) =>
      column('SELECT version FROM conversations WHERE id = ?', conversationId) as number,
    assignee: (conversationId: number) =>
      column('SELECT assignee_id FROM conversations WHERE id = ?', conversationId) as number | null,
    status: (conversationId: number) =>
      column('SELECT status FROM conversations WHERE id = ?', conversationId) as string,
    /** A fresh browser profile signed in as `user`, showing `path` with its live socket connected. */
    open: (user: User, path: string) => livePage(t, browser, s, user, path),
  };
}

async function livePage(t: TestContext, browser: Browser, s: Server, user: User, path: string): Promise<Page> {
  const context = await newContext(browser, s.baseURL);
  t.after(() => context.close());
  const page = await context.newPage();
  countFrames(page);
  await trackLiveSocket(page);
  await signIn(page, user.email);
  await goLive(page, () => page.goto(path));
  return page;
}

/** Another tab of the same browser profile (same user), showing `path`, live. */
export async function newTab(page: Page, path: string): Promise<Page> {
  const tab = await page.context().newPage();
  countFrames(tab);
  await trackLiveSocket(tab);
  await goLive(tab, () => tab.goto(path));
  return tab;
}

/**
 * Runs `navigate` and waits until the new document's /live socket is open and the server has answered on it (it
 * sends the navigation right after registering the tab): from then on every push for this page reaches it.
 */
export async function goLive(page: Page, navigate: () => Promise<unknown>): Promise<void> {
  const sockets: { path: string | null; framed: Promise<void> }[] = [];
  const onSocket = (ws: WebSocket) => {
    const url = new URL(ws.url());
    if (url.pathname !== '/live') return;
    sockets.push({
      path: url.searchParams.get('path'),
      framed: new Promise((resolve) => ws.once('framereceived', () => resolve())),
    });
  };
  page.on('websocket', onSocket);
  try {
    await navigate();
    await waitForLiveOpens(page);
    const here = new URL(page.url());
    const path = here.pathname + here.search;
    const deadline = Date.now() + 15_000;
    let socket = sockets.find((x) => x.path === path);
    while (!socket) {
      if (Date.now() > deadline)
        throw new Error(`no /live socket for ${path} (seen: ${sockets.map((x) => x.path).join(', ')})`);
      await new Promise((resolve) => setTimeout(resolve, 20));
      socket = sockets.find((x) => x.path === path);
    }
    await socket.framed;
  } finally {
    page.off('websocket', onSocket);
  }
}

const frameCounts = new WeakMap<Page, { count: number }>();

/** Counts the frames the page's /live sockets receive from now on (call right after creating the page). */
function countFrames(page: Page): void {
  const counter = { count: 0 };
  frameCounts.set(page, counter);
  page.on('websocket', (ws) => {
    if (new URL(ws.url()).pathname === '/live') ws.on('framereceived', () => (counter.count += 1));
  });
}
export const framesOf = (page: Page): number => frameCounts.get(page)!.count;

/** Waits for a frame after the first `after` ones: a push has arrived even if it changed nothing on screen. */
export async function nextFrame(page: Page, after: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (framesOf(page) <= after) {
    if (Date.now() > deadline) throw new Error('no live frame arrived');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Marks the document; `sameDocument` is true only if the page was not reloaded or navigated since. */
export async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { __e2eMark: boolean }).__e2eMark = true;
  });
}
export async function sameDocument(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { __e2eMark?: boolean }).__e2eMark === true);
}

export const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });
export const conversationList = (page: Page) => page.getByRole('list', { name: 'Conversations', exact: true });
export const pinnedList = (page: Page) => page.getByRole('region', { name: 'Pinned' }).getByRole('list');
/** The row of a list whose text mentions `text` (a name, a number, a preview). */
export const row = (list: Locator, text: string | RegExp) => list.getByRole('listitem').filter({ hasText: text });
export const timeline = (page: Page) => page.getByRole('list', { name: 'Messages and events' });
/** The conversation header's state line ("Open · Assigned to Ana"). */
export const state = (page: Page, text: string) => page.getByRole('status').filter({ hasText: text });
export const button = (page: Page | Locator, name: string) => page.getByRole('button', { name, exact: true });
export const combobox = (page: Page | Locator, name: string) => page.getByRole('combobox', { name, exact: true });

/** The unread badge as shown ("2 unread"), or null when hidden. */
export async function badge(page: Page): Promise<string | null> {
  const b = nav(page).getByText(/^\d+ unread$/);
  return (await b.isVisible()) ? b.textContent() : null;
}
export async function waitForBadge(page: Page, text: string | null): Promise<void> {
  if (text === null)
    await nav(page)
      .getByText(/^\d+ unread$/)
      .waitFor({ state: 'hidden' });
  else await nav(page).getByText(text, { exact: true }).waitFor();
}
export async function waitForTitle(page: Page, test: (title: string) => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!test(await page.title())) {
    if (Date.now() > deadline) throw new Error(`title is "${await page.title()}", expected ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Which of `names` each row of `list` mentions, in the order shown. */
export async function order(list: Locator, names: string[]): Promise<string[]> {
  const texts = await list.getByRole('listitem').allInnerTexts();
  return texts.map((text) => names.find((n) => text.includes(n)) ?? `?${text}`);
}

/**
 * Waits until the rows show `expected`. A read that meets the page while it is being replaced (the form's
 * no-script answer, a redirect and a fresh page, when the key press beat htmx to the form) is read again: what
 * counts is the order the person ends up seeing.
 */
export async function waitForOrder(list: Locator, names: string[], expected: string[]): Promise<void> {
  const deadline = Date.now() + 15_000;
  const read = () =>
    order(list, names).catch((err: Error) => {
      if (/Execution context was destroyed/.test(err.message)) return ['(the page was being replaced)'];
      throw err;
    });
  let seen = await read();
  while (JSON.stringify(seen) !== JSON.stringify(expected)) {
    if (Date.now() > deadline) assert.deepEqual(seen, expected);
    await new Promise((resolve) => setTimeout(resolve, 20));
    seen = await read();
  }
}
