import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requireUser } from '../plugins/auth.ts';
import { isHtmx } from '../plugins/render.ts';
import { parseSearchQuery, searchPage } from '../presenters/search-page.ts';
import { timeZoneOf } from '../presenters/viewer.ts';

/** The shape only: the presenter reads the filters, the domain judges the words. */
const searchQuerystring = z.object({
  q: z.string().optional(),
  inbox: z.string().optional(),
  status: z.string().optional(),
  assignee: z.string().optional(),
  tag: z.string().optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  order: z.string().optional(),
  after: z.string().optional(),
});

export default async function searchRoutes(app: FastifyInstance): Promise<void> {
  app.addHook('preHandler', requireUser);

  // The results page; htmx asks for the results alone (the filters form), or the next rows (after=).
  app
    .withTypeProvider<ZodTypeProvider>()
    .get('/search', { schema: { querystring: searchQuerystring } }, async (req, reply) => {
      const query = parseSearchQuery(req.query, timeZoneOf(req.auth!.user, app.configStore.current));
      const data = searchPage(app.domain, actorOf(req), req.t, query);
      if (data.problem) reply.code(422);
      if (!isHtmx(req)) return reply.page('pages/search', data);
      return reply.fragment(query.after ? 'partials/search-more' : 'partials/search-results', data);
    });
}
