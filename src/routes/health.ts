import type { FastifyInstance } from 'fastify';

export default async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/healthz', async (_req, reply) => {
    try {
      app.domain.db.$client.prepare('SELECT 1').get();
      return reply.type('text/plain').send('ok');
    } catch (err) {
      app.log.error({ err }, 'health check: database unreachable');
      return reply.code(503).type('text/plain').send('database unavailable');
    }
  });
}
