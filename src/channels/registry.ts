import type { Logger } from 'pino';
import type { Config } from '../config/schema.ts';
import { secretOf } from '../config/secrets.ts';
import type { MessageKind } from '../domain/messaging/capabilities.ts';
import { createMm7Channel, type Mm7Channel, type Mm7Config } from './mm7/channel.ts';
import { createSmppChannel } from './smpp/channel.ts';
import type { SmppConfig } from './smpp/connection.ts';
import type { Channel, ChannelState } from './types.ts';
import { createWhatsAppChannel, type WhatsAppChannel } from './whatsapp/channel.ts';
import type { WhatsAppConfig } from './whatsapp/config.ts';

/** One request to /webhooks/<kind>/<name>, as the kind's receiver gets it. */
export interface WebhookRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, string>;
  /** The bytes as they came: signatures are computed over them. Empty for a GET. */
  body: Buffer;
}

export interface WebhookAnswer {
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
}

/** How a running channel takes the HTTP requests its provider sends (MM7's MMSC, Meta's webhooks). */
export interface Receiver {
  /** The largest body it reads (bytes); a longer one is refused before it is read. */
  bodyLimit: number;
  /** Asked before the body is read: an answer refuses the request (a stranger may not make the server buffer megabytes). */
  screen?(request: Omit<WebhookRequest, 'body'>): Promise<WebhookAnswer | null>;
  /** Answers every request it is given; never throws. */
  receive(request: WebhookRequest): Promise<WebhookAnswer>;
}

/** What a kind's channels are made with. */
export interface KindDeps {
  log: Logger;
  onState: (state: ChannelState) => void;
}

/**
 * A kind of channel, as one entry of `channelKinds`: `Spec` is what one of its channels runs with (compared between
 * reloads: a change means a new channel), `C` what its channels can do beyond `Channel`.
 */
export interface ChannelKind<Spec, C extends Channel = Channel> {
  /** Its [[block]] in the configuration, the URL segment of /webhooks/<name>/…, and its name on the admin page. */
  name: string;
  /** What the messages of the numbers it carries are; null when it carries no number of its own (MM7: an SMS number's files). */
  messageKind: MessageKind | null;
  /** Its blocks, as the specs of its channels by name. May throw on a secret missing from the environment. */
  specs(config: Config): [string, Spec][];
  create(spec: Spec, deps: KindDeps): C;
  /** "after-loop": started once the outbox loop runs (HTTP-only channels take requests that need it at once). */
  starts: 'before-loop' | 'after-loop';
  receiver?(channel: C): Receiver;
  /** Tells the customer's phone that an agent read their message (WhatsApp's blue ticks), if the channel is set to. */
  readReceipt?: (channel: C, spec: Spec, channelMessageId: string) => Promise<void>;
}

/** A kind with its types closed over, so that the list can hold every kind. */
export interface RegisteredKind {
  name: string;
  messageKind: MessageKind | null;
  starts: ChannelKind<unknown>['starts'];
  specs(config: Config): Map<string, unknown>;
  open(
    spec: unknown,
    deps: KindDeps,
  ): { channel: Channel; receiver: Receiver | null; readReceipt: ((channelMessageId: string) => Promise<void>) | null };
}

export function defineKind<Spec, C extends Channel>(kind: ChannelKind<Spec, C>): RegisteredKind {
  return {
    name: kind.name,
    messageKind: kind.messageKind,
    starts: kind.starts,
    specs: (config) => new Map(kind.specs(config)),
    open(spec, deps) {
      const channel = kind.create(spec as Spec, deps);
      return {
        channel,
        receiver: kind.receiver?.(channel) ?? null,
        readReceipt: kind.readReceipt ? (id) => kind.readReceipt!(channel, spec as Spec, id) : null,
      };
    },
  };
}

