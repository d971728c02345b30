import assert from 'node:assert/strict';
import { test } from 'node:test';
import { timelinePage } from '../../../src/domain/conversations/timeline.ts';
import { knownEmoji } from '../../../src/domain/emoji/catalog.ts';
import { toggleReaction } from '../../../src/domain/emoji/reactions.ts';
import { claimDue, writeDeliveries, type DeliveryChange } from '../../../src/domain/messaging/delivery.ts';
import { queueReply, replyWindowOf } from '../../../src/domain/messaging/outbox.ts';
import { approvedTemplatesFor, sendTemplate, storeTemplates } from '../../../src/domain/messaging/templates.ts';
import type { PartStatus } from '../../../src/db/schema/conversations.ts';
import { atTime } from '../../factories.ts';
import { refusal } from '../../helper.ts';
import { CHANNEL, whatsAppWorld, type WhatsAppWorld } from './whatsapp-world.ts';

const ANA = '+15557654321';
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

/** Ana (Ana Lima on WhatsApp) wrote at T0; the clock stands at T0 unless a test moves it. */
async function withCustomer() {
  const w = await whatsAppWorld();
  w.h.app.domain.now = () => T0;
  const first = w.receive({
    from: ANA,
    senderId: 'US.1',
    profileName: 'Ana Lima',
    text: 'Hi',
    channelMessageId: 'wamid.in1',
  });
  assert.ok(first.stored);
  return { ...w, conversationId: first.conversationId, customerMessageId: first.messageId };
}

/** Queues, claims and records the send of a reply acknowledged with `wamid`. */
function sentReply(w: WhatsAppWorld & { conversationId: number }, body: string, wamid: string): number {
  const { messageId } = queueReply(w.h.app.domain, w.admin.actor, w.conversationId, body);
  const due = claimDue(w.h.app.domain, 10, 60_000).find((m) => m.messageId === messageId)!;
  writeDeliveries(w.h.app.domain, [{ kind: 'sent', message: due, carrierIds: [wamid] }]);
  return messageId;
}

const report = (carrierId: string, state: PartStatus, extra: object = {}): DeliveryChange => ({
  kind: 'receipt',
  connection: CHANNEL,
  carrierId,
  state,
  ...extra,
});

test('statuses never go backwards: read before delivered ends at read; played after; failed keeps its details', async (t) => {
  const w = await withCustomer();
  t.after(() => w.h.close());
  const status = (id: number) =>
    w.rows(`SELECT status, error_code AS code, error_reason AS reason FROM messages WHERE id = ?`, id)[0];
  const write = (...changes: DeliveryChange[]) => writeDeliveries(w.h.app.domain, changes);

  const a = sentReply(w, 'one', 'wamid.a');
  write(report('wamid.a', 'read'), report('wamid.a', 'delivered'), report('wamid.a', 'sent'));
  assert.deepEqual(status(a), { status: 'read', code: null, reason: null });
  write(report('wamid.a', 'played'));
  assert.equal(status(a)!.status, 'played');
  write(report('wamid.a', 'failed', { errorCode: '131026' }));
  assert.equal(status(a)!.status, 'played', 'a failure after delivery is ignored: the customer has it');

  const b = sentReply(w, 'two', 'wamid.b');
  write(
    report('wamid.b', 'failed', { errorCode: '131047', errorDetails: 'Re-engagement message: more than 24 hours' }),
  );
  assert.deepEqual(status(b), {
    status: 'failed',
    code: '131047',
    reason: 'Re-engagement message: more than 24 hours',
  });

  // A status that overtakes the send's own answer waits for it, with the others that came meanwhile.
  const { messageId: c } = queueReply(w.h.app.domain, w.admin.actor, w.conversationId, 'three');
  const due = claimDue(w.h.app.domain, 10, 60_000).find((m) => m.messageId === c)!;
  write(report('wamid.c', 'read'), report('wamid.c', 'delivered'));
  assert.equal(status(c)!.status, 'queued');
  write({ kind: 'sent', message: due, carrierIds: ['wamid.c'] });
  assert.equal(status(c)!.status, 'read');
});

