import assert from 'node:assert/strict';
import { test } from 'node:test';
import { handshake, parseWebhook, verifySignature } from '../../../src/channels/whatsapp/webhook.ts';
import { metaJson, signatureOf } from '../../../src/channels/whatsapp/standin/payloads.ts';
import { until } from '../../helper.ts';
import { CUSTOMER, OUR_NUMBER, whatsAppWorld } from './world.ts';

const SECRET = 'app-secret';

test('the handshake answers the challenge as text for the right token, 403 otherwise', () => {
  const query = { 'hub.mode': 'subscribe', 'hub.verify_token': 'tok', 'hub.challenge': '1158201444' };
  assert.deepEqual(handshake(query, 'tok'), {
    status: 200,
    contentType: 'text/plain; charset=utf-8',
    body: '1158201444',
  });
  assert.equal(handshake({ ...query, 'hub.verify_token': 'nope' }, 'tok').status, 403);
  assert.equal(handshake({ ...query, 'hub.verify_token': 'to' }, 'tok').status, 403);
  assert.equal(handshake({ ...query, 'hub.mode': 'unsubscribe' }, 'tok').status, 403);
  assert.equal(handshake({ 'hub.mode': 'subscribe' }, 'tok').status, 403);
});

test('the signature is over the raw bytes: escaped unicode and raw emoji are different bodies', () => {
  const payload = { text: 'café 👍' };
  const escaped = Buffer.from(metaJson(payload));
  assert.ok(escaped.toString().includes('caf\\u00e9 \\ud83d\\udc4d'));
  const raw = Buffer.from(JSON.stringify(payload));
  const header = signatureOf(escaped, SECRET);
  assert.equal(verifySignature(escaped, header, SECRET), true);
  assert.equal(verifySignature(escaped, header.toUpperCase().replace('SHA256=', 'sha256='), SECRET), true);
  assert.equal(verifySignature(raw, header, SECRET), false, 'the same JSON re-encoded is another body');
  assert.equal(verifySignature(escaped, signatureOf(escaped, 'other'), SECRET), false);
  assert.equal(verifySignature(escaped, undefined, SECRET), false);
  assert.equal(verifySignature(escaped, '', SECRET), false);
  assert.equal(verifySignature(escaped, header.slice('sha256='.length), SECRET), false, 'no prefix');
  assert.equal(verifySignature(escaped, 'sha256=zz', SECRET), false, 'malformed');
  assert.equal(verifySignature(escaped, `sha1=${header.slice(7)}`, SECRET), false);
});

const metadata = { display_phone_number: '15551230000', phone_number_id: '123' };
const change = (value: object, field = 'messages') => ({
  field,
  value: { messaging_product: 'whatsapp', metadata, ...value },
});

test('a batch: every entry, change, message and status; duplicates passed on; unknown types skipped', () => {
  const payload = {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: 'waba',
        changes: [
          change({
            contacts: [{ profile: { name: 'Ada' }, wa_id: '4915112345678', user_id: 'DE.1234' }],
            messages: [
              { from: '4915112345678', id: 'wamid.A', type: 'text', text: { body: 'hallo' } },
              { from: '4915112345678', id: 'wamid.A', type: 'text', text: { body: 'hallo' } },
              { from: '4915112345678', id: 'wamid.B', type: 'unsupported', errors: [{ code: 131051 }] },
              { from: '4915112345678', id: 'wamid.C', type: 'order', order: {} },
              { from: '4915112345678', type: 'text', text: { body: 'no id' } },
              {
                from: '4915112345678',
                id: 'wamid.D',
                type: 'interactive',
                context: { from: '15551230000', id: 'wamid.OURS' },
                interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Yes please' } },
              },
            ],
          }),
        ],
      },
      {
        id: 'waba',
        changes: [
          change({
            statuses: [
              { id: 'wamid.S', status: 'read', recipient_id: '4915112345678' },
              { id: 'wamid.S', status: 'delivered', recipient_id: '4915112345678' },
              {
                id: 'wamid.F',
                status: 'failed',
                errors: [
                  { code: 131047, title: 'Re-engagement message', error_data: { details: 'more than 24 hours' } },
                ],
              },
              { id: 'wamid.S', status: 'deleted' },
            ],
          }),
          change(
            { event: 'APPROVED', message_template_name: 'hello', message_template_language: 'en' },
            'message_template_status_update',
          ),
          change({}, 'account_update'),
        ],
      },
    ],
  };
  const parsed = parseWebhook(payload, 'wa-main');
  assert.deepEqual(
    parsed.messages.map((m) => [
      m.text.channelMessageId,
      m.text.text,
      m.text.from,
      m.text.to,
      m.text.senderId,
      m.text.profileName,
    ]),
    [
      ['wamid.A', 'hallo', '+4915112345678', '+15551230000', 'DE.1234', 'Ada'],
      ['wamid.A', 'hallo', '+4915112345678', '+15551230000', 'DE.1234', 'Ada'],
      ['wamid.D', 'Yes please', '+4915112345678', '+15551230000', 'DE.1234', 'Ada'],
    ],
  );
  assert.equal(parsed.messages[2]!.text.replyTo, 'wamid.OURS');
  assert.deepEqual(
    parsed.statuses.map((s) => [s.carrierId, s.state, s.connection, s.errorCode, s.errorDetails]),
    [
      ['wamid.S', 'read', 'wa-main', undefined, undefined],
      ['wamid.S', 'delivered', 'wa-main', undefined, undefined],
      ['wamid.F', 'failed', 'wa-main', '131047', 'Re-engagement message: more than 24 hours'],
    ],
  );
  assert.deepEqual(parsed.templateUpdates, [{ name: 'hello', language: 'en', event: 'APPROVED' }]);
  assert.equal(parsed.skipped.length, 5, parsed.skipped.join('; '));
});

