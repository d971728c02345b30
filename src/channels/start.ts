import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.ts';
import { SANDBOX, SANDBOX_WHATSAPP } from '../config/sandbox.ts';
import { secretProblems } from '../config/secrets.ts';
import { createGroupCommit } from '../domain/group-commit.ts';
import { latestInboundChannelId } from '../domain/messaging/channel-ids.ts';
import { releaseLeases } from '../domain/messaging/delivery.ts';
import { syncNumbers, type NumberConfig } from '../domain/numbers/sync.ts';
import { createOutboxLoop } from './outbox-loop.ts';
import { campaignSettingsOf } from '../domain/campaigns/settings.ts';
import { createSink } from './sink.ts';
import { channelKinds, smppKind, type Receiver, type Refresh, type RegisteredKind } from './registry.ts';
import type { SmppConfig } from './smpp/connection.ts';
import { createSimulator, type Simulator } from './smpp/simulator.ts';
import type { Channel, ChannelState } from './types.ts';
import { startWhatsAppSandbox, type WhatsAppSandbox } from './whatsapp/sandbox.ts';

/** The built-in SMSC runs when there is no config file (unless switched off) or when a file switches it on. */
export function sandboxWanted(config: Config, configFile: string | undefined): boolean {
  return config.sandbox.enabled ?? configFile === undefined;
}

/** What one channel runs with, as compared between reloads: a change in any of it means a new channel (a new bind). */
interface ChannelSpec {
  kind: RegisteredKind;
  spec: unknown;
}

interface Wanted {
  channels: Map<string, ChannelSpec>;
  numbers: NumberConfig[];
}

const SANDBOX_SMPP = (port: number): SmppConfig => ({
  name: SANDBOX.name,
  host: '127.0.0.1',
  port,
  tls: false,
  systemId: SANDBOX.systemId,
  password: SANDBOX.password,
  bind: 'transceiver',
  window: 10,
  throughput: 0,
  enquireLinkS: 30,
  receiptId: 'same',
});

/** What the sandbox runs: the SMSC, and the WhatsApp stand-in when the server has the WhatsApp kind. */
interface Sandbox {
  smsc: Simulator;
  whatsapp: { kind: RegisteredKind; sandbox: WhatsAppSandbox } | null;
}

/** The channels and numbers a configuration asks for, the sandbox's added while it runs. Throws on a missing secret. */
function wantedBy(config: Config, sandbox: Sandbox | null, kinds: readonly RegisteredKind[]): Wanted {
  const channels = new Map<string, ChannelSpec>();
  for (const kind of kinds) for (const [name, spec] of kind.specs(config)) channels.set(name, { kind, spec });
  const numbers: NumberConfig[] = [...config.number];
  if (!sandbox) return { channels, numbers };
  channels.set(SANDBOX.name, { kind: smppKind, spec: SANDBOX_SMPP(sandbox.smsc.port) });
  if (!numbers.some((n) => n.smpp === SANDBOX.name)) {
    numbers.push({
      e164: SANDBOX.number,
      smpp: SANDBOX.name,
      inbox: SANDBOX.inbox,
      registration: 'not-required',
      throughput: 0,
    });
  }
  const whatsapp = sandbox.whatsapp;
  if (whatsapp) {
    channels.set(SANDBOX_WHATSAPP.name, { kind: whatsapp.kind, spec: whatsapp.sandbox.spec });
    if (!numbers.some((n) => n.whatsapp === SANDBOX_WHATSAPP.name || n.e164 === SANDBOX_WHATSAPP.number))
      numbers.push({
        e164: SANDBOX_WHATSAPP.number,
        whatsapp: SANDBOX_WHATSAPP.name,
        inbox: SANDBOX_WHATSAPP.inbox,
        registration: 'not-required',
        throughput: 0,
      });
  }
  return { channels, numbers };
}

const sameSpec = (a: ChannelSpec, b: ChannelSpec) =>
  a.kind === b.kind && JSON.stringify(a.spec) === JSON.stringify(b.spec);

/** What a reload did to the connections and numbers, by name. */
export interface MessagingChanges {
  added: string[];
  rebound: string[];
  removed: string[];
  numbersAdded: string[];
  numbersRemoved: string[];
  /** Still configured, with another inbox, connection, texts, limits … */
  numbersChanged: string[];
  skipped: { e164: string; reason: string }[];
}

