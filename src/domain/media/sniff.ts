import type { AttachmentKind, AttachmentMeta } from '../../db/schema/media.ts';

/** What the bytes are, whatever the file is called. */
export interface Sniffed {
  contentType: string;
  kind: AttachmentKind;
  /** The extension a download gets, so a renamed file opens with the right program. */
  ext: string;
  meta: AttachmentMeta;
}

/** For the file picker's `accept`: a hint to the phone's picker only; the bytes decide. */
export const ACCEPTED_TYPES =
  'image/jpeg,image/png,image/gif,image/webp,application/pdf,text/vcard,.vcf,audio/*,video/mp4,video/3gpp,.amr,.3gp';

const ascii = (head: Buffer, at: number, text: string): boolean =>
  head.length >= at + text.length && head.toString('latin1', at, at + text.length) === text;

/** JPEG keeps its size in the first SOFn segment, after any EXIF/ICC segments. */
function jpegSize(head: Buffer): AttachmentMeta {
  let at = 2;
  while (at + 9 < head.length) {
    if (head[at] !== 0xff) return {};
    const marker = head[at + 1]!;
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) return { height: head.readUInt16BE(at + 5), width: head.readUInt16BE(at + 7) };
    at += 2 + head.readUInt16BE(at + 2);
  }
  return {};
}

function webpSize(head: Buffer): AttachmentMeta {
  if (head.length < 30) return {};
  if (ascii(head, 12, 'VP8X')) return { width: 1 + head.readUIntLE(24, 3), height: 1 + head.readUIntLE(27, 3) };
  if (ascii(head, 12, 'VP8 ')) return { width: head.readUInt16LE(26) & 0x3fff, height: head.readUInt16LE(28) & 0x3fff };
  if (ascii(head, 12, 'VP8L')) {
    const bits = head.readUInt32LE(21);
    return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >> 14) & 0x3fff) };
  }
  return {};
}

/** ISO base media (MP4, 3GP, M4A): the brand in the ftyp box says which. */
function isoMedia(head: Buffer): Sniffed | null {
  if (!ascii(head, 4, 'ftyp') || head.length < 12) return null;
  const brand = head.toString('latin1', 8, 12);
  if (brand.startsWith('3gp') || brand.startsWith('3g2'))
    return { contentType: 'video/3gpp', kind: 'video', ext: '3gp', meta: {} };
  if (brand === 'M4A ') return { contentType: 'audio/mp4', kind: 'audio', ext: 'm4a', meta: {} };
  // Only the MP4 brands phones and carriers play: HEIC/AVIF photos, QuickTime and raw camera files share the box but are not video.
  if (MP4_BRANDS.has(brand)) return { contentType: 'video/mp4', kind: 'video', ext: 'mp4', meta: {} };
  return null;
}

const MP4_BRANDS = new Set(['isom', 'iso2', 'iso4', 'iso5', 'iso6', 'mp41', 'mp42', 'avc1', 'dash', 'M4V ', 'MSNV']);

/** An MPEG audio frame header (MP3) or ADTS (AAC): 11 sync bits, then the layer tells them apart. */
function mpegAudio(head: Buffer): Sniffed | null {
  if (head.length < 4 || head[0] !== 0xff || (head[1]! & 0xe0) !== 0xe0) return null;
  const layer = (head[1]! >> 1) & 0x03;
  // The header's own fields must be valid too: a sampling rate that exists, a bitrate that is not "bad".
  if (layer === 0 && (head[1]! & 0xf6) === 0xf0 && ((head[2]! >> 2) & 0x0f) < 13)
    return { contentType: 'audio/aac', kind: 'audio', ext: 'aac', meta: {} };
  const version = (head[1]! >> 3) & 0x03;
  const bitrate = head[2]! >> 4;
  const rate = (head[2]! >> 2) & 0x03;
  if (layer !== 0 && version !== 1 && bitrate !== 0x0f && bitrate !== 0 && rate !== 3)
    return { contentType: 'audio/mpeg', kind: 'audio', ext: 'mp3', meta: {} };
  return null;
}

/** A vCard is text: no NUL bytes, valid UTF-8, BEGIN:VCARD first. Its FN is what the timeline shows. */
function vcard(head: Buffer): Sniffed | null {
  if (head.includes(0)) return null;
  const text = new TextDecoder('utf-8', { fatal: false })
    .decode(head)
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (!/^BEGIN:VCARD\r?\n/i.test(text) || !/^END:VCARD\s*$/im.test(text)) return null;
  const name = /^FN(?:;[^:\r\n]*)?:(.*)$/im.exec(text)?.[1]?.trim().slice(0, 120);
  return { contentType: 'text/vcard', kind: 'vcard', ext: 'vcf', meta: name ? { name } : {} };
}

/** Ogg/Opus is what WhatsApp calls a voice note: the first page's packet says which codec the stream holds. */
function ogg(head: Buffer): Sniffed {
  const segments = head[26] ?? 0;
  const opus = ascii(head, 27 + segments, 'OpusHead');
  return { contentType: opus ? OGG_OPUS : 'audio/ogg', kind: 'audio', ext: 'ogg', meta: {} };
}

/** The content type of a voice note, as WhatsApp names it. */
export const OGG_OPUS = 'audio/ogg; codecs=opus';

/**
 * The types carriers take in an MMS, recognised by their first bytes (the magic numbers), so a renamed
 * program or an SVG with script is refused however it is named. `head` is the file's start (a few KiB
 * at least; more lets a JPEG's size be found past large EXIF blocks).
 */
export function sniff(head: Buffer): Sniffed | null {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff)
    return { contentType: 'image/jpeg', kind: 'image', ext: 'jpg', meta: jpegSize(head) };
  if (ascii(head, 0, '\x89PNG\r\n\x1a\n') && head.length >= 24) {
    return {
      contentType: 'image/png',
      kind: 'image',
      ext: 'png',
      meta: { width: head.readUInt32BE(16), height: head.readUInt32BE(20) },
    };
  }
  if ((ascii(head, 0, 'GIF87a') || ascii(head, 0, 'GIF89a')) && head.length >= 10) {
    return {
      contentType: 'image/gif',
      kind: 'image',
      ext: 'gif',
      meta: { width: head.readUInt16LE(6), height: head.readUInt16LE(8) },
    };
  }
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'WEBP'))
    return { contentType: 'image/webp', kind: 'image', ext: 'webp', meta: webpSize(head) };
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'WAVE'))
    return { contentType: 'audio/wav', kind: 'audio', ext: 'wav', meta: {} };
  if (ascii(head, 0, '%PDF-')) return { contentType: 'application/pdf', kind: 'pdf', ext: 'pdf', meta: {} };
  if (ascii(head, 0, '#!AMR-WB\n')) return { contentType: 'audio/amr-wb', kind: 'audio', ext: 'awb', meta: {} };
  if (ascii(head, 0, '#!AMR\n')) return { contentType: 'audio/amr', kind: 'audio', ext: 'amr', meta: {} };
  if (ascii(head, 0, 'OggS')) return ogg(head);
  if (head.length >= 4 && head.readUInt32BE(0) === 0x1a45dfa3 && head.subarray(0, 64).includes('webm', 0, 'latin1'))
    return { contentType: 'audio/webm', kind: 'audio', ext: 'webm', meta: {} };
  if (ascii(head, 0, 'ID3')) return { contentType: 'audio/mpeg', kind: 'audio', ext: 'mp3', meta: {} };
  return isoMedia(head) ?? mpegAudio(head) ?? vcard(head);
}