test('SMS receipts keep their rule: a multi-part message is delivered only when every part is', async (t) => {
  const w = await withCustomer();
  t.after(() => w.h.close());
  const sms = w.receive({ from: ANA, text: 'by sms' }, w.sms);
  assert.ok(sms.stored);
  const { messageId } = queueReply(w.h.app.domain, w.admin.actor, sms.conversationId, 'two parts');
  const due = claimDue(w.h.app.domain, 10, 60_000).find((m) => m.messageId === messageId)!;
  assert.equal(due.kind, 'sms');
  const write = (...changes: DeliveryChange[]) => writeDeliveries(w.h.app.domain, changes);
  write({ kind: 'sent', message: due, carrierIds: ['p1', 'p2'] });
  const at = (c: string, s: PartStatus): DeliveryChange => ({
    kind: 'receipt',
    connection: 'sandbox',
    carrierId: c,
    state: s,
  });
  write(at('p1', 'delivered'));
  assert.equal(w.rows(`SELECT status FROM messages WHERE id = ?`, messageId)[0]!.status, 'sent');
  write(at('p2', 'delivered'));
  assert.equal(w.rows(`SELECT status FROM messages WHERE id = ?`, messageId)[0]!.status, 'delivered');
});

test("an agent's reaction to a customer message is queued for WhatsApp, never a bubble; taking it back sends ''", async (t) => {
  const w = await withCustomer();
  t.after(() => w.h.close());
  toggleReaction(w.h.app.domain, w.admin.actor, w.customerMessageId, '👍');
  const [added] = claimDue(w.h.app.domain, 10, 60_000);
  assert.deepEqual(added!.reaction, { channelMessageId: 'wamid.in1', emoji: knownEmoji('👍') });
  assert.equal(added!.kind, 'whatsapp');
  const page = timelinePage(w.h.app.domain, w.admin.actor, w.conversationId);
  assert.deepEqual(
    page.items.filter((i) => i.kind === 'message').map((i) => i.id),
    [w.customerMessageId],
    'the queued reaction is no timeline bubble',
  );
  toggleReaction(w.h.app.domain, w.admin.actor, w.customerMessageId, '👍');
  const [removed] = claimDue(w.h.app.domain, 10, 60_000);
  assert.deepEqual(removed!.reaction, { channelMessageId: 'wamid.in1', emoji: '' });

  // Over SMS, and outside the window, a reaction stays inside the team.
  const sms = w.receive({ from: ANA, text: 'by sms' }, w.sms);
  assert.ok(sms.stored);
  toggleReaction(w.h.app.domain, w.admin.actor, sms.messageId, '👍');
  atTime(w.h, T0 + 25 * HOUR, () => toggleReaction(w.h.app.domain, w.admin.actor, w.customerMessageId, '🙏'));
  assert.deepEqual(claimDue(w.h.app.domain, 10, 60_000), []);
});

test('a reply may quote a customer message of its conversation: the outbox passes its wamid', async (t) => {
  const w = await withCustomer();
  t.after(() => w.h.close());
  queueReply(
    w.h.app.domain,
    w.admin.actor,
    w.conversationId,
    '**Yes**, see [the shop](https://example.test)',
    undefined,
    {
      replyToMessageId: w.customerMessageId,
    },
  );
  const [due] = claimDue(w.h.app.domain, 10, 60_000);
  assert.equal(due!.replyTo, 'wamid.in1');
  assert.equal(due!.toId, 'US.1');
  assert.equal(due!.to, ANA);
  assert.equal(due!.body, '**Yes**, see [the shop](https://example.test)', 'Markdown as written for WhatsApp');
  const ours = due!.messageId;
  assert.equal(
    refusal(() =>
      queueReply(w.h.app.domain, w.admin.actor, w.conversationId, 'x', undefined, { replyToMessageId: ours }),
    ),
    '422 reply.quote_unknown',
  );
});

