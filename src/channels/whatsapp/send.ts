import { capabilitiesOf } from '../../domain/messaging/capabilities.ts';
import type { OutboundFile, OutboundText, SendOutcome } from '../types.ts';
import { hasLink, toWhatsAppMarkup } from './markup.ts';

/** What WhatsApp calls a file's message type. webp is only accepted as a sticker. */
export type MediaType = 'image' | 'video' | 'audio' | 'document' | 'sticker';

/** WhatsApp's limit for captions (image, video, document). */
const CAPTION_LIMIT = 1024;

const baseType = (contentType: string): string => contentType.split(';')[0]!.trim().toLowerCase();

export function mediaTypeOf(contentType: string): MediaType {
  const type = baseType(contentType);
  if (type === 'image/webp') return 'sticker';
  if (type.startsWith('image/')) return 'image';
  if (type.startsWith('video/')) return 'video';
  if (type.startsWith('audio/')) return 'audio';
  return 'document';
}

/** Files WhatsApp would refuse, refused before any request: a type it does not take, or one over its size. */
export function refusedFile(files: OutboundFile[]): SendOutcome | null {
  const rules = capabilitiesOf('whatsapp').media;
  for (const file of files) {
    const rule = rules.find((r) => r.contentType === baseType(file.contentType));
    if (!rule)
      return {
        ok: false,
        retry: false,
        code: 'media-type',
        reason: `WhatsApp does not accept ${baseType(file.contentType)} files (${file.filename})`,
      };
    if (file.size > rule.maxBytes)
      return {
        ok: false,
        retry: false,
        code: 'media-size',
        reason: `${file.filename} is ${file.size} bytes; WhatsApp takes ${rule.contentType} up to ${rule.maxBytes}`,
      };
  }
  return null;
}

/** `to` is the number without '+'; a customer known only by their business-scoped id gets `recipient` instead. */
function addressOf(message: OutboundText): Record<string, string> {
  if (message.to) return { to: message.to.replace(/^\+/, '') };
  if (message.toId) return { recipient: message.toId };
  throw new Error('a WhatsApp message needs the customer’s number or business-scoped user id');
}

const envelope = (message: OutboundText) => ({
  messaging_product: 'whatsapp',
  recipient_type: 'individual',
  ...addressOf(message),
});

const context = (message: OutboundText) => (message.replyTo ? { context: { message_id: message.replyTo } } : {});

/** One uploaded file of the message, by the media id Meta gave it. */
export interface UploadedFile {
  file: OutboundFile;
  mediaId: string;
}

/**
 * The bodies of POST /{phone-number-id}/messages for one OutboundText, in sending order. A reaction or a template
 * is one request. Otherwise one request per file (the text becomes the first file's caption where WhatsApp shows
 * one), and the text on its own first when no file can carry it. Replies quote on the first request only.
 */
export function messageBodies(message: OutboundText, uploaded: UploadedFile[]): object[] {
  if (message.reaction)
    return [
      {
        ...envelope(message),
        type: 'reaction',
        reaction: { message_id: message.reaction.channelMessageId, emoji: message.reaction.emoji },
      },
    ];
  if (message.template) {
    const { name, language, params } = message.template;
    const components = params.length
      ? [{ type: 'body', parameters: params.map((text) => ({ type: 'text', text })) }]
      : undefined;
    return [
      {
        ...envelope(message),
        ...context(message),
        type: 'template',
        template: { name, language: { code: language }, ...(components ? { components } : {}) },
      },
    ];
  }
  const text = message.text.trim() === '' ? '' : toWhatsAppMarkup(message.text);
  const first = uploaded[0];
  const captionable = first && ['image', 'video', 'document'].includes(mediaTypeOf(first.file.contentType));
  const caption = captionable && text.length <= CAPTION_LIMIT ? text : '';
  const bodies: object[] = [];
  if (text !== '' && caption === '')
    bodies.push({ ...envelope(message), type: 'text', text: { body: text, preview_url: hasLink(text) } });
  uploaded.forEach(({ file, mediaId }, n) => {
    const type = mediaTypeOf(file.contentType);
    const media: Record<string, unknown> = { id: mediaId };
    if (n === 0 && caption !== '') media.caption = caption;
    if (type === 'document') media.filename = file.filename;
    // Meta's audio messages page: `voice: true` on an Ogg/Opus file makes it a voice message (played status too).
    if (type === 'audio' && message.voice) media.voice = true;
    bodies.push({ ...envelope(message), type, [type]: media });
  });
  if (bodies.length > 0) Object.assign(bodies[0]!, context(message));
  return bodies;
}

/** The request that marks a customer's message read (the two blue ticks on their phone). */
export const readReceiptBody = (wamid: string) => ({
  messaging_product: 'whatsapp',
  status: 'read',
  message_id: wamid,
});
