import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recallAnswer, rememberAnswer } from '../../../domain/api-tokens/idempotency.ts';
import { messageOf, messagesAfter, type MessageRow } from '../../../domain/conversations/messages-page.ts';
import { largestAttachmentBytes } from '../../../domain/media/limits.ts';
import { queueReply } from '../../../domain/messaging/outbox.ts';
import { customerLinks } from '../../customer-links.ts';
import { receiveUploads } from '../../uploads.ts';
import { callerOf } from './bearer.ts';
import { afterId, pageFrom, pageOf, pageQuery } from './cursor.ts';
import { idParams, problems } from './openapi.ts';
import { iso, messageSchema } from './shapes.ts';

const textBody = z.object({ text: z.string().min(1) });
const filesBody = z.object({
  text: z.string().optional().describe('The reply’s text; may be left out when files are sent.'),
  files: z.array(z.file()).optional().describe('One part per file, each with its file name.'),
});

const messageOfRow = (m: MessageRow): z.infer<typeof messageSchema> => ({
  id: m.id,
  direction: m.direction,
  text: m.body,
  status: m.status,
  authorId: m.authorUserId,
  errorCode: m.errorCode,
  errorReason: m.errorReason,
  createdAt: iso(m.createdAt),
  updatedAt: iso(m.updatedAt),
});

/** A conversation's messages, and replies sent into it through the outbox (every gate of the app's composer). */
const messageRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/conversations/:id/messages',
    {
      config: { scope: 'conversations:read' },
      schema: {
        summary: 'List a conversation’s messages',
        description: 'Oldest first; new messages come on later pages.',
        tags: ['messages'],
        params: idParams,
        querystring: pageQuery,
        response: { 200: pageOf(messageSchema), ...problems(403, 404, 422) },
      },
    },
    async (req) => {
      const { actor } = callerOf(req);
      const { limit, cursor } = req.query;
      const rows = messagesAfter(app.domain, actor, req.params.id, afterId(cursor), limit);
      return pageFrom(rows, limit, (m) => [m.id], messageOfRow);
    },
  );

  app.post(
    '/conversations/:id/messages',
    {
      config: { scope: 'messages:send', body: 'json-or-upload' },
      preValidation: async (req, reply) => {
        req.upload = { files: [], refused: null };
        if (req.isMultipart()) await receiveUploads(app, req, reply, largestAttachmentBytes(app.configStore.current));
      },
      schema: {
        summary: 'Send a reply',
        description:
          'Queued for the customer as a reply typed in the app is: refused at once (4xx) when the customer opted ' +
          'out, the number may not send, or the text is too long. With an `Idempotency-Key`, the same key from ' +
          'the same token within 24 h gets the first answer again instead of a second message.\n\n' +
          'Files go as `multipart/form-data`: a `text` field (optional) and one `files` part per file, refused as ' +
          'the composer refuses them (a number that sends no media, too many, too large, a type it does not take).',
        tags: ['messages'],
        params: idParams,
        headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }),
        // One schema per type, as Fastify validates the body by its type (and the document shows both).
        body: { content: { 'application/json': { schema: textBody }, 'multipart/form-data': { schema: filesBody } } },
        response: { 201: messageSchema, ...problems(400, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (req, reply) => {
      const { actor, tokenId } = callerOf(req);
      const conversationId = req.params.id;
      const key = req.headers['idempotency-key'];
      const request = `POST /conversations/${conversationId}/messages`;
      const prior = key === undefined ? null : recallAnswer(app.domain, tokenId, key, request);
      // Only what was sent is remembered (a refusal is not: the client may fix the cause and retry with the key).
      // A replayed upload's files stay in tmp/ and go with the response.
      if (prior)
        return reply
          .code(201)
          .header('idempotent-replayed', 'true')
          .send(JSON.parse(prior) as z.infer<typeof messageSchema>);
      if (req.upload.refused) throw req.upload.refused;
      // Validated against the schema of its type above: JSON's `text` is required, a form's may be left out.
      const { text = '' } = req.body as z.infer<typeof filesBody>;
      const media = {
        store: app.media,
        uploads: req.upload.files,
        links: customerLinks(app, req),
        linkDays: app.configStore.current.media.link_days,
      };
      // No await from the recall to the remember: a second request with the key cannot slip in between.
      const { messageId } = queueReply(app.domain, actor, conversationId, text, media);
      const message = messageOfRow(messageOf(app.domain, actor, conversationId, messageId));
      if (key !== undefined) rememberAnswer(app.domain, tokenId, key, request, JSON.stringify(message));
      return reply.code(201).send(message);
    },
  );
};
export default messageRoutes;
