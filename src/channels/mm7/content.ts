import type { InboundFile } from '../types.ts';
import {
  decodeText,
  decodeTransfer,
  normaliseContentId,
  parseContentType,
  parseParams,
  splitMultipart,
  type MimePart,
} from './mime.ts';

// Handsets nest at most multipart/related inside multipart/mixed; deeper is a broken or hostile message.
const MAX_DEPTH = 8;

export interface MessageContent {
  text: string;
  files: InboundFile[];
}

function filenameOf(part: MimePart, params: Map<string, string>): string {
  const location = part.headers.get('content-location');
  if (location) return location;
  const disposition = part.headers.get('content-disposition');
  const semicolon = disposition?.indexOf(';') ?? -1;
  const dispositionParams = disposition && semicolon >= 0 ? parseParams(disposition.slice(semicolon + 1)) : null;
  return dispositionParams?.get('filename') ?? params.get('name') ?? '';
}

function collect(part: MimePart, depth: number, texts: string[], files: InboundFile[]): void {
  const header = part.headers.get('content-type');
  // RFC 2045: a part without Content-Type is text/plain; charset=us-ascii.
  const contentType = parseContentType(header ?? 'text/plain');
  if (!contentType) throw new Error(`unreadable Content-Type "${header}" in the message content`);
  const encoding = part.headers.get('content-transfer-encoding');
  if (contentType.type.startsWith('multipart/')) {
    if (depth >= MAX_DEPTH) throw new Error(`multipart content nested deeper than ${MAX_DEPTH}`);
    const boundary = contentType.params.get('boundary');
    if (!boundary) throw new Error(`${contentType.type} content without a boundary parameter`);
    for (const child of splitMultipart(decodeTransfer(part.body, encoding), boundary))
      collect(child, depth + 1, texts, files);
    return;
  }
  const where = part.headers.get('content-location') ?? part.headers.get('content-id') ?? contentType.type;
  let data: Buffer;
  try {
    data = decodeTransfer(part.body, encoding);
  } catch (error) {
    throw new Error(`content part ${where}: ${(error as Error).message}`, { cause: error });
  }
  if (contentType.type === 'text/plain') {
    try {
      texts.push(decodeText(data, contentType.params.get('charset')));
    } catch (error) {
      throw new Error(`content part ${where}: ${(error as Error).message}`, { cause: error });
    }
  } else if (contentType.type !== 'application/smil') {
    // The SMIL part only lays out the slides for a handset; the inbox shows text and files without it.
    files.push({ contentType: contentType.type, filename: filenameOf(part, contentType.params), data });
  }
}

/**
 * The text and files of an MM: the MIME part the <Content href="cid:…"> names (the first attachment when there is
 * no Content element), walked through nested multiparts. Text parts are joined with a line break, one per slide.
 */
export function messageContent(attachments: MimePart[], href: string | undefined): MessageContent {
  const part =
    href === undefined
      ? attachments[0]
      : attachments.find((p) => normaliseContentId(p.headers.get('content-id') ?? '') === normaliseContentId(href));
  if (!part)
    throw new Error(
      href === undefined
        ? 'the request carries no content'
        : `<Content href="${href}"> names no MIME part of the request`,
    );
  const texts: string[] = [];
  const files: InboundFile[] = [];
  collect(part, 0, texts, files);
  return { text: texts.filter((t) => t !== '').join('\n'), files };
}
