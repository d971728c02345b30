import { asc, inArray } from 'drizzle-orm';
import type { chatAttachments } from '../../db/schema/chats.ts';
import { attachments, type AttachmentKind, type AttachmentMeta } from '../../db/schema/media.ts';
import type { Tx } from '../context.ts';
import { invalid } from '../errors.ts';
import { OGG_OPUS, sniff, type Sniffed } from './sniff.ts';
import type { MediaStore } from './store.ts';
import { oggOpusSeconds } from './ogg.ts';

/** Where a message's files are listed: a customer conversation's messages, or the team's chat messages (same columns). */
export type FileTable = typeof attachments | typeof chatAttachments;

/** A file as it arrived, written to a temp file and not yet checked. */
export interface Upload {
  /** The name the sender's device gave; only ever shown, never used as a path. */
  filename: string;
  tmpPath: string;
  size: number;
  sha256: string;
  /** The file's first bytes, for the type check. */
  head: Buffer;
  /** Cut off while arriving because it passed the largest limit any number has. */
  tooLarge: boolean;
  /** Recorded in the composer as a voice note (made Ogg/Opus by ./voice.ts), with how long it plays. */
  voice?: { seconds: number | null };
}

export interface MediaLimits {
  maxAttachments: number;
  maxAttachmentBytes: number;
}

export interface CheckedUpload {
  upload: Upload;
  sniffed: Sniffed;
  filename: string;
}

/** Enough of a file's start to know its type, and a JPEG's size behind large EXIF/XMP blocks. */
export const HEAD_BYTES = 512 * 1024;

/** Phones render images by decoding every pixel: a tiny file claiming 100 000 × 100 000 pixels is a memory bomb. */
export const MAX_IMAGE_PIXELS = 40_000_000;

/** "2 MB", "1.5 MB", "500 KB": the unit people see on their phones. */
export function humanSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / (1024 * 1024)).toFixed(1))} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** The last part of a name as the sender's device gave it, without folders, control or quote characters. */
function cleanName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  return (
    base
      // Control and invisible format characters (a right-to-left override turns "gpj.exe" into "exe.jpg" on screen) go too.
      .replace(/[\p{Cc}\p{Cf}"<>|:*?]/gu, '')
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/^\.+/, '')
      .slice(0, 120)
  );
}

/** A name safe to show and to offer as a download, with the extension the bytes call for. */
export function safeFilename(raw: string, ext: string): string {
  const stem = cleanName(raw)
    .replace(/\.[^.]*$/, '')
    .slice(0, 100)
    .trim();
  return `${stem || 'file'}.${ext}`;
}

/** An image must say how large it is, and not be larger than a phone can open. */
function imageRefusal(sniffed: Sniffed): 'no_size' | 'pixels' | null {
  if (sniffed.kind !== 'image') return null;
  const { width, height } = sniffed.meta;
  if (!width || !height) return 'no_size';
  return width * height > MAX_IMAGE_PIXELS ? 'pixels' : null;
}

/** An MMS from a carrier keeps at most this many files, each at most this large. */
const INBOUND_FILES = 10;
const INBOUND_BYTES = 10 * 1024 * 1024;

/**
 * Every file must pass before anything is stored or sent: the number's count and size limits, not empty,
 * a type carriers take (read from the bytes), and an image size a phone can open. The first file that
 * fails names itself and the limit it broke.
 */
export function checkUploads(limits: MediaLimits, uploads: Upload[]): CheckedUpload[] {
  if (uploads.length === 0) return [];
  if (limits.maxAttachments === 0) throw invalid('media.not_allowed', 'files');
  if (uploads.length > limits.maxAttachments)
    throw invalid('media.too_many', 'files', { max: limits.maxAttachments, n: uploads.length });
  return uploads.map((upload) => {
    const shown = cleanName(upload.filename) || 'file';
    // Browsers send a bare name; folders or control characters in it come from a crafted request.
    if (/[\\/\u0000-\u001f\u007f]/.test(upload.filename)) throw invalid('media.bad_name', 'files', { name: shown });
    if (upload.size === 0 && !upload.tooLarge) throw invalid('media.empty', 'files', { name: shown });
    if (upload.tooLarge || upload.size > limits.maxAttachmentBytes) {
      throw invalid('media.too_large', 'files', { name: shown, max: humanSize(limits.maxAttachmentBytes) });
    }
    const sniffed = sniff(upload.head);
    // A browser's WebM recording is only taken as a voice note, rewritten as Ogg/Opus before it gets here: carriers
    // and WhatsApp take no WebM.
    if (!sniffed || sniffed.contentType === 'audio/webm') throw invalid('media.type', 'files', { name: shown });
    if (upload.voice && sniffed.contentType !== OGG_OPUS) throw invalid('media.voice_type', 'files');
    if (upload.voice?.seconds) sniffed.meta = { ...sniffed.meta, seconds: upload.voice.seconds };
    const tooBig = imageRefusal(sniffed);
    if (tooBig === 'no_size') throw invalid('media.no_size', 'files', { name: shown });
    if (tooBig === 'pixels')
      throw invalid('media.pixels', 'files', { name: shown, width: sniffed.meta.width!, height: sniffed.meta.height! });
    return { upload, sniffed, filename: safeFilename(upload.filename, sniffed.ext) };
  });
}

