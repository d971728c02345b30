import assert from 'node:assert/strict';
import { test } from 'node:test';
import { receiveReaction } from '../../src/domain/messaging/customer-reactions.ts';
import { claimDue, writeDeliveries } from '../../src/domain/messaging/delivery.ts';
import { queueReply } from '../../src/domain/messaging/outbox.ts';
import { storeTemplates } from '../../src/domain/messaging/templates.ts';
import { signedIn } from '../helper.ts';
import { CHANNEL, whatsAppWorld } from '../domain/messaging/whatsapp-world.ts';
import { HX } from './steps.ts';

const ANA = '+15557654321';
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

/** Ana Lima wrote on WhatsApp at T0; the clock stands where `now` says. */
async function world(t: import('node:test').TestContext) {
  const w = await whatsAppWorld();
  t.after(() => w.h.close());
  let now = T0;
  w.h.app.domain.now = () => now;
  const first = w.receive({
    from: ANA,
    senderId: 'US.1',
    profileName: 'Ana Lima',
    text: 'Where is my <b>parcel</b>?',
    channelMessageId: 'wamid.in1',
  });
  assert.ok(first.stored);
  const client = await signedIn(w.h.app, w.admin.email);
  const outCount = () => Number(w.rows(`SELECT count(*) AS n FROM messages WHERE direction = 'out'`)[0]!.n);
  return {
    ...w,
    client,
    outCount,
    conversationId: first.conversationId,
    customerMessageId: first.messageId,
    setNow: (at: number) => void (now = at),
  };
}

