import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { InboundReaction, InboundText, MessagingReport, SharedContact } from '../types.ts';

export interface WebhookAnswer {
  status: number;
  contentType: string;
  body: string;
}

const PLAIN = 'text/plain; charset=utf-8';
const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

type Query = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/** Meta's GET subscription check: hub.mode=subscribe and our verify token (compared in constant time) → the challenge. */
export function handshake(query: Query, verifyToken: string): WebhookAnswer {
  const mode = one(query['hub.mode']);
  const token = one(query['hub.verify_token']) ?? '';
  const challenge = one(query['hub.challenge']);
  // Digests have one length whatever was sent, so the comparison takes the same time.
  const matches = timingSafeEqual(digest(token), digest(verifyToken));
  if (mode === 'subscribe' && matches && challenge !== undefined)
    return { status: 200, contentType: PLAIN, body: challenge };
  return { status: 403, contentType: PLAIN, body: 'verification failed' };
}

/** X-Hub-Signature-256: "sha256=" and the hex HMAC-SHA256 of the raw body (the bytes as sent) with the app secret. */
export function verifySignature(rawBody: Buffer, header: string | undefined, appSecret: string): boolean {
  const m = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? '');
  if (!m) return false;
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return timingSafeEqual(Buffer.from(m[1]!, 'hex'), expected);
}

/** A customer's file to fetch (media id → URL → bytes) before the message is handed on. */
export interface MediaToFetch {
  id: string;
  contentType: string;
  filename: string;
}

export interface ParsedMessage {
  /** Which of our numbers it came to (metadata.phone_number_id). */
  phoneNumberId: string;
  text: InboundText;
  media?: MediaToFetch;
}

export interface TemplateUpdate {
  name: string;
  language: string;
  /** APPROVED, REJECTED, PAUSED … */
  event: string;
}

export interface ParsedWebhook {
  messages: ParsedMessage[];
  reactions: (InboundReaction & { phoneNumberId: string })[];
  statuses: (MessagingReport & { phoneNumberId: string })[];
  templateUpdates: TemplateUpdate[];
  /** What was left out and why (an unknown type, a message without an id …), for the log. */
  skipped: string[];
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.map(obj).filter((x): x is Json => x !== undefined) : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** WhatsApp's digits (or a display number with spaces and dashes) as E.164. */
const e164 = (digits: string | undefined): string | undefined => {
  const d = digits?.replace(/\D/g, '');
  return d ? `+${d}` : undefined;
};

const REPORT_STATES: Record<string, MessagingReport['state']> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  played: 'played',
  failed: 'failed',
};

const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'document', 'sticker']);

/** The words of a shared contact card: its formatted name and its phone numbers. */
function sharedContacts(v: unknown): SharedContact[] {
  return list(v).map((c) => ({
    name: str(obj(c.name)?.formatted_name) ?? str(obj(c.name)?.first_name) ?? '',
    phones: list(c.phones)
      .map((p) => str(p.phone) ?? str(p.wa_id))
      .filter((p): p is string => p !== undefined),
  }));
}

/** The parts of one message beyond who sent it, by type; null for a type we do not take. */
function content(m: Json): (Partial<InboundText> & { media?: MediaToFetch }) | null {
  const type = str(m.type) ?? '';
  const body = obj(m[type]);
  if (type === 'text') return { text: str(body?.body) ?? '' };
  if (MEDIA_TYPES.has(type)) {
    const id = str(body?.id);
    if (!id) return null;
    const contentType = str(body?.mime_type) ?? 'application/octet-stream';
    return {
      text: str(body?.caption) ?? '',
      media: { id, contentType, filename: str(body?.filename) ?? '' },
      ...(type === 'audio' && body?.voice === true ? { voice: true } : {}),
    };
  }
  if (type === 'location') {
    const latitude = Number(body?.latitude);
    const longitude = Number(body?.longitude);
    if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) return null;
    const name = str(body?.name);
    const address = str(body?.address);
    return {
      text: '',
      location: { latitude, longitude, ...(name ? { name } : {}), ...(address ? { address } : {}) },
    };
  }
  if (type === 'contacts') return { text: '', contacts: sharedContacts(m.contacts) };
  if (type === 'interactive') {
    const reply = obj(body?.button_reply) ?? obj(body?.list_reply);
    const title = str(reply?.title);
    return title === undefined ? null : { text: title };
  }
  if (type === 'button') {
    const title = str(obj(m.button)?.text);
    return title === undefined ? null : { text: title };
  }
  return null;
}

