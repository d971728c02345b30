import { readFile } from 'node:fs/promises';
import type { OutboundFile } from '../types.ts';
import type { Graph, GraphResult } from './graph.ts';

/** The largest file WhatsApp carries (documents); anything larger is not read. */
export const MAX_MEDIA_BYTES = 100 * 1024 * 1024;

/** POST /{phone-number-id}/media as multipart/form-data (messaging_product, type, file) → the media id. */
export async function uploadMedia(
  graph: Graph,
  phoneNumberId: string,
  file: OutboundFile,
): Promise<GraphResult<string>> {
  const data = await readFile(file.path);
  const form = new FormData();
  form.append('messaging_product', 'whatsapp');
  form.append('type', file.contentType);
  form.append('file', new Blob([data], { type: file.contentType }), file.filename);
  const answer = await graph.form<{ id?: unknown }>(`${phoneNumberId}/media`, form);
  if (!answer.ok) return answer;
  if (typeof answer.value.id !== 'string')
    return { ok: false, error: { status: 200, code: null, title: 'no media id', details: '', retry: true } };
  return { ok: true, value: answer.value.id };
}

interface MediaUrl {
  url?: unknown;
  mime_type?: unknown;
  file_size?: unknown;
}

export interface DownloadedMedia {
  data: Buffer;
  /** What Meta says the file is (mime_type); the domain sniffs the bytes anyway. */
  contentType: string;
}

/** The URL a media id points to now (valid minutes only). */
async function mediaUrl(graph: Graph, mediaId: string): Promise<GraphResult<{ url: string; contentType?: string }>> {
  const answer = await graph.json<MediaUrl>('GET', encodeURIComponent(mediaId));
  if (!answer.ok) return answer;
  const { url, mime_type: mime, file_size: size } = answer.value;
  if (typeof url !== 'string')
    return { ok: false, error: { status: 200, code: null, title: 'no media url', details: mediaId, retry: true } };
  if (typeof size === 'number' && size > MAX_MEDIA_BYTES)
    return {
      ok: false,
      error: { status: 200, code: null, title: 'too large', details: `${size} bytes`, retry: false },
    };
  return { ok: true, value: { url, ...(typeof mime === 'string' ? { contentType: mime } : {}) } };
}

/**
 * A customer's file in two steps, both with the bearer token: GET /{media-id} → url, then GET url → bytes. The URL
 * expires after about five minutes; when the bytes request answers 401, 403 or 404 the URL is asked for once more.
 */
export async function downloadMedia(graph: Graph, mediaId: string): Promise<GraphResult<DownloadedMedia>> {
  for (let attempt = 0; ; attempt++) {
    const located = await mediaUrl(graph, mediaId);
    if (!located.ok) return located;
    const bytes = await graph.bytes(located.value.url, MAX_MEDIA_BYTES);
    if (bytes.ok)
      return {
        ok: true,
        value: { data: bytes.value.data, contentType: located.value.contentType ?? bytes.value.contentType },
      };
    const expired = [401, 403, 404].includes(bytes.error.status);
    if (!expired || attempt === 1) return bytes;
  }
}
