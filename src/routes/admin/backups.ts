import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../../plugins/auth.ts';
import { form } from '../schemas.ts';
import { adminOnly } from './guard.ts';

/** The backups in `[backup] dir`, the schedule, the last failure, and a button for one now. */
export default async function adminBackupRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.addHook('preHandler', adminOnly);

  const show = (reply: FastifyReply, notice: string | null = null, error: string | null = null) =>
    reply.pageOrFragment('pages/admin-backups', 'partials/admin-backups', { ...app.backups.state(), notice, error });

  app.get('/', async (_req, reply) => show(reply));

  app.post('/', { schema: { body: form({}) } }, async (req, reply) => {
    try {
      const backup = await app.backups.run(actorOf(req));
      return show(reply, req.t('admin.backups.made', { dir: backup.dir }));
    } catch (err) {
      // The reason (a full disk, a folder it may not write) is for the admin to act on; it is logged as well.
      return show(reply.code(503), null, req.t('admin.backups.failed', { reason: (err as Error).message }));
    }
  });
}
