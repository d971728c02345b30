import { performance } from 'node:perf_hooks';
import pino from 'pino';
import WebSocket from 'ws';
import { createOutboxLoop } from '../src/channels/outbox-loop.ts';
import { createSink } from '../src/channels/sink.ts';
import { createSmppChannel } from '../src/channels/smpp/channel.ts';
import { createSmppConnection, type ConnectionState, type SmppConfig } from '../src/channels/smpp/connection.ts';
import { encodeForSubmit } from '../src/channels/smpp/encoding.ts';
import { createSimulator, type Simulator } from '../src/channels/smpp/simulator.ts';
import { startMessaging } from '../src/channels/start.ts';
import type { Channel } from '../src/channels/types.ts';
import { setMembers } from '../src/domain/inboxes/service.ts';
import { receiveSms } from '../src/domain/messaging/inbound.ts';
import { queueReply } from '../src/domain/messaging/outbox.ts';
import { keywordTextsOf } from '../src/domain/messaging/texts.ts';
import { syncNumbers } from '../src/domain/numbers/sync.ts';
import { addUser, buildTestApp, signedIn, type TestApp } from '../test/helper.ts';
import { machine, percentile, summary } from './stats.ts';

/**
 * SMS over SMPP against the loopback simulator (all in this one process, one event loop):
 * 1. outbound, durable: `queued` rows in SQLite → outbox loop → channel → submit_sm_resp → `sent` rows, per window;
 *    and the bare connection (no database) for comparison;
 * 2. inbound to the browser: deliver_sm → stored → pushed over /live to a signed-in member's WebSocket.
 */
const N = 5_000;
const ROUNDS = 3;
const CONTACTS = 100;
const RUN_LIMIT_MS = 30_000;
const MO_RATE = 200;
const MO_SECONDS = 10;
const MO_GRACE_MS = 5_000;

const NUMBER = '+15550100200';
const CONNECTION = 'bench';
const CREDENTIALS = { systemId: 'bench', password: 'bench' } as const;
const log = pino({ level: 'silent' });

const median = (xs: number[]): number => percentile([...xs].sort((a, b) => a - b), 50);
const rate = (count: number, ms: number): string => `${Math.round((count * 1000) / ms).toLocaleString('en')}/s`;
const elu = (): (() => number) => {
  const start = performance.eventLoopUtilization();
  return () => performance.eventLoopUtilization(start).utilization;
};

/** Process CPU time (user + system, all threads) since the call, in ms: steadier than wall time on a shared machine. */
const cpu = (): (() => number) => {
  const start = process.cpuUsage();
  return () => {
    const d = process.cpuUsage(start);
    return (d.user + d.system) / 1000;
  };
};

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

async function startSimulator(): Promise<Simulator> {
  const simulator = createSimulator({ port: 0, ...CREDENTIALS, receipts: 'none', log });
  await simulator.start();
  return simulator;
}

function smppConfig(port: number, window: number): SmppConfig {
  return { name: CONNECTION, host: '127.0.0.1', port, tls: false, ...CREDENTIALS, bind: 'transceiver', window, throughput: 0, enquireLinkS: 30, receiptId: 'same' };
}

/** The same connection as an [[smpp]] block plus one [[number]] on it, as switchboard.toml would say. */
function rawConfig(port: number, window: number): Record<string, unknown> {
  return {
    sandbox: { enabled: false },
    smpp: [{ name: CONNECTION, host: '127.0.0.1', port, system_id: CREDENTIALS.systemId, password: CREDENTIALS.password, window, throughput: 0 }],
    number: [{ e164: NUMBER, smpp: CONNECTION, inbox: 'Support', registration: 'not-required' }],
  };
}

/** Resolves once the connection reports `bound`; bounded. */
function boundSignal(): { onState: (s: ConnectionState) => void; bound: Promise<void> } {
  let resolve!: () => void;
  const bound = new Promise<void>((r) => (resolve = r));
  return { onState: (s) => s.status === 'bound' && resolve(), bound: withTimeout(bound, 10_000, 'bind') };
}

const customer = (i: number): string => `+1555700${String(i).padStart(4, '0')}`;

// --- 1. outbound ------------------------------------------------------------------------------

