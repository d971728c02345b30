import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import pino from 'pino';
import smpp from 'smpp';
import type { Session } from 'smpp';
import {
  createSmppConnection,
  type ConnectionState,
  type DeliverSm,
  type SmppConfig,
  type SmppDeps,
  type SmppConnection,
} from '../../../src/channels/smpp/connection.ts';
import { createSimulator, type Simulator, type SimulatorOptions } from '../../../src/channels/smpp/simulator.ts';
import { until } from '../../helper.ts';
import { smppConfig } from '../wiring.ts';
import { DELIVER_SM_RESP, ENQUIRE_LINK, GENERIC_NACK, header, rawSmsc } from './raw-smsc.ts';

const silent = pino({ level: 'silent' });
const FAST = { backoffBaseMs: 50, bindMs: 2_000, responseMs: 2_000, queueMs: 5_000 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const config = (port: number, overrides: Partial<SmppConfig> = {}) =>
  smppConfig(port, { name: 'test-smsc', ...overrides });

interface Harness {
  conn: SmppConnection;
  states: ConnectionState['status'][];
  delivered: DeliverSm[];
}

function connect(
  t: TestContext,
  port: number,
  overrides: Partial<SmppConfig> = {},
  deps: Partial<SmppDeps> = {},
): Harness {
  const states: ConnectionState['status'][] = [];
  const delivered: DeliverSm[] = [];
  const conn = createSmppConnection(config(port, overrides), {
    log: silent,
    onDeliver: (pdu) => void delivered.push(pdu),
    onState: (s) => states.push(s.status),
    timeouts: FAST,
    ...deps,
  });
  t.after(() => conn.stop());
  conn.start();
  return { conn, states, delivered };
}

async function simulator(t: TestContext, options: SimulatorOptions = {}): Promise<Simulator> {
  const sim = createSimulator({ systemId: 'switchboard', password: 'secret', ...options });
  await sim.start();
  t.after(() => sim.stop());
  return sim;
}

const bound = (conn: SmppConnection) => until(() => conn.state().status === 'bound', 'bound');

const hello = {
  sourceAddr: '+4915112345678',
  destAddr: '+14155550123',
  dataCoding: 0,
  esmClass: 0,
  shortMessage: Buffer.from('hello'),
};

/** A bare SMSC whose behaviour a test steers: it binds anyone and records every command it receives. */
async function manualSmsc(t: TestContext) {
  const control = { answerEnquireLink: true, seen: [] as string[], sessions: [] as Session[] };
  const server = smpp.createServer({}, (session) => {
    control.sessions.push(session);
    session.on('error', () => {});
    session.on('pdu', (pdu) => {
      control.seen.push(pdu.command);
      if (pdu.command.startsWith('bind_')) session.send(pdu.response({ system_id: 'manual' }));
      else if (pdu.command === 'enquire_link' && control.answerEnquireLink) session.send(pdu.response());
      else if (pdu.command === 'unbind') session.send(pdu.response(), () => session.close());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    for (const session of server.sessions) session.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  const count = (command: string) => control.seen.filter((c) => c === command).length;
  return { ...control, control, count, port: (server.address() as AddressInfo).port };
}

test('binds as a transceiver and a submit gets the message id; addresses get TON/NPI, bytes pass through', async (t) => {
  const sim = await simulator(t);
  const { conn, states } = connect(t, sim.port);
  await bound(conn);
  assert.deepEqual(states, ['connecting', 'bound']);

  const ucs2 = Buffer.from('00e9d83dde00', 'hex');
  const first = await conn.submit({ ...hello, dataCoding: 8, shortMessage: ucs2, registeredDelivery: true });
  assert.equal(first.ok, true);
  assert.ok(first.ok && /^\d+$/.test(first.messageId));
  await conn.submit({ ...hello, sourceAddr: 'Switchbrd' });

  const [a, b] = sim.received;
  assert.ok(a && b);
  assert.equal(first.ok && first.messageId, a.messageId);
  assert.deepEqual([a.sourceAddr, a.sourceTon, a.sourceNpi], ['4915112345678', 1, 1]);
  assert.deepEqual([a.destAddr, a.destTon, a.destNpi], ['14155550123', 1, 1]);
  assert.deepEqual([a.dataCoding, a.esmClass, a.registeredDelivery], [8, 0, 1]);
  assert.deepEqual(a.shortMessage, ucs2);
  assert.deepEqual([b.sourceAddr, b.sourceTon, b.sourceNpi, b.registeredDelivery], ['Switchbrd', 5, 0, 0]);
  assert.deepEqual(b.shortMessage, Buffer.from('hello'));
  assert.deepEqual([conn.state().sent, conn.state().failed, conn.state().inFlight], [2, 0, 0]);
});

test('binds transmitter+receiver: submits go out on one session, deliver_sm arrives on the other', async (t) => {
  const sim = await simulator(t);
  const { conn, delivered } = connect(t, sim.port, { bind: 'transmitter+receiver' });
  await bound(conn);
  assert.equal(sim.boundSessions(), 2);
  const outcome = await conn.submit(hello);
  assert.equal(outcome.ok, true);
  const status = await sim.sendMo({
    from: '+14155550123',
    to: '+4915112345678',
    shortMessage: Buffer.from('hi'),
    dataCoding: 0,
  });
  assert.equal(status, smpp.ESME_ROK);
  assert.equal(delivered.length, 1);
  assert.equal(delivered[0]?.source_addr, '14155550123');
});

test('a refused bind takes the link down and it reconnects once the password is right', async (t) => {
  const sim = await simulator(t, { password: 'not-yet' });
  const binds: number[] = [];
  sim.on('bind', (attempt) => binds.push(attempt.status));
  let jitterDraws = 0;
  const random = () => {
    jitterDraws += 1;
    return 0.5;
  };
  const { conn, states } = connect(t, sim.port, {}, { random });
  await until(() => binds.length >= 3, 'three refused binds');
  assert.equal(conn.state().status === 'bound', false);
  assert.match(conn.state().lastError ?? '', /Bind failed \(ESME_RBINDFAIL/);
  assert.ok(binds.every((s) => s === smpp.ESME_RBINDFAIL));
  assert.ok(jitterDraws >= 2, 'each reconnect draws a jittered delay');

  sim.setCredentials({ password: 'secret' });
  await bound(conn);
  assert.deepEqual(states.slice(0, 3), ['connecting', 'down', 'connecting']);
  assert.equal((await conn.submit(hello)).ok, true);
});

test('reconnect delays double per failure up to 30 s and start again after a bind', async (t) => {
  const lines: Array<{ msg: string; delayMs?: number; ceilingMs?: number }> = [];
  const log = pino(
    { level: 'info' },
    { write: (line: string) => void lines.push(JSON.parse(line) as (typeof lines)[number]) },
  );
  const sim = await simulator(t);
  const port = sim.port;
  await sim.stop();
  // Nothing listens, so every attempt is refused at once; random() = 0 keeps the loop from waiting.
  const { conn } = connect(t, port, {}, { log, random: () => 0, timeouts: { ...FAST, backoffBaseMs: 10_000 } });
  const ceilings = () => lines.filter((l) => l.ceilingMs !== undefined).map((l) => l.ceilingMs);
  await until(() => ceilings().length >= 5, 'five reconnects');
  assert.deepEqual(ceilings().slice(0, 5), [10_000, 20_000, 30_000, 30_000, 30_000]);

  await sim.start();
  await bound(conn);
  const before = ceilings().length;
  sim.dropConnections();
  await until(() => ceilings().length > before, 'a reconnect after the drop');
  assert.equal(ceilings()[before], 10_000);
  assert.ok(
    lines.some((l) => /bound/.test(l.msg)),
    'state changes are logged',
  );
});

test('a simulator stopped and restarted on the same port: the link goes down, then binds again by itself', async (t) => {
  const sim = await simulator(t);
  const { conn, states } = connect(t, sim.port);
  await bound(conn);
  const port = sim.port;
  await sim.stop();
  await until(() => conn.state().status !== 'bound', 'the link noticed');
  await sleep(100);
  await sim.start();
  assert.equal(sim.port, port);
  await bound(conn);
  assert.ok(states.includes('down'));
  assert.equal((await conn.submit(hello)).ok, true);
});

test('enquire_link keeps the link alive, and a peer that stops answering it is detected', async (t) => {
  const smsc = await manualSmsc(t);
  const { conn } = connect(t, smsc.port, { enquireLinkS: 0.1 });
  await bound(conn);
  await until(() => smsc.count('enquire_link') >= 3, 'three enquire_links');
  assert.equal(conn.state().status, 'bound');

  smsc.control.answerEnquireLink = false;
  await until(() => conn.state().status !== 'bound', 'the silent peer detected');
  assert.match(conn.state().lastError ?? '', /no enquire_link_resp/);
  smsc.control.answerEnquireLink = true;
  await bound(conn);
});

test('answers the SMSC: enquire_link, unbind (then reconnects) and an unknown command with generic_nack', async (t) => {
  const smsc = await manualSmsc(t);
  const { conn } = connect(t, smsc.port);
  await bound(conn);
  const [session] = smsc.sessions;
  assert.ok(session);

  const reply = (command: string) =>
    new Promise<{ status: number; sequence: number }>((resolve) =>
      session.once(command, (pdu) => resolve({ status: pdu.command_status, sequence: pdu.sequence_number })),
    );
  const linkResp = reply('enquire_link_resp');
  session.enquire_link({});
  assert.equal((await linkResp).status, smpp.ESME_ROK);

  const nack = reply('generic_nack');
  const unknown = Buffer.alloc(16);
  unknown.writeUInt32BE(16, 0);
  unknown.writeUInt32BE(0x00000999, 4);
  unknown.writeUInt32BE(77, 12);
  session.socket.write(unknown);
  assert.deepEqual(await nack, { status: smpp.ESME_RINVCMDID, sequence: 77 });

  const unbindResp = reply('unbind_resp');
  session.unbind({});
  await unbindResp;
  await until(() => conn.state().lastError === 'the SMSC unbound', 'the unbind taken as a drop');
  await until(() => smsc.count('bind_transceiver') >= 2, 'a new bind');
  await bound(conn);
});

test('window 3: never more than 3 submit_sm await their response; the rest wait in order', async (t) => {
  const sim = await simulator(t, { submitDelayMs: 50 });
  const { conn } = connect(t, sim.port, { window: 3 });
  await bound(conn);
  const submits = Array.from({ length: 12 }, (_, i) => conn.submit({ ...hello, shortMessage: Buffer.from(`m${i}`) }));
  assert.deepEqual([conn.state().inFlight, conn.state().waiting], [3, 9]);
  const outcomes = await Promise.all(submits);
  assert.ok(outcomes.every((o) => o.ok));
  assert.equal(sim.peakUnanswered(), 3);
  assert.deepEqual(
    sim.received.map((m) => m.shortMessage.toString()),
    Array.from({ length: 12 }, (_, i) => `m${i}`),
  );
  assert.deepEqual([conn.state().inFlight, conn.state().waiting, conn.state().sent], [0, 0, 12]);
});

test('throughput 20/s: 40 submits arrive spread over at least ~1.5 s', async (t) => {
  const sim = await simulator(t);
  const { conn } = connect(t, sim.port, { throughput: 20 });
  await bound(conn);
  const outcomes = await Promise.all(Array.from({ length: 40 }, () => conn.submit(hello)));
  assert.ok(outcomes.every((o) => o.ok));
  const first = sim.received[0]?.at ?? 0;
  const last = sim.received[39]?.at ?? 0;
  // Ideal spacing is 1.9 s (a burst of 2, then one every 50 ms); the slack only allows for timer jitter.
  assert.ok(last - first >= 1_500, `40 submits took ${last - first} ms at the simulator`);
});

test('SMSC errors: throttling and a full queue are retryable, an invalid destination is not', async (t) => {
  const sim = await simulator(t);
  const { conn } = connect(t, sim.port);
  await bound(conn);
  sim.failNext(1, smpp.ESME_RTHROTTLED);
  sim.failNext(1, smpp.ESME_RMSGQFUL);
  sim.failNext(1, smpp.ESME_RINVDSTADR);
  const [throttled, full, invalid] = [await conn.submit(hello), await conn.submit(hello), await conn.submit(hello)];
  assert.deepEqual(throttled, {
    ok: false,
    retry: true,
    status: smpp.ESME_RTHROTTLED,
    reason: 'Throttling error: too many messages per second (ESME_RTHROTTLED, 0x00000058)',
  });
  assert.ok(!full.ok && full.retry && full.status === smpp.ESME_RMSGQFUL && /Message queue full/.test(full.reason));
  assert.deepEqual(invalid, {
    ok: false,
    retry: false,
    status: smpp.ESME_RINVDSTADR,
    reason: 'Invalid destination address (ESME_RINVDSTADR, 0x0000000b)',
  });
  assert.equal((await conn.submit(hello)).ok, true);
  assert.deepEqual([conn.state().sent, conn.state().failed], [1, 3]);
});

test('generic_nack for a submit fails it; retryable only when its status is transient', async (t) => {
  const sim = await simulator(t);
  const { conn } = connect(t, sim.port);
  await bound(conn);
  sim.nackNext(1, smpp.ESME_RTHROTTLED);
  sim.nackNext(1, smpp.ESME_RINVCMDLEN);
  const transient = await conn.submit(hello);
  const permanent = await conn.submit(hello);
  assert.ok(!transient.ok && transient.retry && /^generic_nack: Throttling/.test(transient.reason));
  assert.ok(!permanent.ok && !permanent.retry && permanent.status === smpp.ESME_RINVCMDLEN);
  assert.equal(conn.state().status, 'bound');
});

test('a missing submit_sm_resp and a link lost mid-submit both resolve as retryable', async (t) => {
  const sim = await simulator(t, { submitDelayMs: 1_000 });
  const { conn } = connect(t, sim.port, {}, { timeouts: { ...FAST, responseMs: 100 } });
  await bound(conn);
  const late = await conn.submit(hello);
  assert.ok(!late.ok && late.retry && /no submit_sm_resp within 100 ms/.test(late.reason));

  const { conn: patient } = connect(t, sim.port);
  await bound(patient);
  const pending = patient.submit(hello);
  await until(() => sim.received.length === 2, 'the second submit arrived');
  sim.dropConnections();
  const lost = await pending;
  assert.ok(!lost.ok && lost.retry && /connection lost/.test(lost.reason));
});

test('submits wait while the link is down: sent once it binds, or given back after the queue time-out', async (t) => {
  const sim = await simulator(t);
  const port = sim.port;
  await sim.stop();
  const { conn } = connect(t, port, {}, { timeouts: { ...FAST, queueMs: 150 } });
  const expired = await conn.submit(hello);
  assert.ok(!expired.ok && expired.retry && /not sent within 150 ms/.test(expired.reason));

  const { conn: patient } = connect(t, port);
  const waiting = patient.submit(hello);
  await sleep(100);
  assert.equal(patient.state().waiting, 1);
  await sim.start();
  assert.equal((await waiting).ok, true);
});

test('a short_message over 254 octets is refused without sending', async (t) => {
  const sim = await simulator(t);
  const { conn } = connect(t, sim.port);
  await bound(conn);
  const outcome = await conn.submit({ ...hello, shortMessage: Buffer.alloc(255) });
  assert.ok(!outcome.ok && !outcome.retry && /255 octets/.test(outcome.reason));
  assert.equal(sim.received.length, 0);
});

test('deliver_sm: onDeliver runs to completion before deliver_sm_resp ROK; bytes and TLVs arrive raw', async (t) => {
  const sim = await simulator(t);
  const stored: DeliverSm[] = [];
  const { conn } = connect(
    t,
    sim.port,
    {},
    {
      onDeliver: async (pdu) => {
        await sleep(50);
        stored.push(pdu);
      },
    },
  );
  await bound(conn);
  const gsm = Buffer.from([0x48, 0x1b, 0x65, 0x00, 0x80]);
  const status = await sim.sendMo({
    from: '+14155550123',
    to: '12345',
    shortMessage: gsm,
    dataCoding: 0,
    esmClass: 0x40,
    tlvs: { sar_msg_ref_num: 7, sar_total_segments: 2, sar_segment_seqnum: 1 },
  });
  assert.equal(status, smpp.ESME_ROK);
  assert.equal(stored.length, 1, 'stored before the SMSC got its answer');
  const [pdu] = stored;
  assert.deepEqual(pdu?.short_message, gsm);
  assert.deepEqual(
    [pdu?.source_addr, pdu?.source_addr_ton, pdu?.destination_addr, pdu?.dest_addr_ton, pdu?.esm_class],
    ['14155550123', 1, '12345', 0, 0x40],
  );
  assert.deepEqual([pdu?.sar_msg_ref_num, pdu?.sar_total_segments, pdu?.sar_segment_seqnum], [7, 2, 1]);
});

test('deliver_sm: when onDeliver throws the SMSC gets ESME_RX_T_APPN, so it delivers again', async (t) => {
  const sim = await simulator(t);
  let calls = 0;
  const { conn } = connect(
    t,
    sim.port,
    {},
    {
      onDeliver: () => {
        calls += 1;
        throw new Error('database is locked');
      },
    },
  );
  await bound(conn);
  const status = await sim.sendMo({
    from: '+14155550123',
    to: '+4915112345678',
    shortMessage: Buffer.from('x'),
    dataCoding: 0,
  });
  assert.equal(status, smpp.ESME_RX_T_APPN);
  assert.equal(calls, 1);
  assert.equal(conn.state().status, 'bound');
});

test('the simulator issues delivery receipts as text and as TLVs', async (t) => {
  for (const receipts of ['text', 'tlv'] as const) {
    const sim = await simulator(t, { receipts, idFormat: 'hex' });
    const { conn, delivered } = connect(t, sim.port);
    await bound(conn);
    const outcome = await conn.submit({ ...hello, registeredDelivery: true });
    assert.ok(outcome.ok && /^[0-9a-f]+$/.test(outcome.messageId));
    await until(() => delivered.length === 1, `a ${receipts} receipt`);
    const [receipt] = delivered;
    assert.equal(receipt?.esm_class, 0x04);
    assert.deepEqual([receipt?.source_addr, receipt?.destination_addr], ['14155550123', '4915112345678']);
    if (receipts === 'text') {
      assert.match(
        receipt?.short_message.toString('ascii') ?? '',
        new RegExp(
          `^id:${outcome.messageId} sub:001 dlvrd:001 submit date:\\d{10} done date:\\d{10} stat:DELIVRD err:000 text:hello$`,
        ),
      );
    } else {
      assert.deepEqual([receipt?.receipted_message_id, receipt?.message_state], [outcome.messageId, 2]);
    }
    await conn.stop();
  }
});

test('stop() waits for in-flight submits, unbinds, and does not reconnect', async (t) => {
  const smsc = await manualSmsc(t);
  const sim = await simulator(t, { submitDelayMs: 100 });
  const { conn: viaSim } = connect(t, sim.port);
  await bound(viaSim);
  const inFlight = viaSim.submit(hello);
  await until(() => sim.received.length === 1, 'the submit arrived');
  await viaSim.stop();
  assert.equal((await inFlight).ok, true, 'answered before the unbind');
  assert.equal(sim.boundSessions(), 0);

  const { conn, states } = connect(t, smsc.port);
  await bound(conn);
  await conn.stop();
  assert.equal(smsc.count('unbind'), 1);
  assert.equal(conn.state().status, 'stopped');
  await sleep(300);
  assert.equal(smsc.count('bind_transceiver'), 1, 'no reconnect after stop');
  assert.deepEqual(states, ['connecting', 'bound', 'stopped']);
  const after = await conn.submit(hello);
  assert.ok(!after.ok && after.retry && /stopped/.test(after.reason));
});

interface LogLine {
  level: number;
  msg: string;
  delayMs?: number;
}

function logInto(lines: LogLine[]) {
  return pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
}

for (const { commandLength, octets, sequence, what } of [
  { commandLength: 12, octets: 12, sequence: 0, what: 'a header without its sequence number' },
  { commandLength: 0, octets: 12, sequence: 0, what: 'what the package reads as "no length yet"' },
  { commandLength: 4, octets: 12, sequence: 0, what: 'what leaves the package waiting for nothing' },
  { commandLength: 16_385, octets: 16, sequence: 9, what: 'one octet above the largest PDU the package reads' },
]) {
  test(`command_length ${commandLength} (${what}) is answered with generic_nack ESME_RINVCMDLEN, and the link binds again at once`, async (t) => {
    const smsc = await rawSmsc(t);
    const lines: LogLine[] = [];
    // Keep-alive and backoff far beyond this test's waits: only the reconnect at once brings the link back in time.
    const { conn, states, delivered } = connect(
      t,
      smsc.port,
      { enquireLinkS: 60 },
      {
        log: logInto(lines),
        random: () => 1,
        timeouts: { ...FAST, backoffBaseMs: 60_000 },
      },
    );
    await bound(conn);
    smsc.write(header(commandLength, ENQUIRE_LINK, 9, octets));
    await until(() => smsc.binds() === 2, 'a second bind');
    await bound(conn);

    const onSocket = (socket: number) =>
      smsc.read.filter((pdu) => pdu.socket === socket).map((pdu) => [pdu.commandId, pdu.status, pdu.sequence]);
    assert.deepEqual(onSocket(0), [
      [0x09, 0, 1],
      [GENERIC_NACK, smpp.ESME_RINVCMDLEN, sequence],
    ]);
    assert.deepEqual(onSocket(1), [[0x09, 0, 1]]);
    assert.deepEqual(states, ['connecting', 'bound', 'down', 'connecting', 'bound']);
    assert.equal(conn.state().lastError, `the SMSC sent a PDU with command_length ${commandLength}`);
    const warnings = lines.filter((line) => line.level === 40);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]?.msg ?? '', new RegExp(`^SMPP connection test-smsc: .*command_length ${commandLength}`));

    const deliverSequence = smsc.deliverSm('15557654321', '15551230000', 'after the rebind');
    await until(
      () => smsc.read.some((pdu) => pdu.commandId === DELIVER_SM_RESP && pdu.sequence === deliverSequence),
      'deliver_sm_resp',
    );
    assert.deepEqual(
      delivered.map((pdu) => pdu.short_message.toString()),
      ['after the rebind'],
    );
  });
}

test('an SMSC that keeps sending malformed PDUs gets one reconnect at once per 30 s; the others wait for the backoff', async (t) => {
  const smsc = await rawSmsc(t);
  const lines: LogLine[] = [];
  let clock = 1_000_000;
  const { conn } = connect(
    t,
    smsc.port,
    { enquireLinkS: 60 },
    {
      log: logInto(lines),
      now: () => clock,
      random: () => 1,
      timeouts: { ...FAST, backoffBaseMs: 100 },
    },
  );
  for (const [binds, advanceMs] of [
    [1, 0],
    [2, 0],
    [3, 30_000],
  ] as const) {
    await until(() => smsc.binds() === binds && conn.state().status === 'bound', `bind ${binds}`);
    clock += advanceMs;
    smsc.write(header(12, ENQUIRE_LINK, 0, 12));
  }
  await until(() => smsc.binds() === 4, 'bind 4');
  await bound(conn);
  assert.deepEqual(
    lines.filter((line) => line.delayMs !== undefined).map((line) => line.delayMs),
    [0, 100, 0],
  );
});
