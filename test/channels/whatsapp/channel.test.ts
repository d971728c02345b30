import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { MetaTemplate } from '../../../src/channels/whatsapp/standin/server.ts';
import { envelope, messagesChange } from '../../../src/channels/whatsapp/standin/payloads.ts';
import { until } from '../../helper.ts';
import { CUSTOMER, OUR_NUMBER, text, whatsAppWorld } from './world.ts';

const BUSINESS = {
  businessAccountId: '987654321098765',
  phoneNumberId: '123456789012345',
  displayPhoneNumber: OUR_NUMBER,
};

const template = (n: number, status = 'APPROVED'): MetaTemplate => ({
  name: `t${n}`,
  language: 'de',
  status,
  category: 'UTILITY',
  components: [
    { type: 'HEADER', format: 'TEXT', text: `Header ${n}` },
    { type: 'BODY', text: `Hallo {{1}}, Nummer ${n}` },
    { type: 'FOOTER', text: 'Fuß' },
    { type: 'BUTTONS' },
  ],
});

test('start lists every template page by page and the channel is bound; a template webhook lists them again', async (t) => {
  const templates = [1, 2, 3, 4, 5].map((n) => template(n));
  const { standin, channel, got, states } = await whatsAppWorld(t, { templates, templatePageSize: 2 });
  await until(() => got.templates.length === 1, 'the first template sync');
  assert.deepEqual(
    got.templates[0]!.map((x) => x.name),
    ['t1', 't2', 't3', 't4', 't5'],
  );
  assert.deepEqual(got.templates[0]![0], {
    name: 't1',
    language: 'de',
    status: 'APPROVED',
    category: 'UTILITY',
    body: 'Hallo {{1}}, Nummer 1',
    header: 'Header 1',
    footer: 'Fuß',
  });
  const pages = standin.requests.filter((r) => r.path.endsWith('/message_templates'));
  assert.equal(pages.length, 3);
  assert.ok(
    pages.every((p) => !JSON.stringify(p.body).includes('access_token')),
    'our own cursor, not Meta’s next link',
  );
  assert.deepEqual(
    states.map((s) => s.status),
    ['connecting', 'bound'],
  );
  assert.equal(channel.state().status, 'bound');

  standin.templates.push(template(6, 'PENDING'));
  const update = { event: 'PENDING', message_template_name: 't6', message_template_language: 'de' };
  await standin.postWebhook(envelope(BUSINESS, [{ field: 'message_template_status_update', value: update }]));
  await until(() => got.templates.length === 2, 'the sync after the template webhook');
  assert.equal(got.templates[1]!.at(-1)!.status, 'PENDING');
});

test('a wrong token: the channel is down with a reason, and the token is in no error', async (t) => {
  const { channel, config, states } = await whatsAppWorld(t, { start: false, accessToken: 'the-right-one' });
  channel.start({
    inbound: async () => {},
    report: async () => {},
    reaction: async () => {},
    templates: async () => {},
  });
  await until(() => channel.state().status === 'down', 'down');
  assert.match(channel.state().lastError ?? '', /access token/);
  assert.ok(!JSON.stringify(states).includes(config.accessToken));
  const outcome = await channel.send(text('hello'));
  assert.deepEqual(outcome.ok ? null : [outcome.code, outcome.retry], ['190', false]);
});

test('statuses of what we send reach the sink: sent, delivered, read, and played for a voice note', async (t) => {
  const { channel, got } = await whatsAppWorld(t, { statusDelayMs: 5 });
  const dir = mkdtempSync(join(tmpdir(), 'wa-voice-'));
  writeFileSync(join(dir, 'n.ogg'), Buffer.from('OggS fake opus'));
  const outcome = await channel.send(
    text('', {
      voice: true,
      files: [{ path: join(dir, 'n.ogg'), contentType: 'audio/ogg; codecs=opus', filename: 'n.ogg', size: 14 }],
    }),
  );
  assert.ok(outcome.ok);
  const [wamid] = outcome.carrierIds;
  await until(() => got.reports.length === 4, 'four statuses');
  assert.deepEqual(
    got.reports.map((r) => [r.connection, r.carrierId, r.state]),
    ['sent', 'delivered', 'read', 'played'].map((s) => ['wa-main', wamid, s]),
  );
});

