import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SANDBOX } from '../../src/config/sandbox.ts';
import { decodeShortMessage } from '../../src/channels/smpp/encoding.ts';
import { jpeg } from '../fixtures/media.ts';
import { buildUser } from '../factories.ts';
import { signedIn, until } from '../helper.ts';
import { inboundConversation, startSandbox } from './wiring.ts';

test('route "link": the SMS carries the text as plain text and then the expiring link, which opens the picture', async (t) => {
  const { h, simulator } = await startSandbox(t, { server: { public_url: 'https://inbox.example.com/' } });
  const admin = await buildUser(h, { role: 'admin' });
  const client = await signedIn(h.app, admin.email);
  await client.get('/sandbox');
  const customer = '+15557654321';
  await client.post('/sandbox/messages', { phone: customer, to: SANDBOX.number, text: 'Can you send the map?' });
  const conversationId = await inboundConversation(h);

  await client.get(`/conversations/${conversationId}`);
  const photo = jpeg(1200, 900, 80_000);
  const sent = await client.postMultipart(
    `/conversations/${conversationId}/messages`,
    { body: 'Here is the **map**' },
    [{ name: 'map.jpg', data: photo }],
  );
  assert.equal(sent.statusCode, 303);
  const sms = await until(
    () => simulator.received.find((m) => m.destAddr === customer.slice(1)),
    'the SMS at the SMSC',
  );
  const text = decodeShortMessage(sms).text;
  const match = /^Here is the map\nhttps:\/\/inbox\.example\.com\/m\/([A-Za-z0-9_-]{24})$/.exec(text);
  assert.ok(match, `the SMS reads: ${JSON.stringify(text)}`);
  await until(
    () =>
      h.sqlite.prepare(`SELECT status FROM messages WHERE body = 'Here is the **map**'`).pluck().get() === 'delivered',
    'the receipt',
  );

  const opened = await h.app.inject({ method: 'GET', url: `/m/${match[1]}/0` });
  assert.equal(opened.statusCode, 200);
  assert.ok(opened.rawPayload.equals(photo));
});
