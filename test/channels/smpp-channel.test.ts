import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { createSmppChannel } from '../../src/channels/smpp/channel.ts';
import { encodeForSubmit } from '../../src/channels/smpp/encoding.ts';
import type { ReceiptIdMode } from '../../src/channels/smpp/receipts.ts';
import { createSimulator, type SimulatorOptions } from '../../src/channels/smpp/simulator.ts';
import { queueReply } from '../../src/domain/messaging/outbox.ts';
import { buildNumber, buildUser, receiveText } from '../factories.ts';
import { buildTestApp, until } from '../helper.ts';
import { DELIVER_SM_RESP, ENQUIRE_LINK, GENERIC_NACK, header, rawSmsc } from './smpp/raw-smsc.ts';
import { smppConfig, wireChannel } from './wiring.ts';

const SHOP = '+15551230000';
const CUSTOMER = '+15557654321';
const log = pino({ level: 'silent' });

async function rig(t: import('node:test').TestContext, options: SimulatorOptions, receiptId: ReceiptIdMode = 'same') {
  const h = await buildTestApp();
  const simulator = createSimulator({ receiptDelayMs: 10, ...options });
  await simulator.start();
  const admin = await buildUser(h, { role: 'admin' });
  buildNumber(h, { e164: SHOP, smpp: 'carrier', inbox: 'Support' });
  const channel = createSmppChannel(
    smppConfig(simulator.port, { bind: 'transmitter+receiver', window: 100, receiptId }),
    log,
  );
  const loop = wireChannel(h, channel);
  loop.start();
  t.after(async () => {
    await loop.stop();
    await channel.stop();
    await simulator.stop();
    await h.close();
  });
  // Long texts over two binds on a busy machine: more time than the default.
  return { h, simulator, admin, loop, until: (check: () => boolean, what: string) => until(check, what, 30_000) };
}

for (const receipts of ['text', 'tlv'] as const) {
  for (const idFormat of ['decimal', 'hex'] as const) {
    test(`receipts as ${receipts} with ${idFormat} ids mark a long text delivered (transmitter+receiver binds)`, async (t) => {
      const { h, simulator, admin, loop, until } = await rig(t, { receipts, idFormat });
      const inbound = receiveText(h, { from: CUSTOMER, to: SHOP, text: 'Hi' });
      const body = `${'Long reply with an emoji 😀 '.repeat(4)}end`;
      queueReply(h.app.domain, admin.actor, inbound.conversationId, body);
      loop.wake();
      const status = () => h.sqlite.prepare('SELECT status FROM messages WHERE body = ?').pluck().get(body);
      await until(() => status() === 'delivered', `delivered (is ${String(status())})`);
      assert.equal(simulator.received.length, encodeForSubmit(body, 0).parts.length, 'one submit_sm per segment');
      assert.ok(simulator.received.every((m) => m.dataCoding === 8 && (m.esmClass & 0x40) !== 0));
    });
  }
}

// Sequential ids from 1 read as hex and as decimal name each other's messages ("10" is ten, or sixteen): a receipt
// must find exactly the message whose id the SMSC issued, converted only where the connection says how.
for (const [responses, receipts, receiptId] of [
  ['hex', 'hex', 'same'],
  ['decimal', 'decimal', 'same'],
  ['decimal', 'hex', 'hex'],
  ['hex', 'decimal', 'decimal'],
] as const) {
  test(`5 000 texts with ids 1 … 5 000 in ${responses}, receipts in ${receipts} (receipt_id = "${receiptId}"): every one delivered`, async (t) => {
    const N = 5_000;
    const { h, simulator, admin, loop, until } = await rig(
      t,
      { receipts: 'text', receiptDelayMs: 0, idFormat: responses, receiptIdFormat: receipts, smallIds: true },
      receiptId,
    );
    const inbound = receiveText(h, { from: CUSTOMER, to: SHOP, text: 'Hi' });
    // Queued as queueReply writes them, in one statement: the sending is what is tested here.
    h.sqlite
      .prepare(
        `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
        INSERT INTO messages (conversation_id, direction, author_user_id, body, status, next_attempt_at, created_at, updated_at)
        SELECT ?, 'out', ?, 'Reply ' || i, 'queued', 0, 0, 0 FROM n`,
      )
      .run(N, inbound.conversationId, admin.id);
    loop.wake();
    const statuses = () =>
      Object.fromEntries(
        (
          h.sqlite
            .prepare(`SELECT status, count(*) AS n FROM messages WHERE direction = 'out' GROUP BY status`)
            .all() as { status: string; n: number }[]
        ).map((r) => [r.status, r.n]),
      );
    await until(() => statuses().delivered === N, `all delivered (${JSON.stringify(statuses())})`);
    assert.equal(simulator.received.length, N);
    const mismatched = h.sqlite.prepare(`SELECT count(*) FROM message_parts WHERE status <> 'delivered'`).pluck().get();
    assert.equal(mismatched, 0);
  });
}

