import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import WebSocket from 'ws';
import { signedIn, until, type TestApp } from '../helper.ts';

/**
 * A signed-in tab's live socket on `h` (listening), recording every fragment it is pushed, the catch-up first. Its
 * handshake asks for English, as a browser that sets the language for pages only does.
 */
export async function liveTab(h: TestApp, t: TestContext, email: string, query = 'path=%2Fconversations') {
  const address = h.app.server.address();
  assert.ok(address && typeof address === 'object', 'the app listens');
  const client = await signedIn(h.app, email);
  const received: string[] = [];
  const socket = new WebSocket(`ws://127.0.0.1:${address.port}/live?${query}`, {
    headers: { cookie: client.cookieHeader, 'accept-language': 'en-US' },
  });
  socket.on('message', (data) => received.push((data as Buffer).toString()));
  t.after(() => socket.close());
  await until(() => received.length >= 1, 'the catch-up fragment');
  return received;
}
