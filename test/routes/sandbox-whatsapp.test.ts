import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SANDBOX_WHATSAPP } from '../../src/config/sandbox.ts';
import { sandboxServerFor } from '../e2e/browser.ts';
import { buildUser } from '../factories.ts';
import { jpeg } from '../fixtures/media.ts';
import { signedIn, until } from '../helper.ts';

const CUSTOMER = '+15557654321';

/** The customer's message as stored: the conversation it went to, with its number's channel. */
const inbound = (s: { sqlite: import('better-sqlite3').Database }, body: string) =>
  s.sqlite
    .prepare(
      `SELECT m.id, m.conversation_id AS conversationId, n.e164, n.channel, n.kind, i.name AS inbox
         FROM messages m JOIN conversations c ON c.id = m.conversation_id
         JOIN numbers n ON n.id = c.number_id JOIN inboxes i ON i.id = n.inbox_id
        WHERE m.direction = 'in' AND m.body = ?`,
    )
    .get(body) as
    { id: number; conversationId: number; e164: string; channel: string; kind: string; inbox: string } | undefined;

test('the sandbox customer phone writes on WhatsApp: text in, a reply out with its ticks, a photo as an image', async (t) => {
  const s = await sandboxServerFor(t);
  const admin = await buildUser(s, { role: 'admin' });
  const client = await signedIn(s.app, admin.email);

  const page = await client.get('/sandbox');
  assert.match(page.body, /<option value="\+15550100100"[^>]*>\+1 555 010 0100 \(SMS\)<\/option>/);
  assert.match(page.body, /<option value="\+15550100199">\+1 555 010 0199 \(WhatsApp\)<\/option>/);
  const whatsappForm = await client.get(`/sandbox?phone=${encodeURIComponent(CUSTOMER)}&to=%2B15550100199`);
  assert.match(whatsappForm.body, /<label for="sandbox-photo">Photo/);
  assert.match(whatsappForm.body, /data-voice-recorder/, 'the voice recorder is offered on WhatsApp');

  // The WhatsApp user's text reaches Support on the WhatsApp number, through the stand-in's signed webhook.
  const sent = await client.postMultipart(
    '/sandbox/messages',
    { phone: CUSTOMER, to: SANDBOX_WHATSAPP.number, text: 'Is my order on its way? 📦' },
    [],
  );
  assert.equal(sent.statusCode, 303, sent.body);
  const text = await until(() => inbound(s, 'Is my order on its way? 📦'), 'the WhatsApp text stored');
  assert.deepEqual(
    { e164: text.e164, channel: text.channel, kind: text.kind, inbox: text.inbox },
    { e164: SANDBOX_WHATSAPP.number, channel: SANDBOX_WHATSAPP.name, kind: 'whatsapp', inbox: 'Support' },
  );

  // An agent's reply goes out through the stand-in and shows on the phone with the ticks it reports.
  await client.get(`/conversations/${text.conversationId}`);
  const reply = await client.post(`/conversations/${text.conversationId}/messages`, { body: 'Yes, it ships today.' });
  assert.equal(reply.statusCode, 303, reply.body);
  const lines = () => client.get(`/sandbox/lines?phone=${encodeURIComponent(CUSTOMER)}`).then((r) => r.body);
  await until(async () => /Yes, it ships today\./.test(await lines()), 'the reply on the phone');
  await until(
    async () => /<span class="msg-status">Read<\/span>/.test(await lines()),
    'the reply read, as the stand-in reported',
  );
  await until(
    () => s.sqlite.prepare(`SELECT status FROM messages WHERE body = ?`).pluck().get('Yes, it ships today.') === 'read',
    'the app took the statuses',
  );
  const transcript = await lines();
  assert.match(transcript, /Sent on WhatsApp to \+1 555 010 0199/);
  assert.match(transcript, /Received on WhatsApp from \+1 555 010 0199/);

  // The phone reacts to the reply: the reaction reaches the app's message.
  const replyWamid = /name="message" value="(wamid\.[^"]+)"/.exec(transcript)?.[1];
  assert.ok(replyWamid, 'the reply carries its reaction buttons');
  const reacted = await client.post('/sandbox/reactions', { phone: CUSTOMER, message: replyWamid, emoji: '👍' });
  assert.equal(reacted.statusCode, 303, reacted.body);
  assert.match(await lines(), /You reacted 👍/);
  const refused = await client.post('/sandbox/reactions', { phone: CUSTOMER, message: replyWamid, emoji: '💩' });
  assert.equal(refused.statusCode, 422, 'only the offered reactions');

  // A photo arrives as an image attachment, its caption the text; the phone shows it again.
  const photo = jpeg(320, 240);
  const withPhoto = await client.postMultipart(
    '/sandbox/messages',
    { phone: CUSTOMER, to: SANDBOX_WHATSAPP.number, text: 'The box' },
    [{ field: 'photo', name: 'box.jpg', data: photo, type: 'image/jpeg' }],
  );
  assert.equal(withPhoto.statusCode, 303, withPhoto.body);
  const attachment = await until(
    () =>
      s.sqlite
        .prepare(
          `SELECT a.kind, a.content_type AS contentType, a.size FROM attachments a
             JOIN messages m ON m.id = a.message_id WHERE m.direction = 'in'`,
        )
        .get() as { kind: string; contentType: string; size: number } | undefined,
    'the photo stored as an attachment',
  );
  assert.deepEqual(attachment, { kind: 'image', contentType: 'image/jpeg', size: photo.length });
  const own = /<img class="sandbox-photo" src="(\/sandbox\/media\/[^"]+)" alt="📎 image">/.exec(await lines());
  assert.ok(own, 'the phone shows its photo');
  const served = await client.get(own[1]!);
  assert.equal(served.headers['content-type'], 'image/jpeg');
  assert.equal(served.rawPayload.length, photo.length);

  // What WhatsApp does not take is refused in words, nothing sent.
  const gif = await client.postMultipart('/sandbox/messages', { phone: CUSTOMER, to: SANDBOX_WHATSAPP.number }, [
    { field: 'photo', name: 'x.gif', data: Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1') },
  ]);
  assert.equal(gif.statusCode, 422);
  assert.match(gif.body, /Choose a JPEG or PNG photo\./);
  const smsPhoto = await client.postMultipart('/sandbox/messages', { phone: CUSTOMER, to: '+15550100100', text: 'x' }, [
    { field: 'photo', name: 'box.jpg', data: photo, type: 'image/jpeg' },
  ]);
  assert.equal(smsPhoto.statusCode, 422);
  assert.match(smsPhoto.body, /Photos and voice notes go by WhatsApp/);
});
