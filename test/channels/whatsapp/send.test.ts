import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createGraph } from '../../../src/channels/whatsapp/graph.ts';
import { messageBodies } from '../../../src/channels/whatsapp/send.ts';
import type { Channel, OutboundFile, OutboundText } from '../../../src/channels/types.ts';
import { text, whatsAppWorld } from './world.ts';

const dir = mkdtempSync(join(tmpdir(), 'wa-send-'));
function file(filename: string, contentType: string, bytes: Buffer | number): OutboundFile {
  const data = typeof bytes === 'number' ? Buffer.alloc(bytes, 1) : bytes;
  const path = join(dir, filename);
  writeFileSync(path, data);
  return { path, contentType, filename, size: data.length };
}

test('every kind of message is accepted by the stand-in, as Meta documents it', async (t) => {
  const { standin, channel } = await whatsAppWorld(t, { statuses: 'off' });
  const sends: [string, OutboundText][] = [
    ['text with a link', text('**Hi** see https://example.com')],
    ['reply', text('quoted', { replyTo: 'wamid.CUSTOMER' })],
    ['to a BSUID', { ...text('only the id'), to: '', toId: 'US.13491208655302741918' }],
    ['image with caption', text('_look_', { files: [file('a.jpg', 'image/jpeg', 1000)] })],
    ['video', text('', { files: [file('v.mp4', 'video/mp4', 1000)] })],
    ['document', text('', { files: [file('offer.pdf', 'application/pdf', 1000)] })],
    ['sticker', text('', { files: [file('s.webp', 'image/webp', 1000)] })],
    [
      'voice note',
      text('', { voice: true, files: [file('n.ogg', 'audio/ogg; codecs=opus', Buffer.from('OggS voice'))] }),
    ],
    ['audio and a text', text('listen', { files: [file('m.mp3', 'audio/mpeg', 1000)] })],
    ['reaction', text('', { reaction: { channelMessageId: 'wamid.CUSTOMER', emoji: '👍' } })],
    ['template', text('', { template: { name: 'hello_again', language: 'en', params: ['Ada'] } })],
  ];
  for (const [what, message] of sends) {
    const outcome = await channel.send(message);
    assert.ok(outcome.ok, `${what}: ${JSON.stringify(outcome)}`);
    assert.ok(
      outcome.carrierIds.every((id) => id.startsWith('wamid.')),
      what,
    );
  }
  assert.deepEqual(
    standin.requests.filter((r) => r.status !== 200),
    [],
  );
  const bodies = standin.accepted.map((a) => a.body);
  assert.deepEqual(bodies[0], {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: '4915112345678',
    type: 'text',
    text: { body: '*Hi* see https://example.com', preview_url: true },
  });
  assert.deepEqual(bodies[1]!.context, { message_id: 'wamid.CUSTOMER' });
  assert.equal(bodies[2]!.recipient, 'US.13491208655302741918');
  assert.equal(bodies[2]!.to, undefined);
  assert.deepEqual(Object.keys(bodies[3]!.image as object), ['id', 'caption']);
  assert.equal((bodies[3]!.image as { caption: string }).caption, '_look_');
  assert.equal((bodies[5]!.document as { filename: string }).filename, 'offer.pdf');
  assert.equal(bodies[6]!.type, 'sticker');
  assert.equal((bodies[7]!.audio as { voice: boolean }).voice, true);
  assert.deepEqual([bodies[8]!.type, bodies[9]!.type], ['text', 'audio'], 'audio has no caption: the text goes first');
  assert.deepEqual(bodies[10]!.reaction, { message_id: 'wamid.CUSTOMER', emoji: '👍' });
  assert.deepEqual(bodies[11]!.template, {
    name: 'hello_again',
    language: { code: 'en' },
    components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ada' }] }],
  });
  const upload = standin.requests.find((r) => r.path.endsWith('/media'))!;
  assert.deepEqual(upload.body, {
    messaging_product: 'whatsapp',
    type: 'image/jpeg',
    file: { name: 'a.jpg', type: 'image/jpeg', size: 1000 },
  });
  const typed: Channel = channel;
  assert.equal(typed.name, 'wa-main');
});

