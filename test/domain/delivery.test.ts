import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyReceipt, claimDue, markFailed, markRetry, markSent, releaseLeases } from '../../src/domain/messaging/delivery.ts';
import { receiveSms } from '../../src/domain/messaging/inbound.ts';
import { queueReply } from '../../src/domain/messaging/outbox.ts';
import { defaultKeywordTexts } from '../../src/domain/messaging/texts.ts';
import { syncNumbers } from '../../src/domain/numbers/sync.ts';
import { addUser, buildTestApp } from '../helper.ts';

async function withQueued(count: number) {
  const h = await buildTestApp();
  const admin = await addUser(h.app, 'admin');
  syncNumbers(h.app.domain, [{ e164: '+15551230000', smpp: 'carrier-a', inbox: 'Support', registration: 'registered', throughput: 0 }]);
  const inbound = receiveSms(h.app.domain, { from: '+15557654321', to: '+15551230000', text: 'Hi' }, () => defaultKeywordTexts);
  assert.ok(inbound.stored);
  for (let i = 0; i < count; i++) queueReply(h.app.domain, admin.actor, inbound.conversationId, `Reply ${i}`);
  const status = () => h.sqlite.prepare(`SELECT status FROM messages WHERE direction = 'out' ORDER BY id`).pluck().all();
  return { h, status };
}

test('claimed messages are leased: not handed out twice, and due again after a crash lets the lease run out', async (t) => {
  const { h } = await withQueued(3);
  t.after(() => h.close());
  const start = Date.now();
  h.app.domain.now = () => start;
  const first = claimDue(h.app.domain, 10, 30_000);
  assert.deepEqual(first.map((m) => [m.body, m.from, m.to, m.connection, m.attempts]), [
    ['Reply 0', '+15551230000', '+15557654321', 'carrier-a', 1],
    ['Reply 1', '+15551230000', '+15557654321', 'carrier-a', 1],
    ['Reply 2', '+15551230000', '+15557654321', 'carrier-a', 1],
  ]);
  assert.deepEqual(claimDue(h.app.domain, 10, 30_000), [], 'leased');
  markSent(h.app.domain, first[0]!, ['id-1']);
  h.app.domain.now = () => start + 31_000;
  const again = claimDue(h.app.domain, 10, 30_000);
  assert.deepEqual(again.map((m) => [m.body, m.attempts]), [['Reply 1', 2], ['Reply 2', 2]], 'the unacknowledged ones come back; the sent one does not');
});

test('sent only after every segment is acknowledged; the worst segment receipt decides', async (t) => {
  const { h, status } = await withQueued(2);
  t.after(() => h.close());
  const [a, b] = claimDue(h.app.domain, 10, 30_000);
  assert.deepEqual(status(), ['queued', 'queued']);
  markSent(h.app.domain, a!, ['A1', 'A2']);
  markSent(h.app.domain, b!, ['B1']);
  assert.deepEqual(status(), ['sent', 'sent']);
  assert.equal(applyReceipt(h.app.domain, ['A1'], 'delivered'), true);
  assert.deepEqual(status(), ['sent', 'sent'], 'one of two segments delivered is not delivered');
  applyReceipt(h.app.domain, ['A2'], 'delivered');
  applyReceipt(h.app.domain, ['b1', 'B1'], 'expired', '001');
  assert.deepEqual(status(), ['delivered', 'expired']);
  assert.equal(applyReceipt(h.app.domain, ['unknown'], 'delivered'), false);
});

test('retries keep the message queued with the reason; permanent errors fail it with the carrier\'s code', async (t) => {
  const { h, status } = await withQueued(2);
  t.after(() => h.close());
  const [a, b] = claimDue(h.app.domain, 10, 30_000);
  markRetry(h.app.domain, a!, Date.now() + 5_000, '0x58', 'throttled by the carrier');
  markFailed(h.app.domain, b!, '0x0B', 'invalid destination address');
  assert.deepEqual(status(), ['queued', 'failed']);
  const reasons = h.sqlite.prepare(`SELECT error_code, error_reason FROM messages WHERE direction = 'out' ORDER BY id`).all();
  assert.deepEqual(reasons, [
    { error_code: '0x58', error_reason: 'throttled by the carrier' },
    { error_code: '0x0B', error_reason: 'invalid destination address' },
  ]);
});

test('a receipt that overtakes its own acknowledgement is kept and applied when the ids are stored', async (t) => {
  const { h, status } = await withQueued(1);
  t.after(() => h.close());
  const [m] = claimDue(h.app.domain, 10, 30_000);
  assert.equal(applyReceipt(h.app.domain, ['ff', '255'], 'delivered'), false, 'not known yet');
  markSent(h.app.domain, m!, ['255']);
  assert.deepEqual(status(), ['delivered']);
  assert.equal(h.sqlite.prepare('SELECT count(*) FROM pending_receipts').pluck().get(), 0, 'every form of the id is cleared');
});

test('at start-up, messages leased by a run that died are due again at once', async (t) => {
  const { h } = await withQueued(2);
  t.after(() => h.close());
  const [a] = claimDue(h.app.domain, 1, 120_000);
  markSent(h.app.domain, a!, ['x']);
  claimDue(h.app.domain, 1, 120_000);
  assert.deepEqual(claimDue(h.app.domain, 10, 120_000), [], 'leased for two minutes');
  assert.equal(releaseLeases(h.app.domain), 1);
  assert.deepEqual(claimDue(h.app.domain, 10, 120_000).map((m) => [m.body, m.attempts]), [['Reply 1', 2]]);
});