test('the 24-hour window: free text inside it, refused outside before the outbox; templates pass', async (t) => {
  const w = await withCustomer();
  t.after(() => w.h.close());
  const domain = w.h.app.domain;
  assert.deepEqual(replyWindowOf(domain, w.conversationId), { open: true, closesAt: T0 + 24 * HOUR });
  atTime(w.h, T0 + 23 * HOUR, () => queueReply(domain, w.admin.actor, w.conversationId, 'still open'));
  const queued = () => Number(w.rows(`SELECT count(*) AS n FROM messages WHERE direction = 'out'`)[0]!.n);
  const before = queued();
  atTime(w.h, T0 + 24 * HOUR + 1, () => {
    assert.deepEqual(replyWindowOf(domain, w.conversationId), { open: false, closesAt: T0 + 24 * HOUR });
    assert.equal(
      refusal(() => queueReply(domain, w.admin.actor, w.conversationId, 'too late')),
      '422 send.window_closed',
    );
  });
  assert.equal(queued(), before, 'nothing reached the outbox');
  storeTemplates(domain, CHANNEL, [
    { name: 'follow_up', language: 'en', status: 'APPROVED', category: 'UTILITY', body: 'Hi {{1}}, any news?' },
  ]);
  atTime(w.h, T0 + 30 * HOUR, () =>
    sendTemplate(domain, w.admin.actor, w.conversationId, { name: 'follow_up', language: 'en' }),
  );
  assert.equal(queued(), before + 1);
  // The customer's answer opens it again.
  atTime(w.h, T0 + 31 * HOUR, () => w.receive({ from: ANA, senderId: 'US.1', text: 'Yes!' }));
  atTime(w.h, T0 + 32 * HOUR, () => assert.equal(replyWindowOf(domain, w.conversationId).open, true));
  // SMS has no window.
  const sms = w.receive({ from: ANA, text: 'by sms' }, w.sms);
  assert.ok(sms.stored);
  assert.deepEqual(replyWindowOf(domain, sms.conversationId), { open: true, closesAt: null });
});

test('templates: synced per channel (replacing the set), only approved offered, variables filled from the contact', async (t) => {
  const w = await withCustomer();
  t.after(() => w.h.close());
  const domain = w.h.app.domain;
  storeTemplates(domain, CHANNEL, [
    { name: 'old', language: 'en', status: 'APPROVED', category: 'UTILITY', body: 'gone after the next sync' },
  ]);
  storeTemplates(domain, CHANNEL, [
    {
      name: 'order_update',
      language: 'en',
      status: 'APPROVED',
      category: 'UTILITY',
      body: 'Hi {{1}}, your order {{2}} has shipped.',
      footer: 'Reply STOP to opt out',
    },
    { name: 'promo', language: 'en', status: 'PENDING', category: 'MARKETING', body: 'Sale {{1}}' },
  ]);
  storeTemplates(domain, 'wa-other', [
    { name: 'elsewhere', language: 'de', status: 'APPROVED', category: 'UTILITY', body: 'Hallo' },
  ]);
  const offered = approvedTemplatesFor(domain, w.admin.actor, w.conversationId);
  assert.deepEqual(
    offered.map((o) => [o.name, o.params, o.footer]),
    [['order_update', ['Ana', ''], 'Reply STOP to opt out']],
  );
  const choice = { name: 'order_update', language: 'en' };
  assert.equal(
    refusal(() => sendTemplate(domain, w.admin.actor, w.conversationId, choice)),
    '422 template.params_missing',
  );
  assert.equal(
    refusal(() => sendTemplate(domain, w.admin.actor, w.conversationId, { name: 'promo', language: 'en' })),
    '422 template.unknown',
  );
  const { messageId } = sendTemplate(domain, w.admin.actor, w.conversationId, { ...choice, params: ['', 'A-17'] });
  const [due] = claimDue(domain, 10, 60_000);
  assert.equal(due!.messageId, messageId);
  assert.equal(due!.body, 'Hi Ana, your order A-17 has shipped.', 'the timeline shows the filled text');
  assert.deepEqual(due!.template, { name: 'order_update', language: 'en', params: ['Ana', 'A-17'] });
});
