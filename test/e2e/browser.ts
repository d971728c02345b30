/**
 * Shared pieces for the browser tests: real Chromium (Debian's, never a downloaded one) against a real HTTP server.
 *
 * Each test (or a file's top-level test) starts one browser with `browserFor(t)`; every test gets its own app on a
 * fresh SQLite file from `serverFor(t)`, and its pages from `pageFor`, `signedInPage` or `livePageFor`: all of them
 * are closed when the test ends. The worlds a test needs are built with test/factories.ts.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Locator, type Page, type WebSocket } from 'playwright-core';
import pino from 'pino';
import { startMessaging, type Messaging } from '../../src/channels/start.ts';
import { buildTestApp, PASSWORD, until, type TestApp } from '../helper.ts';

export const CHROMIUM = '/usr/bin/chromium';

/** `false` when Chromium is there; otherwise the reason handed to node:test's `skip`. */
export const noChromium: string | false = existsSync(CHROMIUM)
  ? false
  : `browser tests skipped: ${CHROMIUM} is missing (install Debian's "chromium" package; never "playwright install")`;

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // A microphone that plays a tone and needs no permission prompt: the voice recorder's tests record with it.
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
    ],
  });
}

export interface Server extends TestApp {
  baseURL: string;
  port: number;
}

/**
 * `buildTestApp()` listening on a free port of 127.0.0.1. Close it with `close()`. With `publicUrl`, server.public_url
 * is that address, as a deployment that texts links to customers sets it (the port is known only once it listens).
 */
export async function startServer(
  rawConfig: Record<string, unknown> = {},
  opts: { publicUrl?: boolean } = {},
): Promise<Server> {
  const h = await buildTestApp(rawConfig);
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = h.app.server.address() as AddressInfo;
  const baseURL = `http://127.0.0.1:${port}`;
  if (opts.publicUrl)
    h.configStore.current = {
      ...h.configStore.current,
      server: { ...h.configStore.current.server, public_url: baseURL },
    };
  return Object.assign(h, { baseURL, port });
}

/** Like `startServer()`, plus the SMS side the real `serve` starts: the sandbox SMSC, its channel and the outbox loop. */
export async function startServerWithSandbox(): Promise<Server & { messaging: Messaging }> {
  const h = await buildTestApp();
  const messaging = await startMessaging(h.app, undefined, pino({ level: 'silent' }));
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = h.app.server.address() as AddressInfo;
  const closeApp = h.close.bind(h);
  return Object.assign(h, {
    baseURL: `http://127.0.0.1:${port}`,
    port,
    messaging,
    async close() {
      await messaging.stop();
      await closeApp();
    },
  });
}

/** A fresh, isolated browser profile (own cookies), English UI, pointed at `baseURL`; in the machine's time zone unless given one. */
export async function newContext(
  browser: Browser,
  baseURL: string,
  opts: { viewport?: { width: number; height: number }; timezoneId?: string } = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL,
    locale: 'en-US',
    viewport: opts.viewport ?? { width: 1280, height: 800 },
    ...(opts.timezoneId ? { timezoneId: opts.timezoneId } : {}),
  });
  // Generous: CI machines are slow; every wait is for a condition, never a fixed time.
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(15_000);
  return context;
}

/** Signs in through the real login form and waits for the home page. */
export async function signIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname === '/conversations');
}

/** The list of the user's inboxes in the main navigation. */
export function inboxNav(page: Page): Locator {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('list', { name: 'Your inboxes' });
}

interface LiveProbe {
  /** `htmx:ws:before:connection` seen: the ws extension picked up `hx-ws:connect` and is connecting. */
  __liveInits: number;
  /** `htmx:ws:after:connection` seen: the socket is open. */
  __liveOpens: number;
  /** htmx has processed the body (its start-up is done). */
  __htmxReady: boolean;
  /** htmx processed the body before the ws extension was registered: this page load will never connect. */
  __liveMissed: boolean;
}

/**
 * Records what the htmx ws extension does on every document of `page`, so tests can wait for the live socket.
 * htmx's ws extension fires `htmx:ws:before:connection` / `htmx:ws:after:connection` on the connecting element;
 * extensions run before the DOM event `htmx:after:process` on <body> is dispatched, so at that moment we know
 * whether the extension saw `#live` at all. Call before navigating (it installs an init script).
 */
export async function trackLiveSocket(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as LiveProbe;
    w.__liveInits = 0;
    w.__liveOpens = 0;
    w.__htmxReady = false;
    w.__liveMissed = false;
    document.addEventListener('htmx:ws:before:connection', () => {
      w.__liveInits += 1;
    });
    document.addEventListener('htmx:ws:after:connection', () => {
      w.__liveOpens += 1;
    });
    document.addEventListener('htmx:after:process', (e) => {
      if (e.target !== document.body || w.__htmxReady) return;
      w.__htmxReady = true;
      w.__liveMissed = w.__liveInits === 0;
    });
  });
}

/** Waits until the live socket has been opened at least `times` times since the document loaded. */
export async function waitForLiveOpens(page: Page, times = 1, timeout?: number): Promise<void> {
  await page.waitForFunction((n) => ((window as unknown as Partial<LiveProbe>).__liveOpens ?? 0) >= n, times, {
    ...(timeout === undefined ? {} : { timeout }),
  });
}

