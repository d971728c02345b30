import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  claimDue,
  releaseLeases,
  writeDeliveries,
  type DeliveryChange,
  type DueMessage,
} from '../../src/domain/messaging/delivery.ts';
import { queueReply } from '../../src/domain/messaging/outbox.ts';
import { buildConversation, buildNumber, buildUser } from '../factories.ts';
import { buildTestApp } from '../helper.ts';

async function withQueued(count: number) {
  const h = await buildTestApp();
  const admin = await buildUser(h, { role: 'admin' });
  const shop = buildNumber(h, { e164: '+15551230000', smpp: 'carrier-a' });
  const conversation = buildConversation(h, { number: shop, from: '+15557654321' });
  for (let i = 0; i < count; i++) queueReply(h.app.domain, admin.actor, conversation.id, `Reply ${i}`);
  const status = () =>
    h.sqlite.prepare(`SELECT status FROM messages WHERE direction = 'out' ORDER BY id`).pluck().all();
  const write = (...changes: DeliveryChange[]) => writeDeliveries(h.app.domain, changes);
  return { h, status, write };
}

const sent = (message: DueMessage, ...carrierIds: string[]): DeliveryChange => ({ kind: 'sent', message, carrierIds });
const receipt = (
  carrierId: string,
  state: 'delivered' | 'failed' | 'expired',
  connection = 'carrier-a',
  errorCode?: string,
): DeliveryChange => ({
  kind: 'receipt',
  connection,
  carrierId,
  state,
  ...(errorCode ? { errorCode } : {}),
});

test('claimed messages are leased: not handed out twice, and due again after a crash lets the lease run out', async (t) => {
  const { h, write } = await withQueued(3);
  t.after(() => h.close());
  const start = Date.now();
  h.app.domain.now = () => start;
  const first = claimDue(h.app.domain, 10, 30_000);
  assert.deepEqual(
    first.map((m) => [m.body, m.from, m.to, m.connection, m.attempts]),
    [
      ['Reply 0', '+15551230000', '+15557654321', 'carrier-a', 1],
      ['Reply 1', '+15551230000', '+15557654321', 'carrier-a', 1],
      ['Reply 2', '+15551230000', '+15557654321', 'carrier-a', 1],
    ],
  );
  assert.deepEqual(claimDue(h.app.domain, 10, 30_000), [], 'leased');
  write(sent(first[0]!, 'id-1'));
  h.app.domain.now = () => start + 31_000;
  const again = claimDue(h.app.domain, 10, 30_000);
  assert.deepEqual(
    again.map((m) => [m.body, m.attempts]),
    [
      ['Reply 1', 2],
      ['Reply 2', 2],
    ],
    'the unacknowledged ones come back; the sent one does not',
  );
});

test('sent only after every segment is acknowledged; the worst segment receipt decides', async (t) => {
  const { h, status, write } = await withQueued(2);
  t.after(() => h.close());
  const [a, b] = claimDue(h.app.domain, 10, 30_000);
  assert.deepEqual(status(), ['queued', 'queued']);
  write(sent(a!, 'A1', 'A2'), sent(b!, 'B1'));
  assert.deepEqual(status(), ['sent', 'sent']);
  assert.equal(write(receipt('A1', 'delivered')).updated, 1);
  assert.deepEqual(status(), ['sent', 'sent'], 'one of two segments delivered is not delivered');
  write(receipt('A2', 'delivered'), receipt('B1', 'expired', 'carrier-a', '001'));
  assert.deepEqual(status(), ['delivered', 'expired']);
  assert.equal(write(receipt('unknown', 'delivered')).updated, 0);
});

test("a receipt matches the exact id on its own connection: never another reading of it, never another carrier's message", async (t) => {
  const { h, status, write } = await withQueued(3);
  t.after(() => h.close());
  const [a, b, c] = claimDue(h.app.domain, 10, 30_000);
  write(sent(a!, 'a'), sent(b!, '10'), sent({ ...c!, connection: 'carrier-b' }, '10'));
  write(receipt('10', 'delivered'));
  assert.deepEqual(
    status(),
    ['sent', 'delivered', 'sent'],
    '"10" is not "a" (ten), and carrier-b\'s "10" is another message',
  );
  write(receipt('10', 'failed', 'carrier-b', '0x0B'));
  assert.deepEqual(status(), ['sent', 'delivered', 'failed']);
});

test("retries keep the message queued with the reason; permanent errors fail it with the carrier's code", async (t) => {
  const { h, status, write } = await withQueued(2);
  t.after(() => h.close());
  const [a, b] = claimDue(h.app.domain, 10, 30_000);
  write(
    { kind: 'retry', message: a!, at: Date.now() + 5_000, code: '0x58', reason: 'throttled by the carrier' },
    { kind: 'failed', message: b!, code: '0x0B', reason: 'invalid destination address' },
  );
  assert.deepEqual(status(), ['queued', 'failed']);
  const reasons = h.sqlite
    .prepare(`SELECT error_code, error_reason FROM messages WHERE direction = 'out' ORDER BY id`)
    .all();
  assert.deepEqual(reasons, [
    { error_code: '0x58', error_reason: 'throttled by the carrier' },
    { error_code: '0x0B', error_reason: 'invalid destination address' },
  ]);
});

