import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { startMessaging } from '../../src/channels/start.ts';
import { decodeShortMessage } from '../../src/channels/smpp/encoding.ts';
import { jpeg, pdf, png } from '../fixtures/media.ts';
import { buildUser, staffInbox } from '../factories.ts';
import { buildTestApp, signedIn, until } from '../helper.ts';
import { carrierSmsc } from './wiring.ts';
import { deliverReq, deliveryReportReq, post, readAnswer, startMmsc } from './mm7/mmsc.ts';

const NUMBER = '+4930123456789';
const CUSTOMER = '+4915112345678';
const TO_US = { username: 'carrier', password: 'inbound-secret-123' };
const TO_MMSC = { username: 'acme', password: 'mmsc-secret' };

/** A number whose files go by MM7 and whose texts go by SMPP, each to a real peer over loopback. */
async function world(t: import('node:test').TestContext) {
  const { smsc, block } = await carrierSmsc(t, 50);
  const mmsc = await startMmsc(TO_MMSC);
  const h = await buildTestApp({
    sandbox: { enabled: false },
    smpp: [block],
    mm7: [
      {
        name: 'mmsc',
        url: mmsc.url,
        vasp_id: 'acme',
        vas_id: 'switchboard',
        username: TO_MMSC.username,
        password: TO_MMSC.password,
        inbound_username: TO_US.username,
        inbound_password: TO_US.password,
        timeout_s: 5,
      },
    ],
    number: [
      { e164: NUMBER, smpp: 'carrier', inbox: 'Support', registration: 'not-required', mms: 'mm7', mm7: 'mmsc' },
    ],
  });
  const messaging = await startMessaging(h.app, 'switchboard.toml', pino({ level: 'silent' }));
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  t.after(async () => {
    await messaging.stop();
    await h.close();
    await mmsc.stop();
  });
  const { port } = h.app.server.address() as { port: number };
  const ana = await buildUser(h, { name: 'Ana' });
  staffInbox(h, 'Support', [ana]);
  return { h, smsc, mmsc, ana, endpoint: `http://127.0.0.1:${port}/mm7/mmsc` };
}

test('MM7 both ways: an inbound MMS lands in the conversation; a reply with files goes as SubmitReq and its report marks it delivered; texts stay SMS', async (t) => {
  const { h, smsc, mmsc, ana, endpoint } = await world(t);
  const picture = jpeg(320, 240, 4000);
  const inbound = deliverReq({
    sender: `${CUSTOMER.slice(1)}/TYPE=PLMN`,
    recipient: NUMBER.slice(1),
    smil: true,
    parts: [
      { contentType: 'text/plain', body: 'Here is the broken part', charset: 'utf-8', location: 'text.txt' },
      { contentType: 'image/jpeg', body: picture, encoding: 'base64', location: 'IMG_0042.jpg' },
    ],
  });
  const answer = await post(endpoint, inbound, TO_US);
  assert.equal(answer.status, 200, answer.body);
  assert.equal(readAnswer(answer.body).kind, 'DeliverRsp');
  assert.equal(readAnswer(answer.body).statusCode, 1000);
  const message = h.sqlite
    .prepare(`SELECT id, conversation_id AS conversationId, body FROM messages WHERE direction = 'in'`)
    .get() as { id: number; conversationId: number; body: string };
  assert.equal(message.body, 'Here is the broken part');
  const file = h.sqlite
    .prepare('SELECT content_type, filename, size FROM attachments WHERE message_id = ?')
    .get(message.id);
  assert.deepEqual(
    { ...(file as object) },
    { content_type: 'image/jpeg', filename: 'IMG_0042.jpg', size: picture.length },
  );

  const a = await signedIn(h.app, ana.email);
  const page = await a.get(`/conversations/${message.conversationId}`);
  assert.match(page.body, new RegExp(`<img src="/media/${message.id}/0" alt="IMG_0042.jpg"`), 'the picture inline');
  assert.match(page.body, /\+4915112345678/);

  const reply = png(64, 64);
  const sent = await a.postMultipart(
    `/conversations/${message.conversationId}/messages`,
    { body: 'Thanks! We will send a **new** one.' },
    [
      { name: 'label.png', data: reply },
      { name: 'return-form.pdf', data: pdf() },
    ],
  );
  assert.equal(sent.statusCode, 303);
  const submission = await until(() => mmsc.submissions[0], 'the SubmitReq at the MMSC');
  assert.deepEqual(mmsc.violations, []);
  assert.deepEqual(
    submission.to.map((x) => x.value),
    [CUSTOMER.slice(1)],
  );
  assert.equal(submission.vaspId, 'acme');
  assert.equal(submission.text, 'Thanks! We will send a new one.', 'plain text, like SMS');
  assert.deepEqual(
    submission.files.map((f) => [f.contentType, f.name, f.data.equals(f.contentType === 'image/png' ? reply : pdf())]),
    [
      ['image/png', 'label.png', true],
      ['application/pdf', 'return-form.pdf', true],
    ],
  );
  const out = await until(
    () =>
      h.sqlite
        .prepare(
          `SELECT m.id, m.status, p.smsc_id AS carrierId FROM messages m JOIN message_parts p ON p.message_id = m.id WHERE m.direction = 'out'`,
        )
        .get() as { id: number; status: string; carrierId: string } | undefined,
    'the message sent',
  );
  assert.equal(out.status, 'sent');
  assert.equal(smsc.received.length, 0, 'files went by MM7, not SMS');

  const report = await post(endpoint, deliveryReportReq({ messageId: out.carrierId, mmStatus: 'Retrieved' }), TO_US);
  assert.equal(readAnswer(report.body).statusCode, 1000);
  assert.equal(h.sqlite.prepare('SELECT status FROM messages WHERE id = ?').pluck().get(out.id), 'delivered');

  await a.get(`/conversations/${message.conversationId}`);
  await a.post(`/conversations/${message.conversationId}/messages`, { body: 'Text only' });
  const sms = await until(() => smsc.received[0], 'the text-only reply at the SMSC');
  assert.equal(decodeShortMessage(sms).text, 'Text only');
  assert.equal(mmsc.submissions.length, 1);
});

test('the MM7 endpoint: wrong credentials 401, unknown connection 404, malformed input an MM7 fault; nothing stored', async (t) => {
  const { h, endpoint } = await world(t);
  const count = () => h.sqlite.prepare('SELECT count(*) FROM messages').pluck().get();
  const inbound = deliverReq({ recipient: NUMBER.slice(1), parts: [{ contentType: 'text/plain', body: 'hi' }] });
  const wrong = await post(endpoint, inbound, { username: TO_US.username, password: 'guess' });
  assert.equal(wrong.status, 401);
  assert.match(wrong.wwwAuthenticate ?? '', /^Basic/);
  assert.equal((await post(endpoint.replace(/mmsc$/, 'other'), inbound, TO_US)).status, 404);
  const broken = await post(
    endpoint,
    {
      contentType: 'text/xml',
      body: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
    },
    TO_US,
  );
  assert.equal(broken.status, 500);
  assert.ok(readAnswer(broken.body).faultstring, 'a SOAP fault that says why');
  assert.equal(count(), 0);
});
