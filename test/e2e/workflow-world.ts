/**
 * The shared-inbox workflow's browser world: a server with Support, Sales and Other, the people a test names,
 * pages signed in and live, and the locators the workflow tests find things by.
 */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { formatPhone } from '../../src/lib/e164.ts';
import { receiveText, type User } from '../factories.ts';
import { goLive, pageFor, signInLive, trackLiveSocket, until, type Server } from './browser.ts';
import { nameContact, team, type Cast } from './team.ts';

export const SHOP = '+15551230000'; // Support's number
export const SALES = '+15551230001'; // Sales' number
export const OTHER = '+15551230002'; // Other's number (only Otto works there)
export const CUSTOMER = '+15557654321';

/** A number as the world's people read it: national, as they are in the US (`contacts.default_country`). */
export const shown = (e164: string): string => formatPhone(e164, 'US');

const people = {
  ada: { role: 'admin', name: 'Ada' },
  ana: { role: 'agent', name: 'Ana' },
  ben: { role: 'agent', name: 'Ben' },
  mia: { role: 'manager', name: 'Mia' },
  otto: { role: 'agent', name: 'Otto' },
} satisfies Cast<string>;
type Who = keyof typeof people;

/**
 * One server and one browser for one test, with the people it names: Ada is an admin, Mia a manager, Ana and Ben
 * agents in Support (Ana also in Sales), Otto an agent in Other only.
 */
export async function world<const W extends Who>(t: TestContext, who: W[]) {
  const { browser, s, users, inboxIds } = await team(t, people, who, [
    { name: 'Support', number: SHOP, members: ['ana', 'ben', 'mia'] },
    { name: 'Sales', number: SALES, members: ['ana'] },
    { name: 'Other', number: OTHER, members: ['otto'] },
  ]);
  const [support, sales, other] = inboxIds as [number, number, number];
  const column = (sql: string, id: number) => s.sqlite.prepare(sql).pluck().get(id);
  return {
    ...users,
    browser,
    s,
    support,
    sales,
    other,
    /** A customer's text, stored; returns its conversation's id. */
    receive: (from: string, text: string, to = SHOP): number => receiveText(s, { from, to, text }).conversationId,
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
    name: (conversationId: number, name: string): void => nameContact(s, conversationId, name),
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
  const page = await pageFor(t, browser, s.baseURL);
  countFrames(page);
  await signInLive(page, user.email, path);
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
  await until(() => framesOf(page) > after, 'a live frame');
}

export const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });
export const conversationList = (page: Page) => page.getByRole('list', { name: 'Conversations', exact: true });
export const pinnedList = (page: Page) => page.getByRole('region', { name: 'Pinned' }).getByRole('list');
/** The row of a list whose text mentions `text` (a name, a number, a preview). */
export const row = (list: Locator, text: string | RegExp) => list.getByRole('listitem').filter({ hasText: text });
export const timeline = (page: Page) => page.getByRole('list', { name: 'Messages and events' });
/** The conversation header's state line ("Open · Assigned to Ana"). */
export const state = (page: Page, text: string) =>
  page.getByRole('status', { name: 'Conversation state' }).filter({ hasText: text });
export const button = (page: Page | Locator, name: string) => page.getByRole('button', { name, exact: true });
/**
 * Opens a menu of the conversation header ("Assign…", "More actions") unless it is open, and gives it back: its
 * controls are hidden (so not found by role) while it is closed, and an action redraws the header closed.
 */
export async function openMenu(page: Page, name: 'Assign…' | 'More actions'): Promise<Locator> {
  const menu = page.getByRole('group', { name, exact: true });
  if (!(await menu.isVisible())) await button(page, name).click();
  await menu.waitFor();
  return menu;
}
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
  await until(async () => {
    const title = await page.title();
    assert.ok(test(title), `title is "${title}", expected ${what}`);
    return true;
  }, `the title ${what}`);
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
