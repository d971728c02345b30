/**
 * Steps the route tests take as a browser would: asking as htmx does, signing in through the form, moving the
 * clock the app reads. Worlds (users, inboxes, conversations) come from ../factories.ts, not from here.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { Client, PASSWORD, type TestApp } from '../helper.ts';

/** The request options of an htmx request: routes answer with the fragment to swap, not the page. */
export const HX = { headers: { 'hx-request': 'true' } };

/** A clock the test moves by hand: the app reads it through `ctx.now`. */
export function handClock(h: TestApp): { at: number; pass(ms: number): void } {
  const clock = { at: Date.now(), pass: (ms: number) => void (clock.at += ms) };
  h.app.domain.now = () => clock.at;
  return clock;
}

/** The text of the page's first alert (`role="alert"`), '' when there is none. */
export const alertOf = (body: string): string => /role="alert">([^<]*)</.exec(body)?.[1] ?? '';

/**
 * A fresh browser at `address` through the sign-in form, with what else the form carries (`next`, `time_zone`);
 * the password is the test password unless given. Returns the browser and the form's answer.
 */
export async function signInForm(
  app: FastifyInstance,
  form: { email: string; password?: string; next?: string; time_zone?: string },
  address?: string,
): Promise<{ browser: Client; res: LightMyRequestResponse }> {
  const browser = new Client(app, address);
  await browser.get('/login');
  const fields = Object.entries({ password: PASSWORD, ...form }).filter(([, v]) => v !== undefined);
  const res = await browser.post('/login', Object.fromEntries(fields));
  return { browser, res };
}

/** A browser at `address`, signed in and on the conversation list: `signedIn` from somewhere else than loopback. */
export async function signedInFrom(app: FastifyInstance, email: string, address: string): Promise<Client> {
  const { browser, res } = await signInForm(app, { email }, address);
  if (res.statusCode !== 303) throw new Error(`login failed: ${res.statusCode}`);
  await browser.get('/conversations');
  return browser;
}
