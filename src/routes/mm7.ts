import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebhookAnswer } from '../channels/registry.ts';
import { bodyOf, receiverOf, requestOf, sendAnswer } from './webhooks.ts';

/** Generous for an MMS: carriers cap a message at a few hundred KB to a few MB, and base64 adds a third. */
const MM7_BODY_LIMIT = 16 * 1024 * 1024;

/**
 * Where a carrier's MMSC posts DeliverReq (an MMS for us) and DeliveryReportReq, as carriers were configured before
 * /webhooks/mm7/<name>: the same receiver answers both. No session and no CSRF token: the channel checks the
 * MMSC's basic-auth credentials on every request and answers in MM7.
 */
export default async function mm7Routes(app: FastifyInstance): Promise<void> {
  app.addContentTypeParser(
    ['multipart/related', 'text/xml', 'application/xml', 'application/soap+xml'],
    { parseAs: 'buffer', bodyLimit: MM7_BODY_LIMIT },
    (_req, body, done) => done(null, body),
  );

  const closing = (reply: FastifyReply, answer: WebhookAnswer) =>
    sendAnswer(reply, { ...answer, headers: { ...answer.headers, connection: 'close' } });

  // Before the body is read: a stranger may not make the server buffer megabytes.
  const guard = async (req: FastifyRequest, reply: FastifyReply) => {
    const receiver = receiverOf(app, 'mm7', req.params);
    if (!receiver)
      return reply.code(404).header('connection', 'close').type('text/plain').send('no such MM7 connection');
    const refusal = await receiver.screen?.(requestOf(req));
    if (refusal) return closing(reply, refusal);
  };

  app.post('/mm7/:name', { config: { csrf: false, body: 'own' }, onRequest: guard }, async (req, reply) =>
    sendAnswer(reply, await receiverOf(app, 'mm7', req.params)!.receive({ ...requestOf(req), body: bodyOf(req) })),
  );
}
