import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { SANDBOX_WHATSAPP } from '../../config/sandbox.ts';
import { GRAPH_VERSION } from '../../config/schema.ts';
import type { WhatsAppConfig } from './config.ts';
import { digitsOf } from './standin/payloads.ts';
import { startGraphStandin, type GraphStandin, type MetaTemplate } from './standin/server.ts';

/** What the sandbox's templates look like in the template picker: two approved, one still in review. */
const TEMPLATES: MetaTemplate[] = [
  {
    name: 'order_update',
    language: 'en',
    status: 'APPROVED',
    category: 'UTILITY',
    components: [{ type: 'BODY', text: 'Hi {{1}}, your order {{2}} has shipped.' }],
  },
  {
    name: 'appointment_reminder',
    language: 'en',
    status: 'APPROVED',
    category: 'UTILITY',
    components: [{ type: 'BODY', text: 'Hi {{1}}, a reminder of your appointment on {{2}}. Reply to change it.' }],
  },
  {
    name: 'spring_sale',
    language: 'en',
    status: 'PENDING',
    category: 'MARKETING',
    components: [{ type: 'BODY', text: 'Hi {{1}}, our spring sale starts today.' }],
  },
];

/** A phone waits this long between the statuses of one message: sent, delivered, read (and played), as if open. */
const STATUS_DELAY_MS = 700;

/** A file on a line: a photo, a voice note (played from /sandbox/media/<id>), or any other kind Meta carries. */
export interface PhoneMedia {
  type: string;
  /** The stand-in's media id, for the player; null when the body linked it instead. */
  id: string | null;
  voice: boolean;
}

/** What a quoted message was, for the line that quotes it. */
export interface PhoneQuote {
  text: string | null;
  media: PhoneMedia | null;
}

/** One message of the customer phone's WhatsApp transcript, as the stand-in saw it. */
export interface PhoneLine {
  direction: 'to-inbox' | 'to-phone';
  /** The inbox number. */
  other: string;
  at: number;
  /** The wamid: what a reaction or a quote points at. */
  id: string;
  text: string | null;
  media: PhoneMedia | null;
  /** The template's name, when the text is a template filled in. */
  template: string | null;
  quote: PhoneQuote | null;
  /** Our message's last status the app took (sent, delivered, read, played); null for the customer's own. */
  status: string | null;
  /** The reaction the other side put on this message ('' when it took it back). */
  reaction: string | null;
}

/** What the customer phone sends: a text, a photo or a voice note (Ogg/Opus), or a reaction; optionally quoting. */
export type PhoneContent = { replyTo?: string } & (
  | { text: string }
  | { image: { data: Buffer; contentType: string; caption?: string } }
  | { voice: Buffer }
  | { reaction: { messageId: string; emoji: string } }
);

/** The customer side of the sandbox's WhatsApp number, for /sandbox. */
export interface WhatsAppPhone {
  /** The inbox's WhatsApp number. */
  number: string;
  /** Posts the customer's message to the app as Meta would; refuses (throws) when the app does not take it. */
  send(from: string, content: PhoneContent): Promise<void>;
  lines(phone: string): PhoneLine[];
  media(id: string): { data: Buffer; contentType: string } | undefined;
}

export interface WhatsAppSandbox {
  /** The [[whatsapp]] block the sandbox adds, pointed at the stand-in; its token and secrets are new each run. */
  spec: WhatsAppConfig;
  phone: WhatsAppPhone;
  /** The stand-in posts its webhooks to this server once it listens (now, when it already does). */
  postTo(server: Server): void;
  stop(): Promise<void>;
}

/** The address the stand-in (on this machine) reaches the server at: loopback for a wildcard listen. */
function ownAddress(server: Server): string | null {
  const address = server.address();
  if (!address || typeof address === 'string') return null;
  const host =
    address.address === '0.0.0.0' || address.address === '::'
      ? '127.0.0.1'
      : address.family === 'IPv6'
        ? `[${address.address}]`
        : address.address;
  return `http://${host}:${address.port}`;
}

function bodyOf(line: Record<string, unknown>): { text: string | null; media: PhoneMedia | null } {
  const type = String(line.type);
  const content = (line[type] ?? {}) as Record<string, unknown>;
  if (type === 'text') return { text: String(content.body), media: null };
  const id = typeof content.id === 'string' ? content.id : null;
  const caption = typeof content.caption === 'string' ? content.caption : null;
  return { text: caption, media: { type, id, voice: content.voice === true } };
}

/** A template body with its {{n}} filled from the parameters sent, as the customer's phone shows it. */
function filledTemplate(templates: MetaTemplate[], template: Record<string, unknown>): string {
  const language = (template.language as { code?: string } | undefined)?.code;
  const found = templates.find((t) => t.name === template.name && t.language === language);
  const body = found?.components.find((c) => c.type === 'BODY')?.text ?? String(template.name);
  const components = (template.components ?? []) as { parameters?: { text?: string }[] }[];
  const values = components.flatMap((c) => c.parameters ?? []).map((p) => p.text ?? '');
  return body.replace(/\{\{(\d+)\}\}/g, (whole, n: string) => values[Number(n) - 1] ?? whole);
}

interface Sent {
  phone: string;
  wamid: string;
  at: number;
  content: PhoneContent;
}

