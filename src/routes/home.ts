import type { FastifyInstance } from 'fastify';
import { listInboxesFor } from '../domain/inboxes/service.ts';
import { actorOf, requireUser } from '../plugins/auth.ts';

export default async function homeRoutes(app: FastifyInstance): Promise<void> {
  app.get('/', { preHandler: requireUser }, async (req, reply) => {
    const inboxes = listInboxesFor(app.domain, actorOf(req));
    return reply.page('pages/home', { inboxes });
  });
}
