import type { FastifyInstance } from 'fastify';
import { setAssignmentMode, setMovingEnabled } from '../domain/inboxes/service.ts';
import { actorOf, requireUser } from '../plugins/auth.ts';
import { field, idParam } from './forms.ts';
import { listUrl } from './conversations/filters.ts';

/** Per-inbox switches, offered on the inbox's conversation list: assignment mode (managers) and moving out (admins). */
export default async function inboxSettingRoutes(app: FastifyInstance): Promise<void> {
  app.addHook('preHandler', requireUser);

  app.post('/inboxes/:id/assignment', async (req, reply) => {
    const id = idParam(req);
    setAssignmentMode(app.domain, actorOf(req), id, field(req, 'enabled') === '1');
    return reply.redirect(listUrl({ inbox: String(id) }), 303);
  });

  app.post('/inboxes/:id/moving', async (req, reply) => {
    const id = idParam(req);
    setMovingEnabled(app.domain, actorOf(req), id, field(req, 'enabled') === '1');
    return reply.redirect(listUrl({ inbox: String(id) }), 303);
  });
}