test('statuses out of order are passed through as they come (the domain keeps the furthest)', async (t) => {
  const { channel, got } = await whatsAppWorld(t, { statusDelayMs: 5, statuses: 'reversed' });
  const outcome = await channel.send(text('hi'));
  assert.ok(outcome.ok);
  await until(() => got.reports.length === 3, 'three statuses');
  assert.deepEqual(
    got.reports.map((r) => r.state),
    ['read', 'delivered', 'sent'],
  );
});

test('the customer’s photo and voice note are fetched in two steps, an expired URL asked for again', async (t) => {
  const { standin, channel, got } = await whatsAppWorld(t, { statuses: 'off' });
  const photo = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
  standin.expireNextMediaUrls(1);
  const sentPhoto = await standin.userSends({ from: CUSTOMER, image: { data: photo, caption: 'my bike' } });
  const voice = Buffer.from('OggS\0\x02 opus voice');
  await standin.userSends({ from: CUSTOMER, voice, replyTo: 'wamid.OURS' });
  await until(() => got.inbound.length === 2, 'two messages');
  await channel.settled();
  const [image, note] = got.inbound;
  assert.equal(image!.channelMessageId, sentPhoto.wamid);
  assert.equal(image!.text, 'my bike');
  assert.deepEqual(image!.files, [{ contentType: 'image/jpeg', filename: '', data: photo }]);
  assert.equal(note!.voice, true);
  assert.equal(note!.replyTo, 'wamid.OURS');
  assert.deepEqual(note!.files?.[0]?.data, voice);
  const downloads = standin.requests.filter((r) => r.path === '/whatsapp_business/attachments/').map((r) => r.status);
  assert.deepEqual(downloads, [404, 200, 200], 'the expired URL answered 404 and a fresh one was fetched');
});

test('over HTTP: a reaction, a location, a BSUID-only sender, the same wamid twice, another number’s message skipped', async (t) => {
  const { standin, channel, got } = await whatsAppWorld(t, { statuses: 'off' });
  await standin.userSends({ from: CUSTOMER, reaction: { messageId: 'wamid.OURS', emoji: '🙏' } });
  await standin.userSends({ from: CUSTOMER, location: { latitude: 52.52, longitude: 13.405, name: 'Alex' } });
  await standin.userSends({ userId: 'US.13491208655302741918', name: 'Anon', text: 'no number' });
  const twice = envelope(BUSINESS, [
    messagesChange(BUSINESS, {
      messages: [{ from: '4915112345678', id: 'wamid.DUP', type: 'text', text: { body: 'dup' } }],
    }),
  ]);
  await standin.postWebhook(twice);
  await standin.postWebhook(twice);
  const elsewhere = envelope(BUSINESS, [
    messagesChange(
      { ...BUSINESS, phoneNumberId: '999', displayPhoneNumber: '+15550000000' },
      { messages: [{ from: '4915112345678', id: 'wamid.X', type: 'text', text: { body: 'not ours' } }] },
    ),
  ]);
  await standin.postWebhook(elsewhere);
  await channel.settled();
  assert.deepEqual(got.reactions, [{ from: CUSTOMER, to: OUR_NUMBER, channelMessageId: 'wamid.OURS', emoji: '🙏' }]);
  assert.deepEqual(
    got.inbound.map((m) => [m.from, m.senderId, m.channelMessageId?.startsWith('wamid.'), m.text, m.location?.name]),
    [
      [CUSTOMER, undefined, true, '', 'Alex'],
      [null, 'US.13491208655302741918', true, 'no number', undefined],
      [CUSTOMER, undefined, true, 'dup', undefined],
      [CUSTOMER, undefined, true, 'dup', undefined],
    ],
  );
});
