import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.ts';
import { secretOf, secretProblems } from '../config/secrets.ts';
import { createGroupCommit } from '../domain/group-commit.ts';
import { releaseLeases } from '../domain/messaging/delivery.ts';
import { syncNumbers, type NumberConfig } from '../domain/numbers/sync.ts';
import { createOutboxLoop } from './outbox-loop.ts';
import { createSink } from './sink.ts';
import { createSmppChannel } from './smpp/channel.ts';
import type { SmppConfig } from './smpp/connection.ts';
import { createMm7Channel, type Mm7Config } from './mm7/channel.ts';
import { createSimulator, type Simulator } from './smpp/simulator.ts';
import type { Channel } from './types.ts';

export const SANDBOX = { name: 'sandbox', systemId: 'sandbox', password: 'sandbox', number: '+15550100100', inbox: 'Support' } as const;

/** The built-in SMSC runs when there is no config file (unless switched off) or when a file switches it on. */
export function sandboxWanted(config: Config, configFile: string | undefined): boolean {
  return config.sandbox.enabled ?? configFile === undefined;
}

function smppConfigOf(c: Config['smpp'][number]): SmppConfig {
  const password = secretOf(c.password, c.password_env)!;
  return {
    name: c.name,
    host: c.host,
    port: c.port,
    tls: c.tls,
    systemId: c.system_id,
    password,
    bind: c.bind,
    window: c.window,
    throughput: c.throughput,
    enquireLinkS: c.enquire_link_s,
    receiptId: c.receipt_id,
  };
}

function mm7ConfigOf(c: Config['mm7'][number]): Mm7Config {
  return {
    name: c.name,
    url: c.url,
    vaspId: c.vasp_id,
    vasId: c.vas_id,
    ...(c.service_code ? { serviceCode: c.service_code } : {}),
    ...(c.username ? { username: c.username, password: secretOf(c.password, c.password_env)! } : {}),
    inboundUsername: c.inbound_username,
    inboundPassword: secretOf(c.inbound_password, c.inbound_password_env)!,
    timeoutMs: c.timeout_s * 1000,
  };
}

export interface Messaging {
  sandbox: Simulator | null;
  stop(): Promise<void>;
}

/** Starts the SMS side of the process: the sandbox SMSC if wanted, one channel per [[smpp]], and the outbox loop. */
export async function startMessaging(app: FastifyInstance, configFile: string | undefined, log: Logger): Promise<Messaging> {
  const config = app.configStore.current;
  // `serve` checked these before start-up; here they guard every other caller (a short inbound password lets anyone in).
  const problems = secretProblems(config);
  if (problems.length) throw new Error(problems.join('; '));
  const smppConfigs = config.smpp.map(smppConfigOf);
  const numberConfigs: NumberConfig[] = [...config.number];
  let sandbox: Simulator | null = null;
  if (sandboxWanted(config, configFile)) {
    sandbox = createSimulator({ port: config.sandbox.port, systemId: SANDBOX.systemId, password: SANDBOX.password, receipts: 'text', receiptDelayMs: 300, log: log.child({ sandbox: true }) });
    await sandbox.start();
    smppConfigs.push({ name: SANDBOX.name, host: '127.0.0.1', port: sandbox.port, tls: false, systemId: SANDBOX.systemId, password: SANDBOX.password, bind: 'transceiver', window: 10, throughput: 0, enquireLinkS: 30, receiptId: 'same' });
    if (!numberConfigs.some((n) => n.smpp === SANDBOX.name)) {
      numberConfigs.push({ e164: SANDBOX.number, smpp: SANDBOX.name, inbox: SANDBOX.inbox, registration: 'not-required', throughput: 0 });
    }
    log.warn({ port: sandbox.port }, 'sandbox SMSC running: texts go nowhere real. Add [[smpp]] and [[number]] blocks to connect a carrier.');
  }

  const { skipped } = syncNumbers(app.domain, numberConfigs);
  for (const s of skipped) log.warn(s, 'number not set up');

  const channels = new Map<string, Channel>();
  const numberRate = (e164: string) => app.configStore.current.number.find((n) => n.e164 === e164)?.throughput ?? 0;
  const groupCommit = createGroupCommit(app.domain);
  const loop = createOutboxLoop(app.domain, channels, log.child({ outbox: true }), { groupCommit, numberRate, media: app.media });
  const sink = createSink({ domain: app.domain, configStore: app.configStore, media: app.media, log, groupCommit, receipts: loop.receipt });
  for (const c of smppConfigs) {
    const channel = createSmppChannel(c, log, { onState: (state) => app.messaging.changed.emit('state', state) });
    channel.start(sink);
    channels.set(c.name, channel);
  }
  const released = releaseLeases(app.domain);
  if (released) log.warn({ released }, 'texts that were in flight when the last run stopped are sent again (at-least-once)');
  app.domain.events.on('message.created', ({ direction }) => {
    if (direction === 'out') loop.wake();
  });
  loop.start();
  for (const c of config.mm7) {
    const channel = createMm7Channel(mm7ConfigOf(c), log, { onState: (state) => app.messaging.changed.emit('state', state) });
    channel.start(sink);
    channels.set(c.name, channel);
    app.messaging.mm7.set(c.name, channel);
  }
  app.messaging.simulator = sandbox;
  app.messaging.channels = [...channels.values()];

  return {
    sandbox,
    async stop() {
      await loop.stop();
      await Promise.all([...channels.values()].map((c) => c.stop()));
      await sandbox?.stop();
    },
  };
}
