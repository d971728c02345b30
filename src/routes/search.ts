import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf, requireUser } from '../plugins/auth.ts';
import { isHtmx } from '../plugins/render.ts';
import { searchPage, searchQueryIn, searchQuerySchema } from '../presenters/search-page.ts';
import { timeZoneOf } from '../presenters/viewer.ts';

export default async function searchRoutes(app: FastifyInstance): Promise<void> {
  app.addHook('preHandler', requireUser);

  // The results page; htmx asks for the results alone (the filters form), or the next rows (after=).
  app
    .withTypeProvider<ZodTypeProvider>()
    .get('/search', { schema: { querystring: searchQuerySchema } }, async (req, reply) => {
      const query = searchQueryIn(req.query, timeZoneOf(req.auth!.user, app.configStore.current));
      const data = searchPage(app.domain, actorOf(req), req.t, query);
      if (data.problem) reply.code(422);
      if (!isHtmx(req)) return reply.page('pages/search', data);
      return reply.fragment(query.after ? 'partials/search-more' : 'partials/search-results', data);
    });
}
