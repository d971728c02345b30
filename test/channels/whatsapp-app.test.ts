import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test, type TestContext } from 'node:test';
import pino from 'pino';
import { startMessaging } from '../../src/channels/start.ts';
import { startGraphStandin } from '../../src/channels/whatsapp/standin/server.ts';
import { jpeg } from '../fixtures/media.ts';
import { buildCampaign, buildUser, staffInbox } from '../factories.ts';
import { WA_IDS, whatsappBlock } from '../fixtures/whatsapp.ts';
import { buildTestApp, signedIn, until } from '../helper.ts';
import { HX } from '../routes/steps.ts';

const NUMBER = '+15551230000';
const CUSTOMER = '+4915112345678';
const SECRETS = { accessToken: 'app-test-token', appSecret: 'app-test-secret' };
const recording = readFileSync(new URL('../fixtures/voice/chromium.webm', import.meta.url));

/**
 * The app as `serve` runs it with a [[whatsapp]] block pointed at the Graph API stand-in: the stand-in posts signed
 * webhooks to the app's own /webhooks/whatsapp/wa-main over real HTTP, the channel calls the stand-in.
 */
async function world(t: TestContext) {
  const standin = await startGraphStandin({
    ...WA_IDS,
    displayPhoneNumber: NUMBER,
    graphVersion: 'v26.0',
    ...SECRETS,
    statusDelayMs: 20,
  });
  const h = await buildTestApp({
    sandbox: { enabled: false },
    whatsapp: [whatsappBlock(standin.url, SECRETS, { send_read_receipts: true })],
    number: [{ e164: NUMBER, whatsapp: 'wa-main', inbox: 'Support', registration: 'not-required' }],
  });
  const messaging = await startMessaging(h.app, 'switchboard.toml', pino({ level: 'silent' }));
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = h.app.server.address() as { port: number };
  standin.webhookUrl = `http://127.0.0.1:${port}/webhooks/whatsapp/wa-main`;
  t.after(async () => {
    await messaging.stop();
    await h.close();
    await standin.close();
  });
  const ana = await buildUser(h, { name: 'Ana' });
  staffInbox(h, 'Support', [ana]);
  const row = (sql: string, ...params: unknown[]) => h.sqlite.prepare(sql).get(...params) as Record<string, unknown>;
  return { h, standin, ana, row, port };
}

const sentBodies = (standin: { accepted: { body: Record<string, unknown> }[] }) => standin.accepted.map((a) => a.body);

test('WhatsApp through the app: templates synced, a customer text opens a conversation, the reply goes out in WhatsApp markup and ends read, opening it sends a read receipt', async (t) => {
  const { h, standin, ana, row } = await world(t);
  await until(
    () => row(`SELECT count(*) AS n FROM message_templates WHERE channel = 'wa-main'`).n === 1,
    'templates synced',
  );

  const { wamid, status } = await standin.userSends({ from: CUSTOMER, name: 'Alex', text: 'Is my order on its way?' });
  assert.equal(status, 200);
  const inbound = await until(
    () => row(`SELECT id, conversation_id AS conversationId, body FROM messages WHERE channel_message_id = ?`, wamid),
    'the text stored',
  );
  assert.equal(inbound.body, 'Is my order on its way?');
  const conversationId = inbound.conversationId as number;
  assert.equal(row(`SELECT phone FROM conversations WHERE id = ?`, conversationId).phone, CUSTOMER);

  const a = await signedIn(h.app, ana.email);
  // Opening the conversation marks the customer's message read on their phone (send_read_receipts = true).
  await a.get(`/conversations/${conversationId}`);
  await until(
    () =>
      standin.requests.some(
        (r) => r.status === 200 && (r.body as { status?: string; message_id?: string }).message_id === wamid,
      ),
    'a read receipt',
  );

  const sent = await a.post(`/conversations/${conversationId}/messages`, { body: 'Yes, it ships **today**.' }, HX);
  assert.equal(sent.statusCode, 200, sent.body);
  const text = await until(() => sentBodies(standin).find((b) => b.type === 'text'), 'the reply sent');
  assert.deepEqual(text.text, { body: 'Yes, it ships *today*.', preview_url: false });
  assert.equal(text.to, CUSTOMER.slice(1));
  // The stand-in reports sent, delivered, read: the message ends read and never goes back.
  await until(() => row(`SELECT status FROM messages WHERE direction = 'out'`).status === 'read', 'the reply read');
});

test('WhatsApp through the app: a photo comes in as an image; a recorded voice note goes out as Ogg/Opus with voice: true', async (t) => {
  const { h, standin, ana, row } = await world(t);
  const photo = jpeg(320, 240, 4000);
  await standin.userSends({ from: CUSTOMER, image: { data: photo, contentType: 'image/jpeg', caption: 'The box' } });
  const file = await until(
    () =>
      row(
        `SELECT a.content_type AS type, a.size, m.body, m.conversation_id AS conversationId
       FROM attachments a JOIN messages m ON m.id = a.message_id WHERE m.direction = 'in'`,
      ),
    'the photo stored',
  );
  assert.deepEqual([file.type, file.size, file.body], ['image/jpeg', photo.length, 'The box']);

  const a = await signedIn(h.app, ana.email);
  await a.get(`/conversations/${String(file.conversationId)}`);
  const sent = await a.postMultipart(
    `/conversations/${String(file.conversationId)}/messages`,
    { body: '' },
    [{ field: 'voice', name: 'voice-note.webm', data: recording, type: 'audio/webm;codecs=opus' }],
    HX,
  );
  assert.equal(sent.statusCode, 200, sent.body);
  const audio = await until(() => sentBodies(standin).find((b) => b.type === 'audio'), 'the voice note sent');
  assert.equal((audio.audio as { voice?: boolean }).voice, true);
  const upload = standin.requests.find((r) => r.path.endsWith('/media') && r.status === 200);
  assert.ok(upload, 'the note was uploaded first');
  assert.match(JSON.stringify(upload.body), /audio\/ogg/);
  await until(() => row(`SELECT status FROM messages WHERE direction = 'out'`).status === 'played', 'the note played');
});

