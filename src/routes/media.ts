import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { attachmentFor, linkedFiles } from '../domain/media/access.ts';
import type { AttachmentView } from '../domain/media/attachments.ts';
import { notFound } from '../domain/errors.ts';
import { requireUser, actorOf } from '../plugins/auth.ts';
import { anId } from './schemas.ts';

const TOKEN = /^[A-Za-z0-9_-]{24}$/;

/** A file's place among a message's files (`/media/:id/:seq`): anything else is a file that does not exist. */
export const fileSeq = z
  .string()
  .regex(/^\d{1,2}$/)
  .transform(Number);

/**
 * Sends a stored file as what its bytes are (never sniffed again by the browser), in a sandbox: even a
 * file that slipped past the type check could not run script on our origin. Contact cards download.
 */
export function sendAttachment(
  app: FastifyInstance,
  reply: FastifyReply,
  file: AttachmentView,
  cache: string,
): FastifyReply {
  const path = app.media.pathOf(file.sha256);
  const disposition = file.kind === 'vcard' ? 'attachment' : 'inline';
  // A PDF viewer is a page of its own that a sandbox would stop; it still may not be framed elsewhere.
  const policy =
    file.kind === 'pdf'
      ? "default-src 'none'; frame-ancestors 'self'"
      : "default-src 'none'; media-src 'self'; sandbox; frame-ancestors 'self'";
  return reply
    .header('content-type', file.contentType)
    .header(
      'content-disposition',
      `${disposition}; filename="${file.filename.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
    )
    .header('content-security-policy', policy)
    .header('x-frame-options', 'SAMEORIGIN')
    .header('cross-origin-resource-policy', 'same-origin')
    .header('cache-control', cache)
    .sendFile(path.slice(app.media.dir.length + 1), app.media.dir, {
      cacheControl: false,
      contentType: false,
      dotfiles: 'deny',
    });
}

/** Team members open files of conversations they may read; the customer opens an SMS's files with its link. */
export default async function mediaRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const fileParams = z.object({ id: anId, seq: fileSeq });
  app.get('/media/:id/:seq', { preHandler: requireUser, schema: { params: fileParams } }, async (req, reply) => {
    const file = attachmentFor(app.domain, actorOf(req), req.params.id, req.params.seq);
    return sendAttachment(app, reply, file, 'private, max-age=86400, immutable');
  });

  // A token of the wrong form is a link that expired, as one that did: the customer's page says so.
  const linked = (token: string) =>
    TOKEN.test(token) ? { token, found: linkedFiles(app.domain, token) } : { token, found: null };

  app.get('/m/:token', { schema: { params: z.object({ token: z.string() }) } }, async (req, reply) => {
    reply.header('referrer-policy', 'no-referrer').header('cache-control', 'no-store');
    const { token, found } = linked(req.params.token);
    if (!found) return reply.code(404).page('pages/media-public', { expired: true, from: '', files: [], base: '' });
    return reply.page('pages/media-public', {
      expired: false,
      from: found.from,
      files: found.files,
      base: `/m/${token}`,
    });
  });

  const linkedFile = z.object({ token: z.string(), seq: fileSeq });
  app.get('/m/:token/:seq', { schema: { params: linkedFile } }, async (req, reply) => {
    const { found } = linked(req.params.token);
    const file = found?.files.find((f) => f.seq === req.params.seq);
    if (!file) throw notFound();
    return sendAttachment(app, reply, file, 'private, no-store');
  });
}
