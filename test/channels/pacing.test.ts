import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { createPacer } from '../../src/channels/pacer.ts';
import { createSmppChannel } from '../../src/channels/smpp/channel.ts';
import { createSimulator } from '../../src/channels/smpp/simulator.ts';
import { queueReply } from '../../src/domain/messaging/outbox.ts';
import { buildConversation, buildNumber, buildUser } from '../factories.ts';
import { buildTestApp } from '../helper.ts';
import { smppConfig, wireChannel } from './wiring.ts';

test('the pacer hands out one slot per 1/rate seconds per key, none for rate 0', () => {
  let now = 1_000;
  const pacer = createPacer(
    (key) => (key === 'slow' ? 4 : 0),
    () => now,
  );
  assert.deepEqual([pacer.reserve('slow'), pacer.reserve('slow'), pacer.reserve('slow')], [0, 250, 500]);
  assert.equal(pacer.reserve('fast'), 0);
  pacer.release('slow');
  assert.equal(pacer.reserve('slow'), 500, 'a released slot is handed out again');
  now += 2_000;
  assert.equal(pacer.reserve('slow'), 0, 'idle time is not saved up as a burst');
});

test("a number's throughput limit spaces its texts at the SMSC", async (t) => {
  const log = pino({ level: 'silent' });
  const h = await buildTestApp();
  const simulator = createSimulator({ receipts: 'none' });
  await simulator.start();
  const admin = await buildUser(h, { role: 'admin' });
  const { e164: SHOP } = buildNumber(h, { smpp: 'carrier', throughput: 4 });
  const { id } = buildConversation(h, { number: SHOP });
  for (let i = 0; i < 8; i++) queueReply(h.app.domain, admin.actor, id, `Reply ${i}`);
  const channel = createSmppChannel(smppConfig(simulator.port), log);
  const loop = wireChannel(h, channel, { numberRate: (e164) => (e164 === SHOP ? 4 : 0) });
  loop.start();
  t.after(async () => {
    await loop.stop();
    await channel.stop();
    await simulator.stop();
    await h.close();
  });
  const deadline = Date.now() + 20_000;
  while (simulator.received.length < 8 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  assert.equal(simulator.received.length, 8);
  const at = simulator.received.map((m) => m.at);
  // The feature is the spacing itself: 8 texts at 4/s span at least 7 × 250 ms (generous slack for a busy machine).
  assert.ok(at[7]! - at[0]! >= 1_500, `8 texts at 4/s took ${at[7]! - at[0]!} ms at the SMSC`);
});
