import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Receiver, WebhookAnswer, WebhookRequest } from '../channels/registry.ts';

/** The most any receiver may take (MM7's, with room for an MMS in base64); each receiver has its own, lower or equal. */
const BODY_CEILING = 16 * 1024 * 1024;

/** The receiver a running channel of this kind and name published (./channels/start.ts), if there is one. */
export function receiverOf(app: FastifyInstance, kind: string, params: unknown): Receiver | undefined {
  return app.messaging.receivers.get(kind)?.get((params as Record<string, string>).name ?? '');
}

/** The request without its body, as a receiver is asked before the body is read. */
export function requestOf(req: FastifyRequest): Omit<WebhookRequest, 'body'> {
  const query: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.query as Record<string, unknown>)) {
    const first = Array.isArray(value) ? (value as unknown[])[0] : value;
    if (typeof first === 'string') query[key] = first;
  }
  return { method: req.method, headers: req.headers, query };
}

export const bodyOf = (req: FastifyRequest): Buffer => (Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));

export const sendAnswer = (reply: FastifyReply, answer: WebhookAnswer) =>
  reply
    .code(answer.status)
    .headers(answer.headers ?? {})
    .type(answer.contentType)
    .send(answer.body);

const refuse = (reply: FastifyReply, status: number, text: string) =>
  reply.code(status).header('connection', 'close').type('text/plain').send(text);

/**
 * Where providers call the running channels: GET (handshakes) and POST `/webhooks/<kind>/<name>`, answered by the
 * receiver the channel's kind brings (./channels/registry.ts). No session and no CSRF token: each receiver checks
 * its provider's own proof (basic auth, a signature over the raw body).
 */
export default async function webhookRoutes(app: FastifyInstance): Promise<void> {
  // In this plugin only: every body is kept as the bytes that came, whatever its type, for signatures over them.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_CEILING }, (_req, body, done) => done(null, body));

  const receiverFor = (req: FastifyRequest) =>
    receiverOf(app, (req.params as Record<string, string>).kind ?? '', req.params);

  // Before the body is read: a stranger may not make the server buffer megabytes.
  const guard = async (req: FastifyRequest, reply: FastifyReply) => {
    const receiver = receiverFor(req);
    if (!receiver) return refuse(reply, 404, 'no such channel');
    if (Number(req.headers['content-length'] ?? 0) > receiver.bodyLimit) return refuse(reply, 413, 'body too large');
    const refusal = await receiver.screen?.(requestOf(req));
    if (refusal) return sendAnswer(reply, { ...refusal, headers: { ...refusal.headers, connection: 'close' } });
  };

  app.route({
    method: ['GET', 'POST'],
    url: '/webhooks/:kind/:name',
    config: { csrf: false, body: 'own' },
    onRequest: guard,
    handler: async (req, reply) => {
      const receiver = receiverFor(req)!;
      const body = bodyOf(req);
      // A body sent without a length (chunked) is only measured once read.
      if (body.length > receiver.bodyLimit) return refuse(reply, 413, 'body too large');
      return sendAnswer(reply, await receiver.receive({ ...requestOf(req), body }));
    },
  });
}
