import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { capabilitiesOf } from '../../../domain/messaging/capabilities.ts';
import { checkMessage, variablesIn, type Refusal } from './checks.ts';
import {
  digitsOf,
  envelope,
  messagesChange,
  metaJson,
  newWamid,
  signatureOf,
  timestamp,
  type Business,
} from './payloads.ts';

/** A template as Meta lists it. */
export interface MetaTemplate {
  name: string;
  language: string;
  status: string;
  category: string;
  components: { type: string; format?: string; text?: string }[];
}

export interface StandinOptions extends Business {
  graphVersion: string;
  accessToken: string;
  appSecret: string;
  /** Where the customer's messages and our messages' statuses are posted (the app's /webhooks/whatsapp/<name>). */
  webhookUrl?: string;
  /** How long a media URL works (Meta: about five minutes). */
  mediaUrlTtlMs?: number;
  templates?: MetaTemplate[];
  /** Templates per page at most, whatever `limit` asks. */
  templatePageSize?: number;
  /** Statuses for what we send: off, in order (sent, delivered, read, played), or the other way round. */
  statuses?: 'off' | 'in-order' | 'reversed';
  /** Between two statuses of one message. */
  statusDelayMs?: number;
  port?: number;
}

/** What the customer's phone sends: who (a number, a business-scoped id, or both) and one kind of content. */
export type PhoneMessage = { from?: string; userId?: string; name?: string; replyTo?: string } & (
  | { text: string }
  | { image: { data: Buffer; contentType?: string; caption?: string } }
  | { voice: Buffer }
  | { location: { latitude: number; longitude: number; name?: string; address?: string } }
  | { reaction: { messageId: string; emoji: string } }
);

export interface RecordedRequest {
  method: string;
  path: string;
  status: number;
  /** The JSON body, or the multipart fields (the file as its name, type and size). */
  body: unknown;
  refusal?: Refusal;
}

export interface StandinError {
  httpStatus: number;
  code: number;
  title: string;
  details?: string;
}

interface StoredMedia {
  data: Buffer;
  contentType: string;
  filename: string;
}

