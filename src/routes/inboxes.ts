import type { FastifyInstance } from 'fastify';
import { blockedNumbers, listOpenConversations } from '../domain/conversations/queries.ts';
import { getInboxFor } from '../domain/inboxes/service.ts';
import { actorOf, requireUser } from '../plugins/auth.ts';
import { idParam } from './forms.ts';

export default async function inboxRoutes(app: FastifyInstance): Promise<void> {
  app.get('/inboxes/:id', { preHandler: requireUser }, async (req, reply) => {
    const actor = actorOf(req);
    const inbox = getInboxFor(app.domain, actor, idParam(req));
    const conversations = listOpenConversations(app.domain, actor, inbox.id);
    const blocked = blockedNumbers(app.domain, actor, inbox.id);
    return reply.pageOrFragment('pages/inbox', 'partials/inbox-main', { inbox, conversations, blocked });
  });
}