/**
 * Meta's webhook payload as lists of what happened: every entry, change, message and status, in order. Anything we
 * cannot read (an unknown type, a message without an id) is skipped and named in `skipped`; the rest still counts.
 * The same wamid twice is passed on twice: the domain stores it once.
 */
export function parseWebhook(payload: unknown, connection: string): ParsedWebhook {
  const parsed: ParsedWebhook = { messages: [], reactions: [], statuses: [], templateUpdates: [], skipped: [] };
  for (const entry of list(obj(payload)?.entry)) {
    for (const change of list(entry.changes)) {
      const value = obj(change.value);
      if (!value) continue;
      if (change.field === 'message_template_status_update') {
        const name = str(value.message_template_name);
        const event = str(value.event);
        if (name && event)
          parsed.templateUpdates.push({ name, language: str(value.message_template_language) ?? '', event });
        continue;
      }
      if (change.field !== 'messages') {
        parsed.skipped.push(`field ${String(change.field)}`);
        continue;
      }
      const metadata = obj(value.metadata);
      const phoneNumberId = str(metadata?.phone_number_id) ?? '';
      const to = e164(str(metadata?.display_phone_number)) ?? '';
      const contacts = list(value.contacts);
      for (const m of list(value.messages)) readMessage(parsed, m, { phoneNumberId, to, contacts });
      for (const s of list(value.statuses)) {
        const id = str(s.id);
        const state = REPORT_STATES[str(s.status) ?? ''];
        if (!id || !state) {
          parsed.skipped.push(`status ${String(s.status)} of ${String(s.id)}`);
          continue;
        }
        const error = list(s.errors)[0];
        const code = error?.code;
        const details = [str(error?.title) ?? str(error?.message), str(obj(error?.error_data)?.details)]
          .filter(Boolean)
          .join(': ');
        parsed.statuses.push({
          phoneNumberId,
          connection,
          carrierId: id,
          state,
          ...(typeof code === 'number' || typeof code === 'string' ? { errorCode: String(code) } : {}),
          ...(details ? { errorDetails: details } : {}),
        });
      }
    }
  }
  return parsed;
}

function readMessage(
  parsed: ParsedWebhook,
  m: Json,
  change: { phoneNumberId: string; to: string; contacts: Json[] },
): void {
  const id = str(m.id);
  const phone = str(m.from);
  const userId = str(m.from_user_id);
  if (!id || (!phone && !userId)) {
    parsed.skipped.push(`message ${String(m.id)} without an id or a sender`);
    return;
  }
  const contact = change.contacts.find((c) => (phone && c.wa_id === phone) || (userId && c.user_id === userId));
  const senderId = userId ?? str(contact?.user_id);
  const profileName = str(obj(contact?.profile)?.name);
  // A sender known only by their business-scoped id has no number.
  const from = e164(phone) ?? null;
  const who = { from, to: change.to, ...(senderId ? { senderId } : {}) };
  if (m.type === 'reaction') {
    const reaction = obj(m.reaction);
    const target = str(reaction?.message_id);
    if (!target) {
      parsed.skipped.push(`reaction ${id} without a message id`);
      return;
    }
    parsed.reactions.push({
      phoneNumberId: change.phoneNumberId,
      ...who,
      channelMessageId: target,
      emoji: typeof reaction?.emoji === 'string' ? reaction.emoji : '',
    });
    return;
  }
  const found = content(m);
  if (!found) {
    parsed.skipped.push(`message ${id} of type ${String(m.type)}`);
    return;
  }
  const { media, ...rest } = found;
  const replyTo = str(obj(m.context)?.id);
  parsed.messages.push({
    phoneNumberId: change.phoneNumberId,
    text: {
      ...who,
      text: '',
      ...rest,
      channelMessageId: id,
      ...(profileName ? { profileName } : {}),
      ...(replyTo ? { replyTo } : {}),
    },
    ...(media ? { media } : {}),
  });
}