interface DurableRun {
  ms: number;
  sent: number;
  statuses: string;
  atSmsc: number;
  peakInFlight: number;
  elu: number;
  cpuMs: number;
  sendMs: number[];
}

async function durableRun(window: number): Promise<DurableRun> {
  const simulator = await startSimulator();
  const h = await buildTestApp(rawConfig(simulator.port, window));
  const domain = h.app.domain;
  let loop: ReturnType<typeof createOutboxLoop> | null = null;
  let channel: Channel | null = null;
  try {
    syncNumbers(domain, h.configStore.current.number);
    const admin = await addUser(h.app, 'admin');
    const conversations: number[] = [];
    for (let c = 0; c < CONTACTS; c++) {
      const r = receiveSms(domain, { from: customer(c), to: NUMBER, text: 'hello' }, () => keywordTextsOf(undefined));
      if (!r.stored) throw new Error('the number is not set up');
      conversations.push(r.conversationId);
    }
    for (let i = 0; i < N; i++) queueReply(domain, admin.actor, conversations[i % CONTACTS]!, `Thanks for writing, this is reply ${i}.`);

    const { onState, bound } = boundSignal();
    const inner = createSmppChannel(smppConfig(simulator.port, window), log, { onState });
    inner.start(createSink(domain, h.configStore, h.app.media, log));
    channel = inner;
    await bound;
    // The real channel, timed per send: window wait + submit_sm round trip, as the outbox loop sees it.
    const sendMs: number[] = [];
    // Sampled as each send returns: submit_sm still unanswered on the link, i.e. how full the window is kept.
    let peakInFlight = 0;
    const timed: Channel = {
      name: inner.name,
      state: () => inner.state(),
      start: (s) => inner.start(s),
      stop: () => inner.stop(),
      async send(m) {
        const t0 = performance.now();
        const outcome = await inner.send(m);
        sendMs.push(performance.now() - t0);
        peakInFlight = Math.max(peakInFlight, inner.state().inFlight);
        return outcome;
      },
    };

    const countSent = h.sqlite.prepare(`SELECT count(*) FROM messages WHERE direction = 'out' AND status = 'sent'`).pluck();
    let updates = 0;
    let finish!: () => void;
    const allSent = new Promise<void>((r) => (finish = r));
    domain.events.on('message.updated', () => {
      if (++updates >= N && countSent.get() === N) finish();
    });

    const l = createOutboxLoop(domain, new Map([[CONNECTION, timed]]), log);
    domain.events.on('message.created', () => l.wake());
    loop = l;
    const busy = elu();
    const cpuUsed = cpu();
    const t0 = performance.now();
    l.start();
    await withTimeout(allSent, RUN_LIMIT_MS, `window ${window}: all ${N} sent`).catch((err: Error) => console.log(`  ! ${err.message}`));
    const ms = performance.now() - t0;
    const utilization = busy();
    const cpuMs = cpuUsed();
    const statuses = (h.sqlite.prepare(`SELECT status, count(*) AS n FROM messages WHERE direction = 'out' GROUP BY status ORDER BY status`).all() as { status: string; n: number }[])
      .map((r) => `${r.status}=${r.n}`)
      .join(' ');
    return { ms, sent: countSent.get() as number, statuses, atSmsc: simulator.received.length, peakInFlight, elu: utilization, cpuMs, sendMs };
  } finally {
    await loop?.stop();
    await channel?.stop();
    await simulator.stop();
    await h.close();
  }
}

async function durable(window: number): Promise<void> {
  const rates: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const r = await durableRun(window);
    rates.push((r.sent * 1000) / r.ms);
    console.log(
      `  round ${round}: ${r.sent}/${N} sent in ${r.ms.toFixed(0)} ms = ${rate(r.sent, r.ms)}  [${r.statuses}]  at SMSC ${r.atSmsc}, ` +
        `max in flight ${r.peakInFlight}/${window}, event loop busy ${(r.elu * 100).toFixed(0)}%, CPU ${((r.cpuMs * 1000) / N).toFixed(0)} µs/msg`,
    );
    console.log(`  ${summary(`channel.send (round ${round})`, r.sendMs)}`);
  }
  console.log(`durable queued→sent, window ${String(window).padEnd(3)}    median of ${ROUNDS}: ${Math.round(median(rates)).toLocaleString('en')} msg/s (N=${N}, throughput unlimited)`);
}

