import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isHtmx } from '../../plugins/render.ts';
import { connectionRows } from '../../presenters/connections.ts';
import { form } from '../schemas.ts';
import { adminOnly } from './guard.ts';

/** Each channel's kind and state: bound or not since when, when it tries again, last error, queue depth, sent/failed counts. */
export default async function adminConnectionRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.addHook('preHandler', adminOnly);
  const page = (notice: { ok: boolean; text: string } | null = null) => ({
    connections: connectionRows(app.messaging, app.domain.now()),
    notice,
  });
  app.get('/', async (_req, reply) =>
    reply.pageOrFragment('pages/admin-connections', 'partials/admin-connections', page()),
  );

  // What a kind lets an admin ask of a running channel (WhatsApp: read the templates again now).
  const refreshSchema = { params: z.object({ name: z.string() }), body: form({}) };
  app.post('/:name/refresh', { schema: refreshSchema }, async (req, reply) => {
    const refresh = app.messaging.refresh.get(req.params.name);
    if (!refresh) return reply.code(404).send('no such channel');
    const ok = await refresh.run();
    const text = req.t(ok ? 'admin.connections.refreshed' : 'admin.connections.refresh_failed', {
      name: req.params.name,
    });
    if (!isHtmx(req)) return reply.redirect('/admin/connections', 303);
    // The page answers either way; a failure (the provider did not answer) is said in place, with the log's reason.
    return reply.fragment('partials/admin-connections', page({ ok, text }));
  });
}
