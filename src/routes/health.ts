import type { FastifyInstance } from 'fastify';

export default async function healthRoutes(app: FastifyInstance): Promise<void> {
  // Probed every few seconds by Docker and load balancers: only failures are worth a log line.
  app.get('/healthz', { logLevel: 'warn' }, async (_req, reply) => {
    try {
      app.domain.db.$client.prepare('SELECT 1').get();
      const trouble = app.writeHealth.trouble();
      if (trouble) return reply.code(503).type('text/plain').send(`database cannot be written: ${trouble}`);
      return reply.type('text/plain').send('ok');
    } catch (err) {
      app.log.error({ err }, 'health check: database unreachable');
      return reply.code(503).type('text/plain').send('database unavailable');
    }
  });
}