async function bare(window: number): Promise<void> {
  const rates: number[] = [];
  const shortMessage = encodeForSubmit('Thanks for writing, this is reply 0.', 0).parts[0]!;
  for (let round = 1; round <= ROUNDS; round++) {
    const simulator = await startSimulator();
    const { onState, bound } = boundSignal();
    const connection = createSmppConnection(smppConfig(simulator.port, window), { log, onDeliver: () => {}, onState });
    try {
      connection.start();
      await bound;
      let peakInFlight = 0;
      const submit = async (i: number) => {
        const outcome = await connection.submit({ sourceAddr: NUMBER, destAddr: customer(i % CONTACTS), dataCoding: 0, esmClass: 0, shortMessage, registeredDelivery: true });
        peakInFlight = Math.max(peakInFlight, connection.state().inFlight);
        return outcome;
      };
      // Warm-up (not timed): the JIT has compiled the submit path before the clock starts.
      await withTimeout(Promise.all(Array.from({ length: 500 }, (_, i) => submit(i))), RUN_LIMIT_MS, 'warm-up submits');
      peakInFlight = 0;
      const busy = elu();
      const cpuUsed = cpu();
      const t0 = performance.now();
      const outcomes = await withTimeout(
        Promise.all(Array.from({ length: N }, (_, i) => submit(i))),
        RUN_LIMIT_MS,
        'bare submits',
      );
      const ms = performance.now() - t0;
      const ok = outcomes.filter((o) => o.ok).length;
      rates.push((ok * 1000) / ms);
      console.log(`  round ${round}: ${ok}/${N} ok in ${ms.toFixed(0)} ms = ${rate(ok, ms)}  max in flight ${peakInFlight}/${window}, event loop busy ${(busy() * 100).toFixed(0)}%, CPU ${((cpuUsed() * 1000) / N).toFixed(0)} µs/msg`);
    } finally {
      await connection.stop();
      await simulator.stop();
    }
  }
  console.log(`bare createSmppConnection, window ${String(window).padEnd(3)} median of ${ROUNDS}: ${Math.round(median(rates)).toLocaleString('en')} submit/s (N=${N}, no database)`);
}

// --- 2. inbound to the browser ----------------------------------------------------------------

