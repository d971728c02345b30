import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import pino from 'pino';
import { channelKinds, defineKind, type WebhookRequest } from '../../src/channels/registry.ts';
import { startMessaging } from '../../src/channels/start.ts';
import { stoppedState, type Channel } from '../../src/channels/types.ts';
import { buildTestApp } from '../helper.ts';

const SECRET = 'fake-secret';
const sign = (body: Buffer) => `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;

/** A kind of its own: one channel "echo" whose receiver checks a signature over the raw body and says what it got. */
function fakeKind(seen: WebhookRequest[]) {
  return defineKind<{ name: string }, Channel>({
    name: 'fake',
    messageKind: 'whatsapp',
    starts: 'before-loop',
    specs: () => [['echo', { name: 'echo' }]],
    create: ({ name }) => ({
      name,
      state: () => stoppedState(name),
      start() {},
      send: async () => ({ ok: false, retry: false, code: 'fake', reason: 'sends nothing' }),
      stop: async () => {},
    }),
    receiver: () => ({
      bodyLimit: 1024,
      async screen({ method, query }) {
        return method === 'GET' && query.token !== 'right'
          ? { status: 403, contentType: 'text/plain', body: 'wrong token' }
          : null;
      },
      async receive(request) {
        seen.push(request);
        if (request.method === 'GET') return { status: 200, contentType: 'text/plain', body: request.query.challenge! };
        if (request.headers['x-signature'] !== sign(request.body))
          return { status: 401, contentType: 'text/plain', body: 'bad signature' };
        return {
          status: 200,
          contentType: 'application/json',
          body: JSON.stringify({ bytes: request.body.length }),
          headers: { 'x-fake': 'yes' },
        };
      },
    }),
  });
}

async function world(t: import('node:test').TestContext) {
  const seen: WebhookRequest[] = [];
  const h = await buildTestApp({ sandbox: { enabled: false } });
  const messaging = await startMessaging(h.app, 'switchboard.toml', pino({ level: 'silent' }), [
    ...channelKinds,
    fakeKind(seen),
  ]);
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  t.after(async () => {
    await messaging.stop();
    await h.close();
  });
  const { port } = h.app.server.address() as { port: number };
  return { h, seen, base: `http://127.0.0.1:${port}` };
}

test('/webhooks/<kind>/<name> reaches the receiver its kind published, with the raw body, without CSRF', async (t) => {
  const { seen, base } = await world(t);
  // Emoji and escaped unicode: the signature holds only over the bytes exactly as sent.
  const body = Buffer.from('{"text":"caf\\u00e9 ☕ 👍🏽","n":1.0}', 'utf8');
  const posted = await fetch(`${base}/webhooks/fake/echo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature': sign(body) },
    body,
  });
  assert.equal(posted.status, 200);
  assert.equal(posted.headers.get('x-fake'), 'yes');
  assert.match(posted.headers.get('content-type') ?? '', /^application\/json/);
  assert.deepEqual(await posted.json(), { bytes: body.length });
  assert.ok(seen[0]!.body.equals(body), 'the receiver got the bytes as sent, not parsed JSON');

  const unsigned = await fetch(`${base}/webhooks/fake/echo`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain; charset=utf-8', 'x-signature': 'sha256=00' },
    body: 'hello',
  });
  assert.equal(unsigned.status, 401);

  const handshake = await fetch(`${base}/webhooks/fake/echo?token=right&challenge=1158201444`);
  assert.equal(handshake.status, 200);
  assert.equal(await handshake.text(), '1158201444');
  assert.equal(seen.at(-1)!.method, 'GET');

  const refused = await fetch(`${base}/webhooks/fake/echo?token=wrong&challenge=1`);
  assert.equal(refused.status, 403, "the receiver's screen answers before the handler");
  assert.equal(seen.length, 3, 'a screened request never reaches receive()');
});

test('/webhooks: 404 for an unknown kind or name, 413 past the receiver limit before the body is read', async (t) => {
  const { seen, base } = await world(t);
  for (const path of ['/webhooks/nope/echo', '/webhooks/fake/other', '/webhooks/smpp/echo']) {
    const res = await fetch(`${base}${path}`, { method: 'POST', body: '{}' });
    assert.equal(res.status, 404, path);
  }
  const big = await fetch(`${base}/webhooks/fake/echo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: 'x'.repeat(2048),
  });
  assert.equal(big.status, 413);
  assert.equal(seen.length, 0);
});

test('/webhooks: the app elsewhere still refuses JSON bodies (the raw parser is this route’s only)', async (t) => {
  const { base } = await world(t);
  const res = await fetch(`${base}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"email":"a@b.c"}',
  });
  assert.equal(res.status, 415);
});
