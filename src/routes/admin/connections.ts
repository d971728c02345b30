import type { FastifyInstance } from 'fastify';
import { adminOnly } from './guard.ts';

/** Each carrier connection's state: bound or not since when, last error, queue depth, sent/failed counts. */
export default async function adminConnectionRoutes(app: FastifyInstance): Promise<void> {
  app.addHook('preHandler', adminOnly);
  app.get('/', async (_req, reply) =>
    reply.pageOrFragment('pages/admin-connections', 'partials/admin-connections', { connections: app.messaging.channels.map((c) => c.state()) }),
  );
}