export interface Messaging {
  sandbox: Simulator | null;
  /**
   * Makes the running connections and numbers match `config`: added connections bind, changed ones unbind (after
   * their sends in flight, bounded) and bind with the new settings, removed ones stop the same way; unchanged
   * ones are left alone. Throws before changing anything when a connection's secret is missing.
   */
  apply(config: Config): Promise<MessagingChanges>;
  stop(): Promise<void>;
}

/** Starts the messaging side of the process: the sandbox SMSC if wanted, one channel per block of every kind (./registry.ts), and the outbox loop. */
export async function startMessaging(
  app: FastifyInstance,
  configFile: string | undefined,
  log: Logger,
  /** Tests run kinds of their own. */
  kinds: readonly RegisteredKind[] = channelKinds,
): Promise<Messaging> {
  const config = app.configStore.current;
  // `serve` checked these before start-up; here they guard every other caller (a short inbound password lets anyone in).
  const problems = secretProblems(config);
  if (problems.length) throw new Error(problems.join('; '));
  let sandbox: Sandbox | null = null;
  if (sandboxWanted(config, configFile)) {
    const smsc = createSimulator({
      port: config.sandbox.port,
      systemId: SANDBOX.systemId,
      password: SANDBOX.password,
      receipts: 'text',
      receiptDelayMs: 300,
      log: log.child({ sandbox: true }),
    });
    await smsc.start();
    log.warn(
      { port: smsc.port },
      'sandbox SMSC running: texts go nowhere real. Add [[smpp]] and [[number]] blocks to connect a carrier.',
    );
    const whatsappKind = kinds.find((k) => k.name === 'whatsapp');
    const whatsapp = whatsappKind ? await startWhatsAppSandbox(log.child({ sandbox: true })) : null;
    // Its webhooks come to this server: at once when it listens already (serve), else when it starts to (tests).
    whatsapp?.postTo(app.server);
    sandbox = { smsc, whatsapp: whatsapp && whatsappKind ? { kind: whatsappKind, sandbox: whatsapp } : null };
  }
  let wanted = wantedBy(config, sandbox, kinds);

  const { skipped } = syncNumbers(app.domain, wanted.numbers, { retireUnlisted: true });
  for (const s of skipped) log.warn(s, 'number not set up');

  const channels = new Map<string, Channel>();
  const specs = new Map<string, ChannelSpec>();
  const numberRate = (e164: string) => app.configStore.current.number.find((n) => n.e164 === e164)?.throughput ?? 0;
  const groupCommit = createGroupCommit(app.domain);
  const loop = createOutboxLoop(app.domain, channels, log.child({ outbox: true }), {
    groupCommit,
    numberRate,
    media: app.media,
    campaignSettings: () => campaignSettingsOf(app.configStore.current),
  });
  const sink = createSink({
    domain: app.domain,
    configStore: app.configStore,
    media: app.media,
    log,
    groupCommit,
    receipts: (report) => loop.receipt(report),
  });
  const onState = (state: ChannelState) => app.messaging.changed.emit('state', state);

  const receivers = new Map<string, Receiver>();
  const readReceipts = new Map<string, (channelMessageId: string) => Promise<void>>();
  const refreshes = new Map<string, Refresh>();

  /** The web side sees the channels as they are now: the admin page, and /webhooks/<kind>/<name> (and /mm7/<name>). */
  function publish(): void {
    app.messaging.channels = [...channels.values()];
    app.messaging.kinds = new Map([...specs].map(([name, { kind }]) => [name, kind.name]));
    const byKind = new Map<string, Map<string, Receiver>>();
    for (const [name, receiver] of receivers) {
      const kind = specs.get(name)!.kind.name;
      byKind.set(kind, (byKind.get(kind) ?? new Map<string, Receiver>()).set(name, receiver));
    }
    app.messaging.receivers = byKind;
    app.messaging.refresh = new Map(refreshes);
  }

  function open(name: string, spec: ChannelSpec): Channel {
    const { channel, receiver, readReceipt, refresh } = spec.kind.open(spec.spec, { log, onState });
    channels.set(name, channel);
    specs.set(name, spec);
    if (receiver) receivers.set(name, receiver);
    else receivers.delete(name);
    if (readReceipt) readReceipts.set(name, readReceipt);
    else readReceipts.delete(name);
    if (refresh) refreshes.set(name, refresh);
    else refreshes.delete(name);
    return channel;
  }

  const startingAfterLoop: Channel[] = [];
  for (const [name, spec] of wanted.channels) {
    const channel = open(name, spec);
    if (spec.kind.starts === 'before-loop') channel.start(sink);
    else startingAfterLoop.push(channel);
  }
  const released = releaseLeases(app.domain, (interrupted) =>
    log.warn(
      { interrupted },
      'campaign texts that were in flight when the last run stopped are not sent again (failed)',
    ),
  );
  if (released)
    log.warn({ released }, 'texts that were in flight when the last run stopped are sent again (at-least-once)');
  app.domain.events.on('message.created', ({ direction }) => {
    if (direction === 'out') loop.wake();
  });
  // Campaign texts are queued without a message.created each (thousands, in closed conversations): one wake per turn.
  app.domain.events.on('campaign.changed', () => loop.wake());
  // An agent opened the conversation: the customer's phone may show their latest message as read (once per message).
  const receipted = new Map<number, string>();
  app.domain.events.on('conversation.read', ({ conversationId, read }) => {
    if (!read) return;
    const latest = latestInboundChannelId(app.domain, conversationId);
    const readReceipt = latest && readReceipts.get(latest.channel);
    if (!latest || !readReceipt || receipted.get(conversationId) === latest.channelMessageId) return;
    receipted.delete(conversationId);
    receipted.set(conversationId, latest.channelMessageId);
    if (receipted.size > 10_000) receipted.delete(receipted.keys().next().value!);
    readReceipt(latest.channelMessageId).catch((err: unknown) => log.warn({ err }, 'read receipt not sent'));
  });
  loop.start();
  for (const channel of startingAfterLoop) channel.start(sink);
  app.messaging.simulator = sandbox?.smsc ?? null;
  app.messaging.whatsappPhone = sandbox?.whatsapp?.sandbox.phone ?? null;
  publish();

  async function apply(next: Config): Promise<MessagingChanges> {
    const target = wantedBy(next, sandbox, kinds);
    // First the one write: should it fail, no connection has changed either. Nothing below awaits until all is swapped.
    const before = new Map(wanted.numbers.map((n) => [n.e164, JSON.stringify(n)]));
    const after = new Map(target.numbers.map((n) => [n.e164, JSON.stringify(n)]));
    const synced = syncNumbers(app.domain, target.numbers, { retireUnlisted: true });
    for (const s of synced.skipped) log.warn(s, 'number not set up');
    const added = [...target.channels.keys()].filter((name) => !specs.has(name));
    const removed = [...specs.keys()].filter((name) => !target.channels.has(name));
    const rebound = [...target.channels]
      .filter(([name, spec]) => specs.has(name) && !sameSpec(specs.get(name)!, spec))
      .map(([name]) => name);
    const retiring = removed.map((name) => channels.get(name)!);
    for (const name of removed) {
      channels.delete(name);
      specs.delete(name);
      receivers.delete(name);
      readReceipts.delete(name);
      refreshes.delete(name);
    }
    const replaced = rebound.map((name) => ({
      old: channels.get(name)!,
      fresh: open(name, target.channels.get(name)!),
    }));
    for (const name of added) open(name, target.channels.get(name)!).start(sink);
    wanted = target;
    publish();
    // A changed connection binds again only once the old bind is gone: many SMSCs take one bind per system_id.
    await Promise.all([
      ...retiring.map((channel) => channel.stop()),
      ...replaced.map(async ({ old, fresh }) => {
        await old.stop();
        fresh.start(sink);
      }),
    ]);
    return {
      added,
      rebound,
      removed,
      numbersAdded: [...after.keys()].filter((e) => !before.has(e)),
      numbersRemoved: [...before.keys()].filter((e) => !after.has(e)),
      numbersChanged: [...after].filter(([e, block]) => before.has(e) && before.get(e) !== block).map(([e]) => e),
      skipped: synced.skipped,
    };
  }

  let applying: Promise<unknown> = Promise.resolve();
  return {
    sandbox: sandbox?.smsc ?? null,
    apply(next) {
      const run = applying.then(() => apply(next));
      applying = run.catch(() => {});
      return run;
    },
    async stop() {
      await applying;
      await loop.stop();
      await Promise.all([...channels.values()].map((c) => c.stop()));
      await sandbox?.smsc.stop();
      await sandbox?.whatsapp?.sandbox.stop();
    },
  };
}
