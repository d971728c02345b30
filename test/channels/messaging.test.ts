import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SANDBOX } from '../../src/config/sandbox.ts';
import { decodeShortMessage } from '../../src/channels/smpp/encoding.ts';
import { buildUser } from '../factories.ts';
import { signedIn, until } from '../helper.ts';
import { inboundConversation, startSandbox } from './wiring.ts';

test('sandbox end to end: a customer texts in, an agent replies, the SMSC receives it and the receipt marks it delivered', async (t) => {
  const { h, simulator } = await startSandbox(t);
  const admin = await buildUser(h, { role: 'admin' });
  const client = await signedIn(h.app, admin.email);
  assert.match((await client.get('/conversations')).body, /Sandbox: texts go to a built-in test SMSC/);

  await client.get('/sandbox');
  const customer = '+15557654321';
  const long = 'Hello! '.repeat(30).trim() + ' 😀';
  const mo = await client.post('/sandbox/messages', { phone: customer, to: SANDBOX.number, text: long });
  assert.equal(mo.statusCode, 303);
  // The long text, joined from its parts.
  const conversationId = await inboundConversation(h, long);

  await client.get(`/conversations/${conversationId}`);
  const replyText = 'Thanks {for} writing — we reply within 5 € minutes'.replace('—', '-');
  assert.equal((await client.post(`/conversations/${conversationId}/messages`, { body: replyText })).statusCode, 303);
  const submitted = await until(
    () => simulator.received.find((m) => m.destAddr === customer.slice(1)),
    'the reply at the SMSC',
  );
  assert.equal(submitted.dataCoding, 0, 'GSM 03.38 with data_coding set explicitly');
  assert.equal(submitted.sourceAddr, SANDBOX.number.slice(1));
  assert.equal(decodeShortMessage(submitted).text, replyText);
  assert.ok(submitted.shortMessage.includes(Buffer.from([0x1b, 0x65])), '€ as the escape pair');
  await until(
    () => h.sqlite.prepare(`SELECT status FROM messages WHERE body = ?`).pluck().get(replyText) === 'delivered',
    'the delivery receipt',
  );

  const page = await client.get(`/sandbox?phone=${encodeURIComponent(customer)}`);
  assert.match(page.body, /Thanks \{for\} writing/);

  // Formatting stays inside the app: the SMS carries the words and the link's URL.
  const formatted = '**Open** _today_ ~~9~~ 10-6: [hours](https://example.com/hours)\n- walk in\n- or call';
  await client.post(`/conversations/${conversationId}/messages`, { body: formatted });
  const plain = await until(
    () => simulator.received.find((m) => decodeShortMessage(m).text.startsWith('Open today')),
    'the formatted reply at the SMSC',
  );
  assert.equal(
    decodeShortMessage(plain).text,
    'Open today 9 10-6: hours (https://example.com/hours)\n- walk in\n- or call',
  );
  const shown = await client.get(`/conversations/${conversationId}`);
  assert.match(shown.body, /<strong>Open<\/strong> <em>today<\/em> <del>9<\/del>/, 'and the app shows it formatted');

  await client.post('/sandbox/messages', { phone: customer, to: SANDBOX.number, text: 'STOP' });
  await until(
    () => simulator.received.some((m) => decodeShortMessage(m).text.startsWith('You have been unsubscribed')),
    'the one STOP confirmation',
  );
  await client.get(`/conversations/${conversationId}`);
  const refused = await client.post(`/conversations/${conversationId}/messages`, { body: 'Wait!' });
  assert.equal(refused.statusCode, 422);
  assert.match(refused.body, /opted out/);
});

test("admins see each carrier connection's state, and a drop is pushed to them live", async (t) => {
  const { h, messaging } = await startSandbox(t);
  const [admin, agent] = await Promise.all([buildUser(h, { role: 'admin' }), buildUser(h)]);
  const client = await signedIn(h.app, admin.email);
  await until(() => h.app.messaging.channels[0]?.state().status === 'bound', 'the sandbox connection bound');
  const page = await client.get('/admin/connections');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /<th scope="row">sandbox<\/th>\s*<td>SMS \(SMPP\)<\/td>\s*<td class="conn-bound">Bound/);
  assert.equal((await (await signedIn(h.app, agent.email)).get('/admin/connections')).statusCode, 404);

  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = h.app.server.address() as { port: number };
  const { default: WebSocket } = await import('ws');
  const socket = new WebSocket(`ws://127.0.0.1:${port}/live`, { headers: { cookie: client.cookieHeader } });
  const frames: string[] = [];
  socket.on('message', (d) => frames.push((d as Buffer).toString()));
  await new Promise((resolve) => socket.once('open', resolve));
  t.after(() => socket.close());
  messaging.sandbox!.dropConnections();
  const frame = await until(
    () => frames.find((f) => f.includes('id="admin-connections"')),
    'a pushed connection state',
  );
  assert.match(frame, /hx-swap-oob="true"/);
  assert.match(frame, /Down|Connecting/);
});