export interface GraphStandin {
  /** The graph_url to configure. */
  url: string;
  requests: RecordedRequest[];
  /** Message bodies accepted, with the wamid each got and when (ms). */
  accepted: { wamid: string; body: Record<string, unknown>; at: number }[];
  /** The last status posted for each of our messages (by wamid) that the webhook took (200): what its ticks show. */
  statuses: Map<string, string>;
  media: Map<string, StoredMedia>;
  webhookUrl: string | undefined;
  templates: MetaTemplate[];
  /** The next `count` media URLs handed out are already expired (a slow download, for the test). */
  expireNextMediaUrls(count: number): void;
  /** The next messages request answers this error instead. */
  failNextSend(error: StandinError): void;
  /** The customer's phone sends a message; resolves with its wamid and the webhook's HTTP status. */
  userSends(message: PhoneMessage): Promise<{ wamid: string; status: number }>;
  /** Posts any payload signed (or with the given signature header; null sends none). */
  postWebhook(payload: unknown, signature?: string | null): Promise<number>;
  /** Resolves once the statuses scheduled so far have been posted. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

const DEFAULT_TEMPLATES: MetaTemplate[] = [
  {
    name: 'hello_again',
    language: 'en',
    status: 'APPROVED',
    category: 'UTILITY',
    components: [{ type: 'BODY', text: 'Hello {{1}}, we have news about your request. Reply to continue.' }],
  },
];

const metaError = (status: number, e: { code: number; title: string; details?: string }) => ({
  status,
  body: {
    error: {
      message: `(#${e.code}) ${e.title}`,
      type: 'OAuthException',
      code: e.code,
      error_data: { messaging_product: 'whatsapp', details: e.details ?? e.title },
      fbtrace_id: randomBytes(8).toString('hex'),
    },
  },
});

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Meta's Graph API for one WhatsApp number, on 127.0.0.1: messages, media upload and download, templates — each
 * request checked strictly — and the customer's phone, which posts signed webhooks and the statuses of what we
 * send. Tests use it, and the sandbox runs it instead of Meta.
 */
export async function startGraphStandin(options: StandinOptions): Promise<GraphStandin> {
  const ttl = options.mediaUrlTtlMs ?? 5 * 60_000;
  const pageSize = options.templatePageSize ?? 25;
  const statusMode = options.statuses ?? 'in-order';
  const statusDelay = options.statusDelayMs ?? 20;
  const media = new Map<string, StoredMedia>();
  const urls = new Map<string, { mediaId: string; expires: number }>();
  const requests: RecordedRequest[] = [];
  const accepted: GraphStandin['accepted'] = [];
  const statuses = new Map<string, string>();
  const timers = new Set<Promise<void>>();
  let expireNext = 0;
  let failNext: StandinError | null = null;
  let base = '';

  const standin = {} as GraphStandin;

  const templateVariables = (name: string, language: string): number | null => {
    const t = standin.templates.find((x) => x.name === name && x.language === language && x.status === 'APPROVED');
    if (!t) return null;
    return variablesIn(t.components.find((c) => c.type === 'BODY')?.text ?? '');
  };

  function storeMedia(file: StoredMedia): string {
    const id = String(10 ** 14 + media.size + Math.floor(Math.random() * 10 ** 9));
    media.set(id, file);
    return id;
  }

  async function post(payload: unknown, signature?: string | null): Promise<number> {
    if (!standin.webhookUrl) throw new Error('the stand-in has no webhook URL to post to');
    const raw = metaJson(payload);
    const sig = signature === undefined ? signatureOf(raw, options.appSecret) : signature;
    const response = await fetch(standin.webhookUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(sig === null ? {} : { 'X-Hub-Signature-256': sig }) },
      body: raw,
    });
    await response.arrayBuffer();
    return response.status;
  }

  /** sent → delivered → read (→ played for a voice note), or reversed, each after the delay. */
  function scheduleStatuses(wamid: string, body: Record<string, unknown>): void {
    if (statusMode === 'off' || !standin.webhookUrl) return;
    const voice = body.type === 'audio' && (body.audio as { voice?: boolean }).voice === true;
    const steps = ['sent', 'delivered', 'read', ...(voice ? ['played'] : [])];
    if (statusMode === 'reversed') steps.reverse();
    const recipient = {
      ...(typeof body.to === 'string' ? { recipient_id: body.to } : {}),
      ...(typeof body.recipient === 'string' ? { recipient_user_id: body.recipient } : {}),
    };
    const work = (async () => {
      for (const status of steps) {
        await new Promise((resolve) => setTimeout(resolve, statusDelay));
        const statusObject = { id: wamid, status, timestamp: timestamp(), ...recipient };
        const answered = await post(envelope(options, [messagesChange(options, { statuses: [statusObject] })])).catch(
          () => 0,
        );
        if (answered === 200) statuses.set(wamid, status);
      }
    })();
    timers.add(work);
    void work.finally(() => timers.delete(work));
  }

  function messages(body: unknown): { status: number; body: unknown; refusal?: Refusal } {
    if (failNext) {
      const error = failNext;
      failNext = null;
      return { ...metaError(error.httpStatus, error), refusal: { code: error.code, title: error.title, details: '' } };
    }
    const refusal = checkMessage(body, { knownMedia: (id) => media.has(id), templateVariables });
    if (refusal) return { ...metaError(400, refusal), refusal };
    const message = body as Record<string, unknown>;
    if (message.status === 'read') return { status: 200, body: { success: true } };
    const wamid = newWamid();
    accepted.push({ wamid, body: message, at: Date.now() });
    scheduleStatuses(wamid, message);
    const contact =
      typeof message.to === 'string'
        ? { input: message.to, wa_id: message.to }
        : { input: message.recipient, user_id: message.recipient };
    return { status: 200, body: { messaging_product: 'whatsapp', contacts: [contact], messages: [{ id: wamid }] } };
  }

  async function upload(
    req: IncomingMessage,
    raw: Buffer,
  ): Promise<{ status: number; body: unknown; fields: unknown }> {
    const contentType = req.headers['content-type'] ?? '';
    if (!contentType.startsWith('multipart/form-data'))
      return {
        ...metaError(400, { code: 100, title: 'Invalid parameter', details: 'multipart/form-data expected' }),
        fields: null,
      };
    let form: FormData;
    try {
      form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
    } catch {
      return {
        ...metaError(400, { code: 100, title: 'Invalid parameter', details: 'unreadable multipart body' }),
        fields: null,
      };
    }
    const fields: Record<string, unknown> = {};
    for (const [key, value] of form.entries())
      fields[key] = typeof value === 'string' ? value : { name: value.name, type: value.type, size: value.size };
    const refuse = (details: string) => ({
      ...metaError(400, { code: 100, title: 'Invalid parameter', details }),
      fields,
    });
    const unknown = Object.keys(fields).find((k) => !['messaging_product', 'type', 'file'].includes(k));
    if (unknown) return refuse(`unknown field "${unknown}"`);
    if (form.get('messaging_product') !== 'whatsapp') return refuse('messaging_product must be "whatsapp"');
    const type = form.get('type');
    const file = form.get('file');
    if (typeof type !== 'string' || !type) return refuse('"type" is required');
    if (!(file instanceof File)) return refuse('"file" must be a file part');
    const rule = capabilitiesOf('whatsapp').media.find((r) => r.contentType === type.split(';')[0]!.trim());
    if (!rule || file.size > rule.maxBytes)
      return {
        ...metaError(400, { code: 131053, title: 'Media upload error', details: `${type}, ${file.size} bytes` }),
        fields,
      };
    const id = storeMedia({ data: Buffer.from(await file.arrayBuffer()), contentType: type, filename: file.name });
    return { status: 200, body: { id }, fields };
  }

  function mediaUrl(mediaId: string) {
    const stored = media.get(mediaId);
    if (!stored) return metaError(400, { code: 100, title: 'Invalid parameter', details: `unknown media ${mediaId}` });
    const token = randomBytes(12).toString('hex');
    const expired = expireNext > 0;
    if (expired) expireNext--;
    urls.set(token, { mediaId, expires: expired ? 0 : Date.now() + ttl });
    return {
      status: 200,
      body: {
        messaging_product: 'whatsapp',
        url: `${base}/whatsapp_business/attachments/?mid=${token}`,
        mime_type: stored.contentType,
        sha256: createHash('sha256').update(stored.data).digest('hex'),
        file_size: stored.data.length,
        id: mediaId,
      },
    };
  }

  function templates(query: URLSearchParams) {
    const limit = Math.min(Number(query.get('limit') ?? pageSize) || pageSize, pageSize);
    const start = Number(query.get('after') ?? 0) || 0;
    const data = standin.templates.slice(start, start + limit);
    const next = start + limit < standin.templates.length ? String(start + limit) : null;
    return {
      status: 200,
      body: {
        data,
        paging: {
          cursors: { before: String(start), after: next ?? String(start + data.length) },
          ...(next
            ? {
                next: `${base}/${options.graphVersion}/${options.businessAccountId}/message_templates?access_token=${options.accessToken}&limit=${limit}&after=${next}`,
              }
            : {}),
        },
      },
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', base);
    const raw = await readBody(req);
    const record = (status: number, body: unknown, extra: Partial<RecordedRequest> = {}) =>
      requests.push({ method: req.method ?? '', path: url.pathname, status, body, ...extra });
    const answer = (status: number, body: unknown, contentType = 'application/json') => {
      res.writeHead(status, { 'Content-Type': contentType });
      res.end(Buffer.isBuffer(body) ? body : JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${options.accessToken}`) {
      const denied = metaError(401, { code: 190, title: 'Invalid OAuth access token - Cannot parse access token' });
      record(denied.status, null);
      return answer(denied.status, denied.body);
    }
    if (url.pathname === '/whatsapp_business/attachments/' && req.method === 'GET') {
      const target = urls.get(url.searchParams.get('mid') ?? '');
      const stored = target && target.expires > Date.now() ? media.get(target.mediaId) : undefined;
      record(stored ? 200 : 404, null);
      if (!stored) return answer(404, metaError(404, { code: 100, title: 'URL expired' }).body);
      return answer(200, stored.data, stored.contentType);
    }
    const prefix = `/${options.graphVersion}/`;
    const parts = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length).split('/') : [];
    let json: unknown = null;
    if (req.headers['content-type']?.startsWith('application/json')) {
      try {
        json = JSON.parse(raw.toString('utf8'));
      } catch {
        const bad = metaError(400, { code: 100, title: 'Invalid parameter', details: 'the body is not JSON' });
        record(bad.status, raw.toString('utf8'));
        return answer(bad.status, bad.body);
      }
    }
    if (req.method === 'POST' && parts.length === 2 && parts[0] === options.phoneNumberId && parts[1] === 'messages') {
      const result = messages(json);
      record(result.status, json, result.refusal ? { refusal: result.refusal } : {});
      return answer(result.status, result.body);
    }
    if (req.method === 'POST' && parts.length === 2 && parts[0] === options.phoneNumberId && parts[1] === 'media') {
      const result = await upload(req, raw);
      record(result.status, result.fields);
      return answer(result.status, result.body);
    }
    if (
      req.method === 'GET' &&
      parts.length === 2 &&
      parts[0] === options.businessAccountId &&
      parts[1] === 'message_templates'
    ) {
      const result = templates(url.searchParams);
      record(result.status, Object.fromEntries(url.searchParams));
      return answer(result.status, result.body);
    }
    if (req.method === 'GET' && parts.length === 1 && media.has(parts[0]!)) {
      const result = mediaUrl(parts[0]!);
      record(result.status, null);
      return answer(result.status, result.body);
    }
    const unsupported = metaError(400, {
      code: 100,
      title: 'Unsupported request',
      details: `${req.method} ${url.pathname} (this stand-in speaks ${options.graphVersion})`,
    });
    record(unsupported.status, json);
    return answer(unsupported.status, unsupported.body);
  }

  function phonePayload(message: PhoneMessage): { wamid: string; payload: unknown } {
    const wamid = newWamid();
    const sender = {
      ...(message.from ? { from: digitsOf(message.from) } : {}),
      ...(message.userId ? { from_user_id: message.userId } : {}),
    };
    const contact = {
      profile: { name: message.name ?? 'Customer' },
      ...(message.from ? { wa_id: digitsOf(message.from) } : {}),
      ...(message.userId ? { user_id: message.userId } : {}),
    };
    const context = message.replyTo
      ? { context: { from: digitsOf(options.displayPhoneNumber), id: message.replyTo } }
      : {};
    let content: Record<string, unknown>;
    if ('text' in message) content = { type: 'text', text: { body: message.text } };
    else if ('image' in message) {
      const contentType = message.image.contentType ?? 'image/jpeg';
      const id = storeMedia({ data: message.image.data, contentType, filename: '' });
      const sha256 = createHash('sha256').update(message.image.data).digest('hex');
      content = {
        type: 'image',
        image: {
          id,
          mime_type: contentType,
          sha256,
          ...(message.image.caption ? { caption: message.image.caption } : {}),
        },
      };
    } else if ('voice' in message) {
      const contentType = 'audio/ogg; codecs=opus';
      const id = storeMedia({ data: message.voice, contentType, filename: '' });
      const sha256 = createHash('sha256').update(message.voice).digest('hex');
      content = { type: 'audio', audio: { id, mime_type: contentType, sha256, voice: true } };
    } else if ('location' in message) content = { type: 'location', location: message.location };
    else
      content = {
        type: 'reaction',
        reaction: { message_id: message.reaction.messageId, emoji: message.reaction.emoji },
      };
    const inbound = { ...context, ...sender, id: wamid, timestamp: timestamp(), ...content };
    return {
      wamid,
      payload: envelope(options, [messagesChange(options, { contacts: [contact], messages: [inbound] })]),
    };
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { message: String(error), code: 1 } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return Object.assign(standin, {
    url: base,
    requests,
    accepted,
    statuses,
    media,
    webhookUrl: options.webhookUrl,
    // A copy: a test that adds a template to one stand-in does not add it to the next one's defaults.
    templates: [...(options.templates ?? DEFAULT_TEMPLATES)],
    expireNextMediaUrls(count: number) {
      expireNext = count;
    },
    failNextSend(error: StandinError) {
      failNext = error;
    },
    async userSends(message: PhoneMessage) {
      if (!message.from && !message.userId) throw new Error('the phone needs a number or a business-scoped id');
      const { wamid, payload } = phonePayload(message);
      return { wamid, status: await post(payload) };
    },
    postWebhook: post,
    async settled() {
      while (timers.size) await Promise.allSettled([...timers]);
    },
    async close() {
      await standin.settled();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  } satisfies GraphStandin);
}