/** What a carrier delivered, checked like an upload: files of a type we do not show are dropped (and named, for the log). */
export function acceptInbound(
  store: MediaStore,
  files: { filename: string; data: Buffer; voice?: boolean }[],
): { kept: CheckedUpload[]; dropped: string[] } {
  const kept: CheckedUpload[] = [];
  const dropped: string[] = [];
  for (const file of files) {
    const sniffed =
      file.data.length > 0 && file.data.length <= INBOUND_BYTES && kept.length < INBOUND_FILES
        ? sniff(file.data.subarray(0, HEAD_BYTES))
        : null;
    if (!sniffed || imageRefusal(sniffed)) {
      dropped.push(cleanName(file.filename) || 'file');
      continue;
    }
    const written = store.writeTmp(file.data);
    const upload: Upload = { filename: file.filename, ...written, head: Buffer.alloc(0), tooLarge: false };
    // A voice note the channel marked as one (WhatsApp's `voice: true`) is drawn as one if it is Ogg/Opus.
    if (file.voice && sniffed.contentType === OGG_OPUS) {
      upload.voice = { seconds: oggOpusSeconds(file.data) };
      if (upload.voice.seconds) sniffed.meta = { ...sniffed.meta, seconds: upload.voice.seconds };
    }
    kept.push({ upload, sniffed, filename: safeFilename(file.filename, sniffed.ext) });
  }
  return { kept, dropped };
}

/**
 * Moves checked files to their content address and records them on the message, inside the caller's
 * transaction. Returns the hashes moved, so a caller whose transaction fails can drop files nobody uses.
 */
export function attachFiles(
  tx: Tx,
  store: MediaStore,
  messageId: number,
  files: CheckedUpload[],
  adopted: string[],
  table: FileTable = attachments,
): void {
  files.forEach((file, seq) => {
    tx.insert(table)
      .values({ messageId, seq, ...adoptFile(store, file, adopted), voice: file.upload.voice !== undefined })
      .run();
  });
}

/**
 * Moves a checked upload's bytes into the store (noting it in `adopted`, for the caller to drop if its transaction
 * fails) and returns the columns every list of files keeps of it.
 */
export function adoptFile(store: MediaStore, file: CheckedUpload, adopted: string[]) {
  store.adopt(file.upload.tmpPath, file.upload.sha256);
  adopted.push(file.upload.sha256);
  return {
    sha256: file.upload.sha256,
    contentType: file.sniffed.contentType,
    kind: file.sniffed.kind,
    filename: file.filename,
    size: file.upload.size,
    meta: file.sniffed.meta,
  };
}

export interface AttachmentView {
  messageId: number;
  seq: number;
  sha256: string;
  contentType: string;
  kind: AttachmentKind;
  filename: string;
  size: number;
  meta: AttachmentMeta;
  voice: boolean;
}

/** The attachments of these messages, in order, grouped by message. */
export function attachmentsOf(
  db: Pick<Tx, 'select'>,
  messageIds: number[],
  table: FileTable = attachments,
): Map<number, AttachmentView[]> {
  const byMessage = new Map<number, AttachmentView[]>();
  if (messageIds.length === 0) return byMessage;
  const rows: AttachmentView[] = db
    .select()
    .from(table)
    .where(inArray(table.messageId, messageIds))
    .orderBy(asc(table.messageId), asc(table.seq))
    .all();
  for (const row of rows) {
    const list = byMessage.get(row.messageId) ?? [];
    list.push(row);
    byMessage.set(row.messageId, list);
  }
  return byMessage;
}

export function attachmentOf(
  db: Pick<Tx, 'select'>,
  messageId: number,
  seq: number,
  table: FileTable = attachments,
): AttachmentView | undefined {
  return attachmentsOf(db, [messageId], table)
    .get(messageId)
    ?.find((a) => a.seq === seq);
}
