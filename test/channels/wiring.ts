import type { TestContext } from 'node:test';
import pino from 'pino';
import { createOutboxLoop, type OutboxLoopOptions } from '../../src/channels/outbox-loop.ts';
import { createSink } from '../../src/channels/sink.ts';
import type { SmppConfig } from '../../src/channels/smpp/connection.ts';
import { createSimulator } from '../../src/channels/smpp/simulator.ts';
import { startMessaging } from '../../src/channels/start.ts';
import type { Channel } from '../../src/channels/types.ts';
import type { CampaignSettings } from '../../src/domain/campaigns/settings.ts';
import { createGroupCommit } from '../../src/domain/group-commit.ts';
import { buildTestApp, until, type TestApp } from '../helper.ts';

const log = pino({ level: 'silent' });

/**
 * A carrier's SMSC on loopback that sends receipts as text after `receiptDelayMs`, stopped after the test; `block`
 * is the [[smpp]] block "carrier" that binds to it.
 */
export async function carrierSmsc(t: TestContext, receiptDelayMs: number) {
  const smsc = createSimulator({ port: 0, systemId: 'acme', password: 'pw', receipts: 'text', receiptDelayMs, log });
  await smsc.start();
  t.after(() => smsc.stop());
  const block = { name: 'carrier', host: '127.0.0.1', port: smsc.port, system_id: 'acme', password: 'pw' };
  return { smsc, block };
}

/** The [[smpp]] connection "carrier" to an SMSC on 127.0.0.1:`port`, as the channel tests bind it. */
export function smppConfig(port: number, overrides: Partial<SmppConfig> = {}): SmppConfig {
  return {
    name: 'carrier',
    host: '127.0.0.1',
    port,
    tls: false,
    systemId: 'switchboard',
    password: 'secret',
    bind: 'transceiver',
    window: 10,
    throughput: 0,
    enquireLinkS: 30,
    receiptId: 'same',
    ...overrides,
  };
}

/** A channel wired as startMessaging wires it: sink and outbox loop sharing one group commit. Starts the channel, not the loop. */
export function wireChannel(
  h: TestApp,
  channel: Channel,
  options: Partial<OutboxLoopOptions> & {
    numberRate?: (e164: string) => number;
    campaignSettings?: () => CampaignSettings;
  } = {},
) {
  const groupCommit = createGroupCommit(h.app.domain);
  const loop = createOutboxLoop(h.app.domain, new Map([[channel.name, channel]]), log, { groupCommit, ...options });
  channel.start(
    createSink({
      domain: h.app.domain,
      configStore: h.configStore,
      media: h.app.media,
      log,
      groupCommit,
      receipts: (report) => loop.receipt(report),
    }),
  );
  return loop;
}

/** `buildTestApp()` with the messaging `serve` starts (the sandbox SMSC, its channel, the outbox loop), stopped after the test. */
export async function startSandbox(t: TestContext, rawConfig: Record<string, unknown> = {}) {
  const h = await buildTestApp(rawConfig);
  const messaging = await startMessaging(h.app, undefined, log);
  t.after(async () => {
    await messaging.stop();
    await h.close();
  });
  return { h, messaging, simulator: messaging.sandbox! };
}

/** Waits for the customer's text (`body`, else any) to be stored, and gives its conversation's id. */
export function inboundConversation(h: TestApp, body?: string): Promise<number> {
  const sql = `SELECT conversation_id FROM messages WHERE direction = 'in'${body === undefined ? '' : ' AND body = ?'}`;
  const params = body === undefined ? [] : [body];
  return until(
    () =>
      h.sqlite
        .prepare(sql)
        .pluck()
        .get(...params) as number | undefined,
    `the text in: ${body ?? 'any'}`,
  );
}