test('inside the window: how long it stays open, a reply-to action on the customer message, a quoted reply sent', async (t) => {
  const w = await world(t);
  w.setNow(T0 + 50 * 60_000);
  const page = await w.client.get(`/conversations/${w.conversationId}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /You can reply for 23 h 10 min\./);
  assert.match(page.body, /<textarea id="reply-body" name="body"/);
  assert.match(page.body, new RegExp(`data-quote="${w.customerMessageId}"[^>]*aria-label="Reply to this message"`));
  assert.match(page.body, /The customer sees your reaction on WhatsApp\./, 'the reaction menu says it goes out');

  const sent = await w.client.post(
    `/conversations/${w.conversationId}/messages`,
    { body: 'On its way!', reply_to: String(w.customerMessageId) },
    HX,
  );
  assert.equal(sent.statusCode, 200);
  const row = w.rows(`SELECT reply_to_id AS replyTo FROM messages WHERE body = 'On its way!'`)[0];
  assert.equal(row?.replyTo, w.customerMessageId);
  // The reply draws what it quotes above its text, escaped.
  assert.match(
    sent.body,
    /<blockquote class="msg-quote quote-in" aria-label="Quoting the customer">Where is my &lt;b&gt;parcel&lt;\/b&gt;\?<\/blockquote>/,
  );
  // Queued: a clock, named.
  assert.match(sent.body, /class="status status-queued" role="img" aria-label="Queued"/);
});

test('a quote of no customer message of this conversation is refused in place, and nothing is queued', async (t) => {
  const w = await world(t);
  const other = w.receive({
    from: '+15550001111',
    senderId: 'US.2',
    text: 'Someone else',
    channelMessageId: 'wamid.in2',
  });
  assert.ok(other.stored);
  const { messageId: ours } = queueReply(w.h.app.domain, w.admin.actor, w.conversationId, 'Ours');
  const before = w.outCount();
  for (const replyTo of [String(other.messageId), String(ours), 'abc']) {
    const refused = await w.client.post(
      `/conversations/${w.conversationId}/messages`,
      { body: 'Quoting', reply_to: replyTo },
      HX,
    );
    assert.equal(refused.statusCode, 422, replyTo);
    assert.match(refused.body, /<form id="composer"/);
    assert.match(refused.body, /The message to quote is not a customer message of this conversation\./);
    assert.match(refused.body, />Quoting<\/textarea>/, 'the draft is kept');
  }
  assert.equal(w.outCount(), before);
});

test('outside the window the composer is a template picker: no free-text box; a template is sent filled, or refused in place', async (t) => {
  const w = await world(t);
  w.setNow(T0 + 25 * HOUR);
  // Signed in now: a session from a day ago has lapsed.
  w.client = await signedIn(w.h.app, w.admin.email);
  const empty = await w.client.get(`/conversations/${w.conversationId}`);
  assert.match(empty.body, /The 24-hour window has closed\. Send an approved template to start again/);
  assert.match(empty.body, /no approved templates\. Templates are synced from WhatsApp Manager/);
  assert.doesNotMatch(empty.body, /id="reply-body"/);

  storeTemplates(w.h.app.domain, CHANNEL, [
    {
      name: 'order_update',
      language: 'en',
      status: 'APPROVED',
      category: 'UTILITY',
      body: 'Hi {{1}}, order {{2}} is ready.',
    },
    { name: 'draft_one', language: 'en', status: 'PENDING', category: 'UTILITY', body: 'not offered' },
  ]);
  const page = await w.client.get(`/conversations/${w.conversationId}`);
  assert.doesNotMatch(page.body, /id="reply-body"/, 'the free-text box is gone, not just disabled');
  assert.doesNotMatch(page.body, /draft_one/);
  assert.match(page.body, /<form method="post" action="\/conversations\/\d+\/templates"/);
  assert.match(
    page.body,
    /<label for="tpl-order_update-en-p1">Variable 1<\/label>\s*<input id="tpl-order_update-en-p1" name="params" value="Ana"/,
  );
  assert.match(page.body, /<label for="tpl-order_update-en-p2">Variable 2<\/label>/);
  assert.match(page.body, /Hi Ana, order \{\{2\}\} is ready\./, 'the preview starts from the contact');

  const url = `/conversations/${w.conversationId}/templates`;
  const before = w.outCount();
  const missing = await w.client.post(url, { template: 'order_update', language: 'en', params: ['Ana', ''] }, HX);
  assert.equal(missing.statusCode, 422);
  assert.match(missing.body, /Fill in every variable of the template: \{\{2\}\} is empty\./);
  assert.match(missing.body, /<div id="composer"/);
  const unknown = await w.client.post(url, { template: 'draft_one', language: 'en' }, HX);
  assert.equal(unknown.statusCode, 422);
  assert.match(unknown.body, /not \(or no longer\) approved/);
  const malformed = await w.client.post(url, { template: '../x', language: 'en' }, HX);
  assert.equal(malformed.statusCode, 422);
  assert.equal(w.outCount(), before, 'nothing queued by a refused template');

  const sent = await w.client.post(url, { template: 'order_update', language: 'en', params: ['', 'A-17'] }, HX);
  assert.equal(sent.statusCode, 200);
  assert.match(sent.body, /Hi Ana, order A-17 is ready\./, 'the timeline shows the filled text');
  assert.match(sent.body, /<div id="composer"/, 'still the picker: a template does not open the window');
  assert.equal(w.outCount(), before + 1);
  // Without the CSRF token nothing is sent.
  const forged = await w.client.post(
    url,
    { template: 'order_update', language: 'en', params: ['A', 'B'] },
    { csrf: false },
  );
  assert.equal(forged.statusCode, 403);
  assert.equal(w.outCount(), before + 1);
});

test('ticks follow the status with names and times; a WhatsApp failure is told in words; the customer reaction is drawn', async (t) => {
  const w = await world(t);
  const { messageId } = queueReply(w.h.app.domain, w.admin.actor, w.conversationId, 'Tracking: A-17');
  const due = claimDue(w.h.app.domain, 10, 60_000).find((m) => m.messageId === messageId)!;
  writeDeliveries(w.h.app.domain, [{ kind: 'sent', message: due, carrierIds: ['wamid.out1'] }]);
  const report = (state: 'delivered' | 'read') =>
    writeDeliveries(w.h.app.domain, [{ kind: 'receipt', connection: CHANNEL, carrierId: 'wamid.out1', state }]);
  const page = async () => (await w.client.get(`/conversations/${w.conversationId}`)).body;
  assert.match(await page(), /class="status status-sent" role="img" aria-label="Sent" title="Sent · [^"]+"/);
  report('delivered');
  assert.match(await page(), /class="status status-delivered" role="img" aria-label="Delivered"/);
  report('read');
  assert.match(await page(), /class="status status-read" role="img" aria-label="Read"/);

  const { messageId: second } = queueReply(w.h.app.domain, w.admin.actor, w.conversationId, 'Second');
  const due2 = claimDue(w.h.app.domain, 10, 60_000).find((m) => m.messageId === second)!;
  writeDeliveries(w.h.app.domain, [{ kind: 'failed', message: due2, code: '131026', reason: 'Message undeliverable' }]);
  const failed = await page();
  assert.match(failed, /class="status status-failed" role="img" aria-label="Failed"/);
  assert.match(failed, /Could not be delivered: the customer may not use WhatsApp/);

  assert.ok(receiveReaction(w.h.app.domain, { to: w.shop.e164, channelMessageId: 'wamid.out1', emoji: '👍' }));
  assert.match(await page(), /class="customer-reaction" role="img" aria-label="Customer reacted 👍"/);
});

test('a shared place is a card with a map link; shared contacts are cards with their numbers to call', async (t) => {
  const w = await world(t);
  w.receive({
    from: ANA,
    senderId: 'US.1',
    text: '',
    channelMessageId: 'wamid.loc',
    location: { latitude: 52.52, longitude: 13.405, name: 'Shop <Mitte>', address: 'Alexanderplatz 1' },
  });
  w.receive({
    from: ANA,
    senderId: 'US.1',
    text: '',
    channelMessageId: 'wamid.card',
    contacts: [{ name: 'Bo Berg', phones: ['+15550002222'] }],
  });
  const body = (await w.client.get(`/conversations/${w.conversationId}`)).body;
  assert.match(body, /role="group" aria-label="Shared location"/);
  assert.match(body, /Shop &lt;Mitte&gt;/);
  assert.match(body, /Alexanderplatz 1/);
  assert.match(
    body,
    /<a href="https:\/\/www\.openstreetmap\.org\/\?mlat=52\.52&amp;mlon=13\.405#map=17\/52\.52\/13\.405" target="_blank" rel="noopener noreferrer">Open in OpenStreetMap<\/a>/,
  );
  assert.match(body, /role="group" aria-label="Shared contact"/);
  assert.match(body, /<a href="tel:\+15550002222" aria-label="Call \+1 555 000 2222">\+1 555 000 2222<\/a>/);
});
