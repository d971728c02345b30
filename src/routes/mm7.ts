import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Generous for an MMS: carriers cap a message at a few hundred KB to a few MB, and base64 adds a third. */
const MM7_BODY_LIMIT = 16 * 1024 * 1024;

/**
 * Where a carrier's MMSC posts DeliverReq (an MMS for us) and DeliveryReportReq. No session and no CSRF
 * token: the channel checks the MMSC's basic-auth credentials on every request and answers in MM7.
 */
export default async function mm7Routes(app: FastifyInstance): Promise<void> {
  app.addContentTypeParser(
    ['multipart/related', 'text/xml', 'application/xml', 'application/soap+xml'],
    { parseAs: 'buffer', bodyLimit: MM7_BODY_LIMIT },
    (_req, body, done) => done(null, body),
  );

  const endpointOf = (params: unknown) => app.messaging.mm7.get((params as Record<string, string>).name ?? '');

  // Before the body is read: a stranger may not make the server buffer megabytes.
  const guard = async (req: FastifyRequest, reply: FastifyReply) => {
    const endpoint = endpointOf(req.params);
    if (!endpoint)
      return reply.code(404).header('connection', 'close').type('text/plain').send('no such MM7 connection');
    if (endpoint.authorised(req.headers.authorization)) return;
    const refusal = await endpoint.receive({
      contentType: undefined,
      authorization: req.headers.authorization,
      body: Buffer.alloc(0),
    });
    return reply
      .code(refusal.status)
      .headers({ ...refusal.headers, connection: 'close' })
      .type(refusal.contentType)
      .send(refusal.body);
  };

  app.post('/mm7/:name', { config: { csrf: false, body: 'own' }, onRequest: guard }, async (req, reply) => {
    const endpoint = endpointOf(req.params)!;
    const answer = await endpoint.receive({
      contentType: req.headers['content-type'],
      authorization: req.headers.authorization,
      body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    });
    return reply
      .code(answer.status)
      .headers(answer.headers ?? {})
      .type(answer.contentType)
      .send(answer.body);
  });
}
