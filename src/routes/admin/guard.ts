import type { FastifyReply, FastifyRequest } from 'fastify';
import { requireUser } from '../../plugins/auth.ts';

/** Admin pages are not even listed for others; the domain layer checks the role again on every write. */
export async function adminOnly(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  await requireUser(req, reply);
  if (reply.sent) return;
  if (req.auth?.user.role !== 'admin') return reply.code(404).sendError('error.not_found');
}
