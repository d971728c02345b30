import type { FastifyInstance } from 'fastify';
import { subscribe, unsubscribe } from '../domain/push/subscriptions.ts';
import { actorOf, requireUser } from '../plugins/auth.ts';
import { field } from './forms.ts';

export default async function pushRoutes(app: FastifyInstance): Promise<void> {
  app.post('/push/subscriptions', { preHandler: requireUser }, async (req, reply) => {
    // A refusal (422) is the app's alert, in the person's language, as for any form.
    subscribe(app.domain, actorOf(req), {
      endpoint: field(req, 'endpoint'),
      p256dh: field(req, 'p256dh'),
      auth: field(req, 'auth'),
      label: req.headers['user-agent'] ?? '',
    });
    return reply.code(204).send();
  });

  app.delete('/push/subscriptions', { preHandler: requireUser }, async (req, reply) => {
    unsubscribe(app.domain, actorOf(req), field(req, 'endpoint'));
    return reply.code(204).send();
  });
}