test('a receipt that overtakes its own acknowledgement is kept and applied when the id is stored, in one batch or two', async (t) => {
  const { h, status, write } = await withQueued(2);
  t.after(() => h.close());
  const [a, b] = claimDue(h.app.domain, 10, 30_000);
  assert.equal(write(receipt('255', 'delivered')).updated, 0, 'not known yet');
  write(sent(a!, '255'));
  write(receipt('256', 'failed'), sent(b!, '256'));
  assert.deepEqual(status(), ['delivered', 'failed']);
  assert.equal(
    h.sqlite.prepare('SELECT count(*) FROM pending_receipts').pluck().get(),
    0,
    'kept receipts are cleared once applied',
  );
});

test('an outcome for a message no longer queued changes nothing (a send whose lease ran out, then recorded twice)', async (t) => {
  const { h, status, write } = await withQueued(1);
  t.after(() => h.close());
  const [a] = claimDue(h.app.domain, 10, 30_000);
  write(sent(a!, 'first'), receipt('first', 'delivered'));
  assert.equal(write(sent(a!, 'second'), { kind: 'failed', message: a!, code: 'x', reason: 'late' }).updated, 0);
  assert.deepEqual(status(), ['delivered']);
  assert.deepEqual(h.sqlite.prepare('SELECT smsc_id FROM message_parts').pluck().all(), ['first']);
});

test('one batch: outcomes written, then due messages claimed; each changed message is announced once, after the commit', async (t) => {
  const { h, status, write } = await withQueued(3);
  t.after(() => h.close());
  const [a] = claimDue(h.app.domain, 1, 30_000);
  const announced: number[] = [];
  h.app.domain.events.on('message.updated', ({ messageId }) => {
    assert.equal(h.sqlite.inTransaction, false);
    announced.push(messageId);
  });
  const { claimed, updated } = writeDeliveries(h.app.domain, [sent(a!, 'x1'), receipt('x1', 'delivered')], {
    limit: 10,
    leaseMs: 30_000,
  });
  assert.deepEqual(
    claimed.map((m) => m.body),
    ['Reply 1', 'Reply 2'],
  );
  assert.equal(updated, 1);
  assert.deepEqual(announced, [a!.messageId]);
  assert.deepEqual(status(), ['delivered', 'queued', 'queued']);
  assert.equal(write().claimed.length, 0);
});

test('at start-up, messages leased by a run that died are due again at once', async (t) => {
  const { h, write } = await withQueued(2);
  t.after(() => h.close());
  const [a] = claimDue(h.app.domain, 1, 120_000);
  write(sent(a!, 'x'));
  claimDue(h.app.domain, 1, 120_000);
  assert.deepEqual(claimDue(h.app.domain, 10, 120_000), [], 'leased for two minutes');
  assert.equal(releaseLeases(h.app.domain), 1);
  assert.deepEqual(
    claimDue(h.app.domain, 10, 120_000).map((m) => [m.body, m.attempts]),
    [['Reply 1', 2]],
  );
});

test('each move out of queued or sent is announced once, with the time from sent to the receipt that settled it', async (t) => {
  const { h, write } = await withQueued(3);
  t.after(() => h.close());
  const moves: unknown[] = [];
  h.app.domain.events.on('message.status', (m) => moves.push(m));
  const start = Date.now();
  h.app.domain.now = () => start;
  const [a, b, c] = claimDue(h.app.domain, 10, 30_000);
  write(sent(a!, 'A1', 'A2'), sent(b!, 'B1'), {
    kind: 'failed',
    message: c!,
    code: '0x0b',
    reason: 'Invalid destination address',
  });
  h.app.domain.now = () => start + 2_000;
  write(receipt('A1', 'delivered'));
  h.app.domain.now = () => start + 7_000;
  write(receipt('A2', 'delivered'), receipt('B1', 'failed', 'carrier-a', '005'));
  h.app.domain.now = () => start + 9_000;
  write(receipt('A2', 'delivered'));
  assert.deepEqual(
    moves,
    [
      { connection: 'carrier-a', status: 'sent' },
      { connection: 'carrier-a', status: 'sent' },
      { connection: 'carrier-a', status: 'failed' },
      { connection: 'carrier-a', status: 'delivered', receiptMs: 7_000 },
      { connection: 'carrier-a', status: 'failed', receiptMs: 7_000 },
    ],
    "the first segment's receipt leaves the message sent, and its sent time as it was; a receipt again changes nothing",
  );
});
