import type { FastifyInstance } from 'fastify';

/** Generous for an MMS: carriers cap a message at a few hundred KB to a few MB, and base64 adds a third. */
const MM7_BODY_LIMIT = 16 * 1024 * 1024;

/**
 * Where a carrier's MMSC posts DeliverReq (an MMS for us) and DeliveryReportReq. No session and no CSRF
 * token: the channel checks the MMSC's basic-auth credentials on every request and answers in MM7.
 */
export default async function mm7Routes(app: FastifyInstance): Promise<void> {
  app.addContentTypeParser(['multipart/related', 'text/xml', 'application/xml', 'application/soap+xml'], { parseAs: 'buffer', bodyLimit: MM7_BODY_LIMIT }, (_req, body, done) =>
    done(null, body),
  );

  app.post('/mm7/:name', { config: { csrf: false } }, async (req, reply) => {
    const endpoint = app.messaging.mm7.get((req.params as Record<string, string>).name ?? '');
    if (!endpoint) return reply.code(404).type('text/plain').send('no such MM7 connection');
    const answer = endpoint.receive({
      contentType: req.headers['content-type'],
      authorization: req.headers.authorization,
      body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    });
    return reply.code(answer.status).headers(answer.headers ?? {}).type(answer.contentType).send(answer.body);
  });
}
