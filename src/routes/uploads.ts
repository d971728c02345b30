import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ATTACHMENTS } from '../config/schema.ts';
import { DomainError, invalid } from '../domain/errors.ts';
import { HEAD_BYTES, type Upload } from '../domain/media/attachments.ts';
import type { MediaStore } from '../domain/media/store.ts';
import { prepareVoice } from '../domain/media/voice.ts';
import { diskTroubleOf } from '../db/write-health.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Files of a multipart form, in temp files until the domain accepts them (removed when the response ends), or why the upload failed. */
    upload: { files: Upload[]; refused: DomainError | null };
  }
}

async function saveFile(
  store: MediaStore,
  file: NodeJS.ReadableStream & { truncated?: boolean },
  filename: string,
): Promise<Upload> {
  const tmpPath = store.tmpPath();
  const hash = createHash('sha256');
  const head: Buffer[] = [];
  let headSize = 0;
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      if (headSize < HEAD_BYTES) {
        head.push(chunk.subarray(0, HEAD_BYTES - headSize));
        headSize += Math.min(chunk.length, HEAD_BYTES - headSize);
      }
      done(null, chunk);
    },
  });
  try {
    await pipeline(file, tap, createWriteStream(tmpPath));
  } catch (err) {
    store.removeTmp(tmpPath);
    throw err;
  }
  return {
    filename,
    tmpPath,
    size,
    sha256: hash.digest('hex'),
    head: Buffer.concat(head),
    tooLarge: file.truncated === true,
  };
}

/**
 * Reads a multipart form for a signed-in user: fields become `req.body` as formbody gives them (an array for a
 * repeated name), so the route's schema (src/routes/schemas.ts) checks both kinds of form alike, `_csrf` among them;
 * files are streamed to temp files, hashed on the way, and cut off at `maxFileBytes` (the largest any number
 * allows: the domain checks the number's own limit). A browser's empty file field is no file.
 */
async function readMultipart(
  req: FastifyRequest,
  store: MediaStore,
  maxFileBytes: number,
  gone: () => boolean,
): Promise<void> {
  const fields = Object.create(null) as Record<string, string | string[]>;
  req.body = fields;
  try {
    for await (const part of req.parts({
      preservePath: true,
      limits: { files: ATTACHMENTS.files.max, fileSize: maxFileBytes, fields: 40, fieldSize: 64 * 1024, parts: 60 },
    })) {
      if (part.type === 'field') {
        const before = fields[part.fieldname];
        if (typeof part.value === 'string')
          fields[part.fieldname] = before === undefined ? part.value : [before, part.value].flat();
        continue;
      }
      const upload = await saveFile(store, part.file, part.filename ?? '');
      // The client left while this file was still arriving: the clean-up has run already, so this one goes now.
      if (gone()) {
        store.removeTmp(upload.tmpPath);
        throw new Error('the client went away');
      }
      if (upload.size === 0 && !part.filename) {
        store.removeTmp(upload.tmpPath);
        continue;
      }
      req.upload.files.push(upload);
      // The composer's recorder sends its note as the `voice` file: made Ogg/Opus (or refused) before the domain sees it.
      if (part.fieldname === 'voice') req.upload.files[req.upload.files.length - 1] = await prepareVoice(store, upload);
    }
  } catch (err) {
    // Not the file's fault: the error handler answers 503 and tells admins (the close hook removes the temp files).
    if (diskTroubleOf(err)) throw err;
    req.log.info({ err: (err as Error).message }, 'upload refused');
    req.upload.refused =
      err instanceof DomainError
        ? err
        : (err as { code?: string }).code === 'FST_FILES_LIMIT'
          ? invalid('media.way_too_many', 'files', { max: ATTACHMENTS.files.max })
          : new DomainError(400, 'media.upload_broken', {}, 'files');
  }
}

function removeUploads(req: FastifyRequest, store: MediaStore): void {
  for (const upload of req.upload.files) store.removeTmp(upload.tmpPath);
  req.upload.files = [];
}

/**
 * Route options for a form that may carry files, the only HTML routes that take multipart
 * (src/plugins/form-bodies.ts): parsed before the CSRF check; a refused upload is kept in `req.upload.refused`
 * for the handler to show in place.
 */
export function acceptUploads(app: FastifyInstance, maxFileBytes: () => number) {
  return {
    config: { body: 'upload' as const },
    preValidation: async (req: FastifyRequest, reply: FastifyReply) => {
      req.upload = { files: [], refused: null };
      if (!req.isMultipart()) return;
      // Nobody signed in: no bytes are written; the page's own guard answers.
      if (!req.auth) {
        req.body = {};
        return;
      }
      await receiveUploads(app, req, reply, maxFileBytes());
    },
  };
}

/**
 * Reads a multipart body into `req.body` (its fields) and `req.upload` (set empty by the caller: its files, or
 * why they were refused), for the composer's forms and the API's send alike. Temp files are removed when the
 * response is done or the client went away (files the domain kept were moved out of tmp/ by then).
 */
export async function receiveUploads(
  app: FastifyInstance,
  req: FastifyRequest,
  reply: FastifyReply,
  maxFileBytes: number,
): Promise<void> {
  let closed = false;
  reply.raw.once('close', () => {
    closed = true;
    removeUploads(req, app.media);
  });
  await readMultipart(req, app.media, maxFileBytes, () => closed);
}
