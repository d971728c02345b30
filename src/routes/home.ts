import type { FastifyInstance } from 'fastify';
import { dismissGettingStarted } from '../domain/onboarding/getting-started.ts';
import { actorOf, requireUser } from '../plugins/auth.ts';
import { isHtmx } from '../plugins/render.ts';

/** Where sign-in lands: the conversations themselves (with an admin's getting-started checklist on top). */
export default async function homeRoutes(app: FastifyInstance): Promise<void> {
  app.addHook('preHandler', requireUser);

  app.get('/', async (_req, reply) => reply.redirect('/conversations', 303));

  app.post('/getting-started/dismiss', async (req, reply) => {
    dismissGettingStarted(app.domain, actorOf(req));
    return isHtmx(req) ? reply.code(200).send('') : reply.redirect('/conversations', 303);
  });
}