export const smppKind = defineKind<SmppConfig, Channel>({
  name: 'smpp',
  messageKind: 'sms',
  starts: 'before-loop',
  specs: (config) =>
    config.smpp.map((c) => [
      c.name,
      {
        name: c.name,
        host: c.host,
        port: c.port,
        tls: c.tls,
        systemId: c.system_id,
        password: secretOf(c.password, c.password_env)!,
        bind: c.bind,
        window: c.window,
        throughput: c.throughput,
        enquireLinkS: c.enquire_link_s,
        receiptId: c.receipt_id,
      },
    ]),
  create: (spec, { log, onState }) => createSmppChannel(spec, log, { onState }),
});

/** Generous for an MMS: carriers cap a message at a few hundred KB to a few MB, and base64 adds a third. */
const MM7_BODY_LIMIT = 16 * 1024 * 1024;

const headerOf = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;

export const mm7Kind = defineKind<Mm7Config, Mm7Channel>({
  name: 'mm7',
  messageKind: null,
  // MM7 is HTTP only: it starts after the loop, when the outbox has its channels.
  starts: 'after-loop',
  specs: (config) =>
    config.mm7.map((c) => [
      c.name,
      {
        name: c.name,
        url: c.url,
        vaspId: c.vasp_id,
        vasId: c.vas_id,
        ...(c.service_code ? { serviceCode: c.service_code } : {}),
        ...(c.username ? { username: c.username, password: secretOf(c.password, c.password_env)! } : {}),
        inboundUsername: c.inbound_username,
        inboundPassword: secretOf(c.inbound_password, c.inbound_password_env)!,
        timeoutMs: c.timeout_s * 1000,
      },
    ]),
  create: (spec, { log, onState }) => createMm7Channel(spec, log, { onState }),
  receiver: (channel) => ({
    bodyLimit: MM7_BODY_LIMIT,
    // Credentials are checked before the body is read; the refusal is the channel's own (401 and how to authenticate).
    async screen({ headers }) {
      const authorization = headerOf(headers.authorization);
      if (channel.authorised(authorization)) return null;
      return channel.receive({ contentType: undefined, authorization, body: Buffer.alloc(0) });
    },
    async receive({ method, headers, body }) {
      if (method !== 'POST')
        return { status: 405, contentType: 'text/plain', body: 'an MMSC posts here', headers: { allow: 'POST' } };
      return channel.receive({
        contentType: headerOf(headers['content-type']),
        authorization: headerOf(headers.authorization),
        body,
      });
    },
  }),
});

/** Meta's webhook posts are small JSON documents: media comes by id, fetched afterwards. */
const WHATSAPP_BODY_LIMIT = 1024 * 1024;

export const whatsappKind = defineKind<WhatsAppConfig, WhatsAppChannel>({
  name: 'whatsapp',
  messageKind: 'whatsapp',
  starts: 'before-loop',
  specs: (config) =>
    config.whatsapp.map((c) => [
      c.name,
      {
        name: c.name,
        phoneNumberId: c.phone_number_id,
        businessAccountId: c.business_account_id,
        accessToken: secretOf(c.access_token, c.access_token_env)!,
        appSecret: secretOf(c.app_secret, c.app_secret_env)!,
        verifyToken: c.verify_token,
        graphUrl: c.graph_url,
        graphVersion: c.graph_version,
        throughput: c.throughput,
        sendReadReceipts: c.send_read_receipts,
      },
    ]),
  create: (spec, { log, onState }) => createWhatsAppChannel(spec, log, { onState }),
  receiver: (channel) => ({
    bodyLimit: WHATSAPP_BODY_LIMIT,
    receive: ({ method, headers, query, body }) =>
      channel.receive({ method, query, signature: headerOf(headers['x-hub-signature-256']), body }),
  }),
  readReceipt: async (channel, spec, channelMessageId) => {
    if (spec.sendReadReceipts) await channel.markRead(channelMessageId);
  },
});

/** Every kind the server runs, in the order their channels start. */
export const channelKinds: readonly RegisteredKind[] = [smppKind, mm7Kind, whatsappKind];
