import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { createWhatsAppChannel, type WhatsAppChannel } from '../../../src/channels/whatsapp/channel.ts';
import type { WhatsAppConfig } from '../../../src/channels/whatsapp/config.ts';
import {
  startGraphStandin,
  type GraphStandin,
  type StandinOptions,
} from '../../../src/channels/whatsapp/standin/server.ts';
import type {
  ChannelState,
  ChannelTemplate,
  InboundReaction,
  InboundText,
  MessagingReport,
  ChannelSink,
  OutboundText,
} from '../../../src/channels/types.ts';

export const OUR_NUMBER = '+15551230000';
export const CUSTOMER = '+4915112345678';

/** A message from our number to the customer; `extra` adds files, a reply, a template … */
export const text = (t: string, extra: Partial<OutboundText> = {}): OutboundText => ({
  from: OUR_NUMBER,
  to: CUSTOMER,
  text: t,
  files: [],
  ...extra,
});

/** A sink that keeps what it is handed, in order. */
export function recordingSink() {
  const got = {
    inbound: [] as InboundText[],
    reports: [] as MessagingReport[],
    reactions: [] as InboundReaction[],
    templates: [] as ChannelTemplate[][],
  };
  const sink: ChannelSink = {
    inbound: async (text) => void got.inbound.push(text),
    report: async (report) => void got.reports.push(report),
    reaction: async (reaction) => void got.reactions.push(reaction),
    templates: async (_channel, templates) => void got.templates.push(templates),
  };
  return { sink, got };
}

export interface World {
  standin: GraphStandin;
  channel: WhatsAppChannel;
  config: WhatsAppConfig;
  got: ReturnType<typeof recordingSink>['got'];
  states: ChannelState[];
  /** The app's webhook URL, served by a bare node:http server handing requests to channel.receive. */
  webhookUrl: string;
}

/**
 * The stand-in, a channel pointed at it, and a webhook endpoint in front of the channel (the raw body kept, as
 * the app's route does): real HTTP both ways. Closed when the test ends.
 */
export async function whatsAppWorld(
  t: { after(fn: () => Promise<void>): void },
  options: Partial<StandinOptions> & { throughput?: number; start?: boolean } = {},
): Promise<World> {
  const config: WhatsAppConfig = {
    name: 'wa-main',
    phoneNumberId: '123456789012345',
    businessAccountId: '987654321098765',
    accessToken: 'test-access-token',
    appSecret: 'test-app-secret',
    verifyToken: 'a-long-random-string',
    graphUrl: '',
    graphVersion: 'v26.0',
    throughput: options.throughput ?? 0,
    sendReadReceipts: false,
  };
  let channel: WhatsAppChannel | null = null;
  const app = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const signature = req.headers['x-hub-signature-256'];
      void channel!
        .receive({
          method: req.method ?? '',
          query: Object.fromEntries(url.searchParams),
          signature: Array.isArray(signature) ? signature[0] : signature,
          body: Buffer.concat(chunks),
        })
        .then((answer) => {
          res.writeHead(answer.status, { 'Content-Type': answer.contentType });
          res.end(answer.body);
        });
    });
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  const webhookUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/webhooks/whatsapp/${config.name}`;
  const standin = await startGraphStandin({
    graphVersion: config.graphVersion,
    accessToken: config.accessToken,
    appSecret: config.appSecret,
    phoneNumberId: config.phoneNumberId,
    businessAccountId: config.businessAccountId,
    displayPhoneNumber: OUR_NUMBER,
    webhookUrl,
    ...options,
  });
  config.graphUrl = standin.url;
  const states: ChannelState[] = [];
  channel = createWhatsAppChannel(config, pino({ level: 'silent' }), { onState: (s) => states.push(s) });
  const { sink, got } = recordingSink();
  if (options.start !== false) channel.start(sink);
  t.after(async () => {
    await channel.stop();
    await standin.close();
    app.closeAllConnections();
    await new Promise<void>((resolve) => app.close(() => resolve()));
  });
  return { standin, channel, config, got, states, webhookUrl };
}
