import { readFile } from 'node:fs/promises';
import { invalid } from '../errors.ts';
import { HEAD_BYTES, type Upload } from './attachments.ts';
import { oggOpusSeconds } from './ogg.ts';
import { OGG_OPUS, sniff } from './sniff.ts';
import type { MediaStore } from './store.ts';
import { RemuxRefused, webmToOgg } from './webm-to-ogg.ts';

/**
 * A voice note recorded in the composer, made what WhatsApp takes: Firefox records Ogg/Opus already (kept as it is);
 * Chromium records WebM/Opus, rewritten as Ogg/Opus here (./webm-to-ogg.ts) into a new temp file. Anything else —
 * another type, a broken or cut-off recording — is refused as a voice note (422), never stored. A file that is
 * empty or too large is left for checkUploads, which names the limit.
 */
export async function prepareVoice(store: MediaStore, upload: Upload): Promise<Upload> {
  if (upload.size === 0 || upload.tooLarge) return { ...upload, voice: { seconds: null } };
  const type = sniff(upload.head)?.contentType;
  if (type === OGG_OPUS) {
    const data = await readFile(upload.tmpPath);
    return { ...upload, voice: { seconds: oggOpusSeconds(data) } };
  }
  if (type !== 'audio/webm') throw invalid('media.voice_type', 'files');
  let remuxed: ReturnType<typeof webmToOgg>;
  try {
    remuxed = webmToOgg(await readFile(upload.tmpPath));
  } catch (err) {
    if (err instanceof RemuxRefused) throw invalid('media.voice_broken', 'files');
    throw err;
  }
  const written = store.writeTmp(remuxed.ogg);
  store.removeTmp(upload.tmpPath);
  return {
    ...upload,
    ...written,
    head: remuxed.ogg.subarray(0, HEAD_BYTES),
    voice: { seconds: Math.round(remuxed.seconds * 100) / 100 },
  };
}
