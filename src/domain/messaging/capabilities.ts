import { messageKinds } from '../../db/schema/numbers.ts';
import { LIMITS } from '../limits.ts';

/** The column's values (numbers.kind) are the kinds: the lower layer holds the list. */
export { messageKinds };
export type MessageKind = (typeof messageKinds)[number];

/** One media type a kind accepts, and the largest file of it (the provider's own limit). */
export interface MediaRule {
  contentType: string;
  maxBytes: number;
}

/**
 * What a kind of message can carry: the composer, the send gate and the timeline read it instead of asking
 * "is this SMS?". SMS attachment limits are per number (config), so `media` is empty for SMS.
 */
export interface Capabilities {
  kind: MessageKind;
  /** Characters in one outgoing text. */
  textLimit: number;
  /** How the composer counts: SMS parts (GSM-7/UCS-2), or plain characters. */
  meter: 'sms-parts' | 'characters';
  media: MediaRule[];
  /** An agent's reaction reaches the customer, and theirs reach us. */
  reactions: boolean;
  /** The agent's Markdown is sent as the kind's own markup instead of plain text. */
  formatting: boolean;
  /** A reply may quote a customer message. */
  quotes: boolean;
  /** Recorded voice notes (audio/ogg; codecs=opus) are sent as such. */
  voiceNotes: boolean;
  /** Free text is allowed only this long after the customer's last message; templates otherwise. null = always. */
  replyWindowMs: number | null;
}

const MB = 1024 * 1024;

/** WhatsApp Cloud API limits (developers.facebook.com/docs/whatsapp/cloud-api/reference/media#supported-media-types). */
const WHATSAPP_MEDIA: MediaRule[] = [
  { contentType: 'image/jpeg', maxBytes: 5 * MB },
  { contentType: 'image/png', maxBytes: 5 * MB },
  { contentType: 'image/webp', maxBytes: 500 * 1024 },
  { contentType: 'video/mp4', maxBytes: 16 * MB },
  { contentType: 'video/3gpp', maxBytes: 16 * MB },
  { contentType: 'audio/aac', maxBytes: 16 * MB },
  { contentType: 'audio/amr', maxBytes: 16 * MB },
  { contentType: 'audio/mpeg', maxBytes: 16 * MB },
  { contentType: 'audio/mp4', maxBytes: 16 * MB },
  { contentType: 'audio/ogg', maxBytes: 16 * MB },
  { contentType: 'application/pdf', maxBytes: 100 * MB },
  { contentType: 'text/vcard', maxBytes: 100 * MB },
];

const CAPABILITIES: Record<MessageKind, Capabilities> = {
  sms: {
    kind: 'sms',
    textLimit: LIMITS.smsText,
    meter: 'sms-parts',
    media: [],
    reactions: false,
    formatting: false,
    quotes: false,
    voiceNotes: false,
    replyWindowMs: null,
  },
  whatsapp: {
    kind: 'whatsapp',
    textLimit: 4096,
    meter: 'characters',
    media: WHATSAPP_MEDIA,
    reactions: true,
    formatting: true,
    quotes: true,
    voiceNotes: true,
    replyWindowMs: 24 * 60 * 60 * 1000,
  },
};

export const capabilitiesOf = (kind: MessageKind): Capabilities => CAPABILITIES[kind];
