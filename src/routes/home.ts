import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { dismissGettingStarted } from '../domain/onboarding/getting-started.ts';
import { actorOf, requireUser } from '../plugins/auth.ts';
import { isHtmx } from '../plugins/render.ts';
import { form } from './schemas.ts';

/** Where sign-in lands: the conversations themselves (with an admin's getting-started checklist on top). */
export default async function homeRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.addHook('preHandler', requireUser);

  app.get('/', async (_req, reply) => reply.redirect('/conversations', 303));

  app.post('/getting-started/dismiss', { schema: { body: form({}) } }, async (req, reply) => {
    dismissGettingStarted(app.domain, actorOf(req));
    return isHtmx(req) ? reply.code(200).send('') : reply.redirect('/conversations', 303);
  });
}
