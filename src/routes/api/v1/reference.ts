import type { FastifyInstance } from 'fastify';
import { apiReference, type OpenApiDocument } from '../../../presenters/api-reference.ts';

/** GET /api/v1/docs: the reference, a plain page drawn on the server from the OpenAPI document (public, as it is). */
export default async function referenceRoutes(app: FastifyInstance): Promise<void> {
  app.get('/docs', { schema: { hide: true }, config: { public: true } }, async (_req, reply) =>
    reply.type('text/html; charset=utf-8').page('pages/api-reference', {
      reference: apiReference(app.swagger() as unknown as OpenApiDocument),
    }),
  );
}
