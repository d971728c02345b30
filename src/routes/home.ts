import type { FastifyInstance } from 'fastify';
import { requireUser } from '../plugins/auth.ts';

export default async function homeRoutes(app: FastifyInstance): Promise<void> {
  app.get('/', { preHandler: requireUser }, async (req, reply) => {
    return reply.page('pages/home');
  });
}
