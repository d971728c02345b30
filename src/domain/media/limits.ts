import { ATTACHMENTS, type Config } from '../../config/schema.ts';

/** The largest file any number may send: an upload is cut off there while it arrives (the number's own limit is checked after). */
export function largestAttachmentBytes(config: Config): number {
  return Math.max(ATTACHMENTS.kb.default, ...config.number.map((n) => n.max_attachment_kb)) * 1024;
}