test('a broken body is refused by the stand-in, in Meta’s words', async (t) => {
  const { standin, config } = await whatsAppWorld(t, { statuses: 'off' });
  const graph = createGraph(config);
  const good = messageBodies(text('hello'), [])[0] as Record<string, unknown>;
  const broken: [string, unknown][] = [
    ['a plus in to', { ...good, to: '+4915112345678' }],
    ['an unknown key', { ...good, preview_url: true }],
    ['no messaging_product', { ...good, messaging_product: undefined }],
    ['an unknown media id', { ...good, type: 'image', text: undefined, image: { id: '42' } }],
    [
      'a template with too few variables',
      messageBodies(text('', { template: { name: 'hello_again', language: 'en', params: [] } }), [])[0],
    ],
    [
      'a template that does not exist',
      messageBodies(text('', { template: { name: 'nope', language: 'en', params: [] } }), [])[0],
    ],
    [
      'a reaction with context',
      {
        ...messageBodies(text('', { reaction: { channelMessageId: 'w', emoji: '👍' } }), [])[0],
        context: { message_id: 'w' },
      },
    ],
  ];
  for (const [what, body] of broken) {
    const answer = await graph.json('POST', `${config.phoneNumberId}/messages`, body);
    assert.equal(answer.ok, false, what);
  }
  const codes = standin.requests.filter((r) => r.path.endsWith('/messages')).map((r) => r.refusal?.code);
  assert.deepEqual(codes, [100, 100, 100, 100, 132000, 132001, 100]);
  const wrongVersion = await createGraph({ ...config, graphVersion: 'v19.0' }).json(
    'POST',
    `${config.phoneNumberId}/messages`,
    good,
  );
  assert.equal(wrongVersion.ok, false);
  const wrongToken = await createGraph({ ...config, accessToken: 'stolen' }).json(
    'POST',
    `${config.phoneNumberId}/messages`,
    good,
  );
  assert.deepEqual(wrongToken.ok ? null : [wrongToken.error.status, wrongToken.error.code], [401, 190]);
});

test('files WhatsApp would refuse are refused before any request', async (t) => {
  const { standin, channel } = await whatsAppWorld(t, { statuses: 'off' });
  const before = standin.requests.length;
  const type = await channel.send(text('', { files: [file('x.gif', 'image/gif', 10)] }));
  const size = await channel.send(text('', { files: [file('big.png', 'image/png', 5 * 1024 * 1024 + 1)] }));
  assert.deepEqual(type.ok ? null : [type.code, type.retry], ['media-type', false]);
  assert.deepEqual(size.ok ? null : [size.code, size.retry], ['media-size', false]);
  assert.equal(standin.requests.length, before);
});

test('130429 pauses the number with a growing back-off; a send after the pause goes through', async (t) => {
  const { standin, channel } = await whatsAppWorld(t, { statuses: 'off' });
  standin.failNextSend({
    httpStatus: 400,
    code: 130429,
    title: 'Rate limit hit',
    details: 'Cloud API message throughput has been reached.',
  });
  const limited = await channel.send(text('one'));
  assert.ok(!limited.ok);
  assert.deepEqual([limited.code, limited.retry], ['130429', true]);
  assert.match(limited.reason, /rate limit.*Rate limit hit: Cloud API message throughput/);
  const requests = standin.requests.length;
  const paused = await channel.send(text('two'));
  assert.deepEqual(paused.ok ? null : [paused.code, paused.retry], ['130429', true]);
  assert.equal(standin.requests.length, requests, 'no request while paused');
  await new Promise((resolve) => setTimeout(resolve, 1050));
  const after = await channel.send(text('three'));
  assert.ok(after.ok, JSON.stringify(after));

  standin.failNextSend({ httpStatus: 400, code: 131056, title: 'Pair rate limit hit' });
  const pair = await channel.send(text('four'));
  assert.deepEqual(pair.ok ? null : [pair.code, pair.retry], ['131056', true]);
  const other = await channel.send({ ...text('to someone else'), to: '+4917000000000' });
  assert.ok(other.ok, 'only that customer is paused');
  const same = await channel.send(text('five'));
  assert.deepEqual(same.ok ? null : same.code, '131056');
});

test('Meta errors come back as codes with words; 131047 is not retried', async (t) => {
  const { standin, channel } = await whatsAppWorld(t, { statuses: 'off' });
  standin.failNextSend({
    httpStatus: 400,
    code: 131047,
    title: 'Re-engagement message',
    details: 'More than 24 hours have passed',
  });
  const outcome = await channel.send(text('late'));
  assert.deepEqual(outcome, {
    ok: false,
    retry: false,
    code: '131047',
    reason:
      'more than 24 hours passed since the customer last wrote: only an approved template may be sent (Re-engagement message: More than 24 hours have passed)',
  });
});

test('throughput paces sends; read receipts are sent', async (t) => {
  const { standin, channel } = await whatsAppWorld(t, { statuses: 'off', throughput: 20 });
  const outcomes = await Promise.all([1, 2, 3, 4].map((n) => channel.send(text(`n${n}`))));
  assert.ok(outcomes.every((o) => o.ok));
  assert.deepEqual(await channel.markRead('wamid.CUSTOMER'), { ok: true });
  const receipt = standin.requests.at(-1)!;
  assert.deepEqual(receipt.body, { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.CUSTOMER' });
});
