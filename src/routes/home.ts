import type { FastifyInstance } from 'fastify';
import { listInboxesFor } from '../domain/inboxes/service.ts';
import { actorOf, requireUser } from '../plugins/auth.ts';

export default async function homeRoutes(app: FastifyInstance): Promise<void> {
  app.get('/', { preHandler: requireUser }, async (req, reply) => {
    // The page lists the same inboxes as the navigation: one query serves both.
    return reply.page('pages/home', { navInboxes: listInboxesFor(app.domain, actorOf(req)) });
  });
}
