import type { FastifyInstance } from 'fastify';
import { getInboxFor } from '../domain/inboxes/service.ts';
import { actorOf, requireUser } from '../plugins/auth.ts';
import { idParam } from './forms.ts';

export default async function inboxRoutes(app: FastifyInstance): Promise<void> {
  app.get('/inboxes/:id', { preHandler: requireUser }, async (req, reply) => {
    const inbox = getInboxFor(app.domain, actorOf(req), idParam(req));
    return reply.pageOrFragment('pages/inbox', 'partials/inbox-main', { inbox });
  });
}