async function inbound(): Promise<void> {
  const simulator = await startSimulator();
  let h: TestApp | null = null;
  let messaging: Awaited<ReturnType<typeof startMessaging>> | null = null;
  let socket: WebSocket | null = null;
  try {
    h = await buildTestApp(rawConfig(simulator.port, 10));
    const app = h.app;
    // As `switchboard serve` does: numbers synced, one channel per [[smpp]], the outbox loop.
    messaging = await startMessaging(app, undefined, log);
    await withTimeout(
      (async () => {
        while (simulator.boundSessions() === 0) await new Promise((r) => setTimeout(r, 10));
      })(),
      10_000,
      'the channel binding',
    );
    const admin = await addUser(app, 'admin');
    const agent = await addUser(app, 'agent');
    const inboxId = (h.sqlite.prepare(`SELECT inbox_id FROM numbers WHERE e164 = ?`).pluck().get(NUMBER) as number);
    setMembers(app.domain, admin.actor, inboxId, [agent.id]);
    const client = await signedIn(app, agent.email);

    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (!address || typeof address !== 'object') throw new Error('not listening');
    const ws = new WebSocket(`ws://127.0.0.1:${address.port}/live`, { headers: { cookie: client.cookieHeader } });
    socket = ws;
    const sentAt = new Map<number, number>();
    const latency = new Map<number, number>();
    let frames = 0;
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        ws.once('message', () => {
          // The first frame is the catch-up navigation; every later one is a push.
          ws.on('message', (data) => {
            const at = performance.now();
            frames += 1;
            for (const match of String(data).matchAll(/bench-mo-(\d+)-z/g)) {
              const i = Number(match[1]);
              const t0 = sentAt.get(i);
              if (t0 !== undefined && !latency.has(i)) latency.set(i, at - t0);
            }
          });
          resolve();
        });
        ws.once('unexpected-response', (_req, res) => reject(new Error(`/live: HTTP ${res.statusCode}`)));
        ws.once('error', reject);
      }),
      10_000,
      'the live socket',
    );

    const total = MO_RATE * MO_SECONDS;
    const refused: string[] = [];
    const answered: Promise<void>[] = [];
    const busy = elu();
    const cpuUsed = cpu();
    const lag: number[] = [];
    const t0 = performance.now();
    let next = 0;
    await withTimeout(
      new Promise<void>((resolve) => {
        // Paced by the clock: each tick sends what is due, so a late tick catches up instead of slowing the rate.
        const tick = setInterval(() => {
          const now = performance.now();
          const due = Math.min(total, Math.floor(((now - t0) * MO_RATE) / 1000) + 1);
          if (next < due) lag.push(now - (t0 + (next * 1000) / MO_RATE));
          for (; next < due; next++) {
            const i = next;
            const text = `Hello, bench-mo-${i}-z here`;
            sentAt.set(i, performance.now());
            answered.push(
              simulator
                .sendMo({ from: customer(i % CONTACTS), to: NUMBER, shortMessage: encodeForSubmit(text, 0).parts[0]!, dataCoding: 0 })
                .then(
                  (status) => void (status !== 0 && refused.push(`status ${status}`)),
                  (err: Error) => void refused.push(err.message),
                ),
            );
          }
          if (next >= total) {
            clearInterval(tick);
            resolve();
          }
        }, 5);
      }),
      MO_SECONDS * 1000 + 10_000,
      'sending the MOs',
    );
    const sendMs = performance.now() - t0;
    const cpuMs = cpuUsed();
    await withTimeout(Promise.all(answered), MO_GRACE_MS + 10_000, 'deliver_sm_resp');
    const graceEnd = performance.now() + MO_GRACE_MS;
    while (latency.size < total && performance.now() < graceEnd) await new Promise((r) => setTimeout(r, 20));
    const utilization = busy();

    const stored = h.sqlite.prepare(`SELECT count(*) FROM messages WHERE direction = 'in' AND body LIKE '%bench-mo-%'`).pluck().get() as number;
    const ms = [...latency.values()];
    const sorted = [...ms].sort((a, b) => a - b);
    console.log(
      `MO sent ${total} in ${sendMs.toFixed(0)} ms (${rate(total, sendMs)}, tick lag p50=${percentile([...lag].sort((a, b) => a - b), 50).toFixed(1)} ms), ` +
        `refused/unanswered ${refused.length}${refused.length ? ` (${[...new Set(refused)].slice(0, 3).join('; ')})` : ''}, stored ${stored}, ` +
        `pushed to the socket ${latency.size}/${total} (${frames} frames), event loop busy ${(utilization * 100).toFixed(0)}%, CPU ${((cpuMs * 1000) / total).toFixed(0)} µs/MO`,
    );
    console.log(summary('MO sendMo → WebSocket frame', ms));
    console.log(`${'MO sendMo → WebSocket frame'.padEnd(34)} p99=${percentile(sorted, 99).toFixed(3)} ms  max=${(sorted[sorted.length - 1] ?? NaN).toFixed(3)} ms`);
  } finally {
    if (socket && socket.readyState === socket.OPEN) {
      const closed = new Promise((r) => socket!.once('close', r));
      socket.close();
      await withTimeout(closed, 5_000, 'closing the socket').catch(() => socket!.terminate());
    }
    await messaging?.stop();
    await simulator.stop();
    await h?.close();
  }
}

console.log(machine());
console.log(`outbound, durable (SQLite queued → outbox loop → submit_sm → submit_sm_resp → sent), ${N} messages over ${CONTACTS} conversations, receipts off:`);
await durable(10);
await durable(100);
console.log('outbound, bare connection (no database):');
await bare(100);
console.log(`inbound to the browser: ${MO_RATE} MO/s for ${MO_SECONDS} s, deliver_sm → stored → /live push to a signed-in inbox member:`);
await inbound();
console.log(machine());