test('WhatsApp through the app: an unsigned webhook is refused with 401 and stores nothing; STOP opts the customer out', async (t) => {
  const { standin, row } = await world(t);
  const refused = await standin.postWebhook({ object: 'whatsapp_business_account', entry: [] }, null);
  assert.equal(refused, 401);
  await standin.userSends({ from: CUSTOMER, text: 'STOP' });
  await until(() => row(`SELECT count(*) AS n FROM opt_outs`).n === 1, 'the opt-out');
});

test('WhatsApp through the app: an admin syncs the templates on demand from the connections page', async (t) => {
  const { h, standin, row } = await world(t);
  await until(() => row(`SELECT count(*) AS n FROM message_templates`).n === 1, 'templates synced at start');
  standin.templates.push({
    name: 'order_update',
    language: 'en',
    status: 'APPROVED',
    category: 'UTILITY',
    components: [{ type: 'BODY', text: 'Hi {{1}}, your order {{2}} has shipped.' }],
  });
  const admin = await buildUser(h, { role: 'admin' });
  const a = await signedIn(h.app, admin.email);
  const page = await a.get('/admin/connections');
  assert.match(page.body, /<button type="submit" aria-label="Sync the templates of wa-main">Sync templates<\/button>/);
  const synced = await a.post('/admin/connections/wa-main/refresh', {}, HX);
  assert.equal(synced.statusCode, 200, synced.body);
  assert.match(synced.body, /role="status">Done: wa-main has its templates from WhatsApp again\./);
  assert.equal(row(`SELECT count(*) AS n FROM message_templates`).n, 2);
  assert.equal((await a.post('/admin/connections/nothing/refresh', {}, HX)).statusCode, 404);
});

test('WhatsApp through the app: reactions both ways — the customer’s lands on our message, an agent’s reaches the customer', async (t) => {
  const { h, standin, ana, row } = await world(t);
  const { wamid } = await standin.userSends({ from: CUSTOMER, text: 'Thanks for the help' });
  const inbound = await until(
    () => row(`SELECT id, conversation_id AS conversationId FROM messages WHERE channel_message_id = ?`, wamid),
    'the text stored',
  );
  const a = await signedIn(h.app, ana.email);
  await a.get(`/conversations/${String(inbound.conversationId)}`);
  await a.post(`/conversations/${String(inbound.conversationId)}/messages`, { body: 'You are welcome!' }, HX);
  const ours = await until(() => standin.accepted.find((m) => m.body.type === 'text'), 'our reply at Meta');
  // The customer reacts to our reply on their phone.
  await standin.userSends({ from: CUSTOMER, reaction: { messageId: ours.wamid, emoji: '❤️' } });
  await until(() => row(`SELECT emoji FROM customer_reactions`)?.emoji === '❤️', 'their reaction stored');
  // Ana reacts to the customer's text: it goes to WhatsApp as a reaction to that message, not as a text.
  const reacted = await a.post(`/messages/${String(inbound.id)}/reactions`, { emoji: '👍' }, HX);
  assert.equal(reacted.statusCode, 204);
  const sent = await until(() => standin.accepted.find((m) => m.body.type === 'reaction'), 'our reaction at Meta');
  const reaction = sent.body.reaction as { message_id: string; emoji: string };
  assert.equal(reaction.message_id, wamid);
  assert.match(reaction.emoji, /^👍\uFE0F?$/, 'the emoji as the catalog writes it');
});

test('WhatsApp through the app: a campaign on the WhatsApp number reaches Meta as its approved template, the variable filled for the recipient', async (t) => {
  const { h, standin, row } = await world(t);
  await until(
    () => row(`SELECT count(*) AS n FROM message_templates WHERE channel = 'wa-main'`).n === 1,
    'templates synced',
  );
  const campaign = buildCampaign(h, {
    number: NUMBER,
    phones: [CUSTOMER],
    vars: [{ name: 'Alex Doe' }],
    template: { name: 'hello_again', language: 'en', params: ['{{contact.first_name}}'] },
  });
  h.app.campaigns.run();
  const sent = await until(() => sentBodies(standin).find((b) => b.type === 'template'), 'the template sent');
  assert.deepEqual(sent, {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: CUSTOMER.slice(1),
    type: 'template',
    template: {
      name: 'hello_again',
      language: { code: 'en' },
      components: [{ type: 'body', parameters: [{ type: 'text', text: 'Alex' }] }],
    },
  });
  assert.equal(sentBodies(standin).length, 1, 'nothing else went out: no footer, no text beside it');
  const message = await until(
    () => row(`SELECT body, status FROM messages WHERE campaign_id = ? AND status = 'read'`, campaign.id),
    'the campaign message read',
  );
  assert.equal(message.body, 'Hello Alex, we have news about your request. Reply to continue.');
});