test('a long inbound text whose parts arrive out of order, with a duplicate, is stored once and whole', async (t) => {
  const { h, simulator, until } = await rig(t, { receipts: 'none' });
  await until(() => simulator.boundSessions() === 2, 'transmitter and receiver bound');
  const text = 'Ärger mit der Lieferung {bitte} melden! '.repeat(6).trim();
  const { parts, dataCoding, esmClass } = encodeForSubmit(text, 42);
  assert.ok(parts.length >= 2);
  for (const shortMessage of [...parts].reverse())
    await simulator.sendMo({ from: CUSTOMER, to: SHOP, shortMessage, dataCoding, esmClass });
  await simulator.sendMo({ from: CUSTOMER, to: SHOP, shortMessage: parts[0]!, dataCoding, esmClass });
  await until(
    () => h.sqlite.prepare(`SELECT count(*) FROM messages WHERE direction = 'in'`).pluck().get() === 1,
    'stored',
  );
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(h.sqlite.prepare(`SELECT body FROM messages WHERE direction = 'in'`).pluck().all(), [text]);
});

test('an inbound text whose UDH length octet overruns it is stored whole as text, not held as a part of a long one', async (t) => {
  const { h, simulator, until } = await rig(t, { receipts: 'none' });
  await until(() => simulator.boundSessions() === 2, 'transmitter and receiver bound');
  // UDHL 0x20 with 7 octets after it; inside the would-be header, a concatenation element "part 1 of 2".
  const shortMessage = Buffer.from('2000030102014869', 'hex');
  assert.equal(await simulator.sendMo({ from: CUSTOMER, to: SHOP, shortMessage, dataCoding: 0, esmClass: 0x40 }), 0);
  const bodies = () => h.sqlite.prepare(`SELECT body FROM messages WHERE direction = 'in'`).pluck().all();
  await until(() => bodies().length === 1, 'stored');
  assert.deepEqual(bodies(), [' @¥£$£Hi']);
});

test('after a PDU with command_length 12 the link is bound again well before enquire_link would notice, and texts are stored', async (t) => {
  const h = await buildTestApp();
  const smsc = await rawSmsc(t);
  buildNumber(h, { e164: SHOP, smpp: 'carrier', inbox: 'Support' });
  // enquire_link every 60 s and a first backoff of up to 30 s: neither may be what brings the link back within this test.
  const channel = createSmppChannel(smppConfig(smsc.port, { enquireLinkS: 60 }), log, {
    timeouts: { backoffBaseMs: 60_000 },
  });
  wireChannel(h, channel);
  t.after(async () => {
    await channel.stop();
    await h.close();
  });
  await until(() => channel.state().status === 'bound', 'bound');
  smsc.write(header(12, ENQUIRE_LINK, 0, 12));
  await until(() => smsc.binds() === 2 && channel.state().status === 'bound', 'bound again');
  assert.ok(
    smsc.read.some((pdu) => pdu.socket === 0 && pdu.commandId === GENERIC_NACK && pdu.status === 0x02),
    'generic_nack ESME_RINVCMDLEN',
  );

  const sequence = smsc.deliverSm(CUSTOMER.slice(1), SHOP.slice(1), 'Still there?');
  const resp = await until(
    () => smsc.read.find((pdu) => pdu.commandId === DELIVER_SM_RESP && pdu.sequence === sequence),
    'deliver_sm_resp',
  );
  assert.equal(resp.socket, 1);
  assert.equal(resp.status, 0);
  assert.deepEqual(h.sqlite.prepare(`SELECT body FROM messages WHERE direction = 'in'`).pluck().all(), [
    'Still there?',
  ]);
});
