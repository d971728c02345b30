import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recallAnswer, rememberAnswer } from '../../../domain/api-tokens/idempotency.ts';
import { messageOf, messagesAfter, type MessageRow } from '../../../domain/conversations/messages-page.ts';
import { queueReply } from '../../../domain/messaging/outbox.ts';
import { callerOf } from './bearer.ts';
import { afterId, pageFrom, pageOf, pageQuery } from './cursor.ts';
import { idParams, problems } from './openapi.ts';
import { iso, messageSchema } from './shapes.ts';

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
      config: { scope: 'messages:send' },
      schema: {
        summary: 'Send a reply',
        description:
          'Queued for the customer as a reply typed in the app is: refused at once (4xx) when the customer opted ' +
          'out, the number may not send, or the text is too long. With an `Idempotency-Key`, the same key from ' +
          'the same token within 24 h gets the first answer again instead of a second message.',
        tags: ['messages'],
        params: idParams,
        headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }),
        body: z.object({ text: z.string().min(1) }),
        response: { 201: messageSchema, ...problems(403, 404, 409, 422) },
      },
    },
    async (req, reply) => {
      const { actor, tokenId } = callerOf(req);
      const conversationId = req.params.id;
      const key = req.headers['idempotency-key'];
      const request = `POST /conversations/${conversationId}/messages`;
      const prior = key === undefined ? null : recallAnswer(app.domain, tokenId, key, request);
      // Only what was sent is remembered (a refusal is not: the client may fix the cause and retry with the key).
      if (prior)
        return reply
          .code(201)
          .header('idempotent-replayed', 'true')
          .send(JSON.parse(prior) as z.infer<typeof messageSchema>);
      // No await from the recall to the remember: a second request with the key cannot slip in between.
      const { messageId } = queueReply(app.domain, actor, conversationId, req.body.text);
      const message = messageOfRow(messageOf(app.domain, actor, conversationId, messageId));
      if (key !== undefined) rememberAnswer(app.domain, tokenId, key, request, JSON.stringify(message));
      return reply.code(201).send(message);
    },
  );
};
export default messageRoutes;