function createPhone(standin: GraphStandin): WhatsAppPhone {
  /** What the customer sent, oldest first; their own photos and voice notes by wamid, to show them again. */
  const sent: Sent[] = [];
  const ownMedia = new Map<string, { data: Buffer; contentType: string }>();

  function ownLine(s: Sent): PhoneLine {
    const { content } = s;
    const media =
      'image' in content
        ? { type: 'image', id: s.wamid, voice: false }
        : 'voice' in content
          ? { type: 'audio', id: s.wamid, voice: true }
          : null;
    const text = 'text' in content ? content.text : 'image' in content ? (content.image.caption ?? null) : null;
    return { ...line('to-inbox', s.wamid, s.at), text, media };
  }

  function lines(phone: string): PhoneLine[] {
    const digits = digitsOf(phone);
    const ours = standin.accepted.filter((a) => a.body.to === digits);
    const mine = sent.filter((s) => s.phone === phone);
    const own = mine.filter((s) => !('reaction' in s.content)).map(ownLine);
    const replies = ours
      .filter((a) => a.body.type !== 'reaction')
      .map(({ wamid, body, at }): PhoneLine => {
        const template = body.type === 'template' ? (body.template as Record<string, unknown>) : null;
        return {
          ...line('to-phone', wamid, at),
          ...(template
            ? { text: filledTemplate(standin.templates, template), template: String(template.name) }
            : bodyOf(body)),
          status: standin.statuses.get(wamid) ?? null,
        };
      });
    const byId = new Map([...own, ...replies].map((l) => [l.id, l]));
    const quote = (line: PhoneLine | undefined, quoted: string | undefined) => {
      const target = byId.get(quoted ?? '');
      if (line && target) line.quote = { text: target.text, media: target.media };
    };
    // Reactions land on the message they name, the last one counting; quotes show what they quote.
    for (const s of mine) {
      if ('reaction' in s.content) {
        const target = byId.get(s.content.reaction.messageId);
        if (target) target.reaction = s.content.reaction.emoji;
      } else quote(byId.get(s.wamid), s.content.replyTo);
    }
    for (const { wamid, body } of ours) {
      if (body.type === 'reaction') {
        const reaction = body.reaction as { message_id: string; emoji: string };
        const target = byId.get(reaction.message_id);
        if (target) target.reaction = reaction.emoji;
      } else quote(byId.get(wamid), (body.context as { message_id?: string } | undefined)?.message_id);
    }
    return [...byId.values()].sort((a, b) => a.at - b.at);
  }

  return {
    number: SANDBOX_WHATSAPP.number,
    async send(from, content) {
      const { wamid, status } = await standin.userSends({ from, ...content });
      if (status !== 200) throw new Error(`the app answered the stand-in's webhook with ${status}`);
      sent.push({ phone: from, wamid, at: Date.now(), content });
      if ('image' in content) ownMedia.set(wamid, { data: content.image.data, contentType: content.image.contentType });
      if ('voice' in content) ownMedia.set(wamid, { data: content.voice, contentType: 'audio/ogg; codecs=opus' });
    },
    lines,
    media: (id) => ownMedia.get(id) ?? standin.media.get(id),
  };
}

const line = (direction: PhoneLine['direction'], id: string, at: number): PhoneLine => ({
  direction,
  other: SANDBOX_WHATSAPP.number,
  at,
  id,
  text: null,
  media: null,
  template: null,
  quote: null,
  status: null,
  reaction: null,
});

/**
 * Starts the Graph API stand-in for the sandbox (127.0.0.1, any free port) with a made-up token and app secret,
 * and the [[whatsapp]] block that points at it. Its webhooks go to this server once `postTo` knows where it listens.
 */
export async function startWhatsAppSandbox(log: Logger): Promise<WhatsAppSandbox> {
  const secret = () => randomBytes(24).toString('base64url');
  const spec: WhatsAppConfig = {
    name: SANDBOX_WHATSAPP.name,
    phoneNumberId: SANDBOX_WHATSAPP.phoneNumberId,
    businessAccountId: SANDBOX_WHATSAPP.businessAccountId,
    accessToken: secret(),
    appSecret: secret(),
    verifyToken: secret(),
    graphUrl: '',
    graphVersion: GRAPH_VERSION,
    throughput: 80,
    // As a phone shows it: the customer's messages are marked read when an agent opens the conversation.
    sendReadReceipts: true,
  };
  const standin = await startGraphStandin({
    graphVersion: spec.graphVersion,
    accessToken: spec.accessToken,
    appSecret: spec.appSecret,
    phoneNumberId: spec.phoneNumberId,
    businessAccountId: spec.businessAccountId,
    displayPhoneNumber: SANDBOX_WHATSAPP.number,
    templates: TEMPLATES,
    statuses: 'in-order',
    statusDelayMs: STATUS_DELAY_MS,
  });
  spec.graphUrl = standin.url;
  log.warn(
    { graphUrl: standin.url },
    'sandbox WhatsApp stand-in running: messages go nowhere real. Add [[whatsapp]] and [[number]] blocks to connect Meta.',
  );
  return {
    spec,
    phone: createPhone(standin),
    postTo(server) {
      const point = () => {
        const base = ownAddress(server);
        standin.webhookUrl = base ? `${base}/webhooks/whatsapp/${SANDBOX_WHATSAPP.name}` : undefined;
      };
      if (server.listening) point();
      else server.once('listening', point);
    },
    stop: () => standin.close(),
  };
}