export { until };

/** Polls an async reading until it deep-equals what is expected; a timeout reports the last difference. */
export const eventually = <T>(read: () => Promise<T>, expected: T, what: string, timeoutMs?: number): Promise<true> =>
  until(
    async () => {
      assert.deepEqual(await read(), expected, what);
      return true as const;
    },
    what,
    timeoutMs,
  );

// One test's browser, server and pages, each closed when the test ends.

/** Chromium for `t` (one test, or a file's top-level test and its subtests), closed when it ends. */
export async function browserFor(t: TestContext): Promise<Browser> {
  const browser = await launchBrowser();
  t.after(() => browser.close());
  return browser;
}

/** `startServer()` for `t`, closed when it ends. */
export async function serverFor(
  t: TestContext,
  rawConfig: Record<string, unknown> = {},
  opts: { publicUrl?: boolean } = {},
): Promise<Server> {
  const s = await startServer(rawConfig, opts);
  t.after(() => s.close());
  return s;
}

/** `startServerWithSandbox()` for `t`, closed when it ends. */
export async function sandboxServerFor(t: TestContext): Promise<Server & { messaging: Messaging }> {
  const s = await startServerWithSandbox();
  t.after(() => s.close());
  return s;
}

/** A page in a fresh browser profile (`newContext`), closed when `t` ends. */
export async function pageFor(
  t: TestContext,
  browser: Browser,
  baseURL: string,
  opts: Parameters<typeof newContext>[2] = {},
): Promise<Page> {
  const context = await newContext(browser, baseURL, opts);
  t.after(() => context.close());
  return context.newPage();
}

/**
 * Signs `page` in as `email` and shows `path` (the home page the sign-in lands on unless given) with its live
 * socket open and answered (`goLive`). Init scripts a test needs go on the page before.
 */
export async function signInLive(page: Page, email: string, path?: string): Promise<void> {
  await trackLiveSocket(page);
  if (path === undefined) return goLive(page, () => signIn(page, email));
  await signIn(page, email);
  await goLive(page, () => page.goto(path));
}

/** A fresh browser profile signed in as `email` (on the home page), closed when `t` ends. */
export async function signedInPage(t: TestContext, browser: Browser, baseURL: string, email: string): Promise<Page> {
  const page = await pageFor(t, browser, baseURL);
  await signIn(page, email);
  return page;
}

/** A fresh browser profile signed in as `email`, showing `path` live (`signInLive`), closed when `t` ends. */
export async function livePageFor(
  t: TestContext,
  browser: Browser,
  baseURL: string,
  email: string,
  path?: string,
): Promise<Page> {
  const page = await pageFor(t, browser, baseURL);
  await signInLive(page, email, path);
  return page;
}

/** A fresh browser profile signed in as `email` on the conversation, live, once `text` shows on its timeline. */
export async function conversationPageFor(
  t: TestContext,
  browser: Browser,
  baseURL: string,
  email: string,
  conversationId: number,
  text: string,
): Promise<Page> {
  const page = await livePageFor(t, browser, baseURL, email, `/conversations/${conversationId}`);
  await page.getByRole('list', { name: 'Messages and events' }).getByText(text).first().waitFor();
  return page;
}

/**
 * Runs `navigate` and waits until the new document's /live socket is open and the server has answered on it (it
 * sends the navigation right after registering the tab): from then on every push for this page reaches it.
 */
export async function goLive(page: Page, navigate: () => Promise<unknown>): Promise<void> {
  const sockets: { path: string | null; answered: boolean }[] = [];
  const onSocket = (ws: WebSocket) => {
    const url = new URL(ws.url());
    if (url.pathname !== '/live') return;
    const socket = { path: url.searchParams.get('path'), answered: false };
    sockets.push(socket);
    ws.once('framereceived', () => (socket.answered = true));
  };
  page.on('websocket', onSocket);
  try {
    await navigate();
    await waitForLiveOpens(page);
    // The address is read on every try: a click that opens a pane through htmx returns before the address changes.
    const pathNow = () => {
      const here = new URL(page.url());
      return here.pathname + here.search;
    };
    // The newest socket for the path is this document's: the one we navigated from may have opened one for the same
    // path just before it went away, and that one never answers.
    await until(
      () => sockets.findLast((x) => x.path === pathNow())?.answered || undefined,
      `an answer on /live for ${pathNow()}`,
    );
  } finally {
    page.off('websocket', onSocket);
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

/**
 * Dismisses every dialog (alert, confirm) the pages open and records its message in `into`, which it returns: a
 * test that expects none ends with `assert.deepEqual(dialogs, [])`.
 */
export function dialogsOf(pages: Page[], into: string[] = []): string[] {
  for (const page of pages) page.on('dialog', (d) => void (into.push(d.message()), d.dismiss()));
  return into;
}

/** Waits until the <audio> knows how long it plays, and returns that (in seconds). */
export async function durationOf(audio: Locator): Promise<number> {
  const handle = await audio.elementHandle();
  assert.ok(handle);
  await audio.page().waitForFunction((el) => (el as HTMLAudioElement).duration > 0, handle);
  return handle.evaluate((el) => (el as HTMLAudioElement).duration);
}