test('each inbound type: media with voice, location, contacts, quick-reply button, reaction, BSUID-only sender', () => {
  const messages = [
    { from: '49151', id: 'i', type: 'image', image: { id: 'm1', mime_type: 'image/jpeg', caption: 'look' } },
    { from: '49151', id: 'v', type: 'audio', audio: { id: 'm2', mime_type: 'audio/ogg; codecs=opus', voice: true } },
    {
      from: '49151',
      id: 'd',
      type: 'document',
      document: { id: 'm3', mime_type: 'application/pdf', filename: 'a.pdf' },
    },
    { from: '49151', id: 'l', type: 'location', location: { latitude: 52.5, longitude: 13.4, name: 'Office' } },
    {
      from: '49151',
      id: 'c',
      type: 'contacts',
      contacts: [
        { name: { formatted_name: 'Bob B', first_name: 'Bob' }, phones: [{ phone: '+1 555 0100', wa_id: '15550100' }] },
      ],
    },
    {
      from: '49151',
      id: 'b',
      type: 'button',
      context: { id: 'wamid.T' },
      button: { text: 'Stop promotions', payload: 'x' },
    },
    { from: '49151', id: 'r', type: 'reaction', reaction: { message_id: 'wamid.OURS', emoji: '❤️' } },
    { from_user_id: 'US.13491208655302741918', id: 'u', type: 'text', text: { body: 'no number' } },
  ];
  const parsed = parseWebhook(
    {
      entry: [
        {
          changes: [
            change({ contacts: [{ profile: { name: 'Hidden' }, user_id: 'US.13491208655302741918' }], messages }),
          ],
        },
      ],
    },
    'wa-main',
  );
  const [image, voice, doc, location, contacts, button, bsuid] = parsed.messages;
  assert.deepEqual(image!.media, { id: 'm1', contentType: 'image/jpeg', filename: '' });
  assert.equal(image!.text.text, 'look');
  assert.equal(voice!.text.voice, true);
  assert.equal(doc!.media!.filename, 'a.pdf');
  assert.deepEqual(location!.text.location, { latitude: 52.5, longitude: 13.4, name: 'Office' });
  assert.deepEqual(contacts!.text.contacts, [{ name: 'Bob B', phones: ['+1 555 0100'] }]);
  assert.equal(button!.text.text, 'Stop promotions');
  assert.equal(button!.text.replyTo, 'wamid.T');
  assert.deepEqual(
    { from: bsuid!.text.from, senderId: bsuid!.text.senderId, profileName: bsuid!.text.profileName },
    { from: null, senderId: 'US.13491208655302741918', profileName: 'Hidden' },
  );
  assert.deepEqual(parsed.reactions, [
    { phoneNumberId: '123', from: '+49151', to: '+15551230000', channelMessageId: 'wamid.OURS', emoji: '❤️' },
  ]);
});

test('over HTTP: the handshake, and a POST refused without the right signature (nothing stored)', async (t) => {
  const { standin, webhookUrl, config, got, channel } = await whatsAppWorld(t);
  const ok = await fetch(`${webhookUrl}?hub.mode=subscribe&hub.verify_token=${config.verifyToken}&hub.challenge=42`);
  assert.deepEqual(
    [ok.status, await ok.text(), ok.headers.get('content-type')],
    [200, '42', 'text/plain; charset=utf-8'],
  );
  const wrong = await fetch(`${webhookUrl}?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=42`);
  assert.equal(wrong.status, 403);

  const payload = {
    entry: [{ changes: [change({ messages: [{ from: '49151', id: 'x', type: 'text', text: { body: 'é 🎉' } }] })] }],
  };
  assert.equal(await standin.postWebhook(payload, null), 401);
  assert.equal(await standin.postWebhook(payload, signatureOf('something else', config.appSecret)), 401);
  await channel.settled();
  assert.equal(got.inbound.length, 0);

  const { status } = await standin.userSends({ from: CUSTOMER, name: 'Zoë', text: 'Grüße 🎉 \u00e9' });
  assert.equal(status, 200);
  const [text] = await until(() => got.inbound.length === 1 && got.inbound, 'the signed message');
  assert.deepEqual([text!.text, text!.from, text!.to, text!.profileName], ['Grüße 🎉 é', CUSTOMER, OUR_NUMBER, 'Zoë']);
});
