import type { FastifyInstance } from 'fastify';
import { mayScrape, metricsToken } from '../metrics/access.ts';

/** Prometheus text format, for this machine or a scraper with the token; anyone else gets the same 404 as a page that does not exist. */
export default async function metricsRoutes(app: FastifyInstance): Promise<void> {
  // Scraped every few seconds: only failures are worth a log line.
  app.get('/metrics', { logLevel: 'warn' }, async (req, reply) => {
    if (!mayScrape(req.socket.remoteAddress, req.headers, metricsToken(app.configStore.current)))
      return reply.callNotFound();
    const body = await app.metrics.registry.metrics();
    return reply.header('cache-control', 'no-store').type(app.metrics.registry.contentType).send(body);
  });
}
