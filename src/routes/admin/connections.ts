import type { FastifyInstance } from 'fastify';
import { connectionRows } from '../../presenters/connections.ts';
import { adminOnly } from './guard.ts';

/** Each channel's kind and state: bound or not since when, when it tries again, last error, queue depth, sent/failed counts. */
export default async function adminConnectionRoutes(app: FastifyInstance): Promise<void> {
  app.addHook('preHandler', adminOnly);
  app.get('/', async (_req, reply) =>
    reply.pageOrFragment('pages/admin-connections', 'partials/admin-connections', {
      connections: connectionRows(app.messaging, app.domain.now()),
    }),
  );
}
