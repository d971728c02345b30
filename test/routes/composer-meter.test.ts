import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildConversation, buildInbox, buildNumber, buildUser } from '../factories.ts';
import { signedIn, testApp } from '../helper.ts';
import { HX } from './steps.ts';

test("the composer counts as the conversation's number does: SMS parts, or characters of WhatsApp's 4096", async (t) => {
  const h = await testApp(t);
  const agent = await buildUser(h, { name: 'Ana' });
  const inbox = buildInbox(h, { name: 'Support', members: [agent] });
  const sms = buildConversation(h, { number: buildNumber(h, { inbox }) });
  // Stored as the sink stores any text: the composer asks the number's kind, not the channel.
  const whatsapp = buildConversation(h, { number: buildNumber(h, { inbox, smpp: undefined, whatsapp: 'wa-main' }) });
  const client = await signedIn(h.app, agent.email);

  const waPage = (await client.get(`/conversations/${whatsapp.id}`)).body;
  assert.match(waPage, /<p id="composer-count"[^>]*>0 \/ 4096 characters<\/p>/);
  assert.match(waPage, /<textarea id="reply-body" name="body" rows="1" maxlength="4096"/);
  const smsPage = (await client.get(`/conversations/${sms.id}`)).body;
  assert.match(smsPage, /160 characters left · 1 SMS/);
  assert.match(smsPage, /<textarea id="reply-body" name="body" rows="1" maxlength="1600"/);

  const count = (conversation: number, body: string) =>
    client.post('/compose/count', { conversation: String(conversation), body }, HX).then((r) => r.body);
  assert.match(await count(whatsapp.id, 'Hi 😀'), />5 \/ 4096 characters</);
  assert.match(await count(whatsapp.id, 'x'.repeat(5000)), />4096 \/ 4096 characters</, 'cut at the limit');
  assert.match(await count(sms.id, 'Hi 😀'), /65 characters left · 1 SMS \(emoji/);
});
